"""The plan comment rendered again from `countynet diff --json`, by code the pull request did not write.

In CI the plan job runs the pull request's own code (it may change countynet itself), so its
plan.md is not to be trusted: the privileged job that posts the comment checks out the target
branch and renders the comment here from the untrusted job's plan.json. Everything in that file
is untrusted: it is read within a size budget, and every field is coerced to the type the
Markdown writer expects (unknown fields are ignored, lists are cut).

    python3 -m countynet.review.fromjson plan.json comment.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError, Pos
from countynet.findings import Finding, Severity
from countynet.inventory.limits import Limits, MiB, read_user_file
from countynet.review.markdown import to_markdown
from countynet.review.plan import AllocChange, DeviceChange, Plan, RadioChange

MAX_BYTES = 64 * MiB
MAX_ITEMS = 10_000
STATUSES = {"added", "removed", "changed", "moved"}


def _s(v: Any) -> str:
    return v if isinstance(v, str) else "" if v is None else str(v) if isinstance(v, int | float) else ""


def _opt(v: Any) -> str | None:
    return None if v is None else _s(v)


def _i(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _num(v: Any) -> float | int | None:
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def _list(v: Any) -> list[Any]:
    return v[:MAX_ITEMS] if isinstance(v, list) else []


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _status(v: Any) -> str:
    return v if v in STATUSES else "changed"


def _finding(d: dict[str, Any]) -> Finding:
    sev: Severity = "warning" if d.get("severity") == "warning" else "error"
    pos = Pos(_s(d.get("file")), _i(d.get("line")), _i(d.get("col"))) if d.get("file") else None
    return Finding(_s(d.get("rule")), sev, _s(d.get("message")), _s(d.get("hint")), pos)


def plan_from_dict(data: dict[str, Any]) -> Plan:
    base, head = _dict(data.get("base")), _dict(data.get("head"))
    plan = Plan(_s(base.get("revision")), _s(base.get("commit")), _s(head.get("revision")), _opt(head.get("commit")))
    plan.templates_changed = data.get("templates_changed") is True
    plan.changed_towns = [_s(t) for t in _list(data.get("changed_towns"))]
    for d in map(_dict, _list(data.get("devices"))):
        diff = _s(d.get("diff")).splitlines()
        plan.devices.append(
            DeviceChange(
                _s(d.get("host")), _s(d.get("town")), _s(d.get("platform")), _status(d.get("status")), diff,
                _i(d.get("lines_added")), _i(d.get("lines_removed")),
            )
        )  # fmt: skip
    for d in map(_dict, _list(data.get("allocations"))):
        plan.allocations.append(
            AllocChange(_s(d.get("town")), _s(d.get("category")), _s(d.get("key")), _status(d.get("status")),
                        _opt(d.get("old")), _opt(d.get("new")))
        )  # fmt: skip
    for d in map(_dict, _list(data.get("radio"))):
        changes = {
            _s(k): (_num(c.get("old")) if _num(c.get("old")) is not None else _opt(c.get("old")),
                    _num(c.get("new")) if _num(c.get("new")) is not None else _opt(c.get("new")))
            for k, c in ((k, _dict(c)) for k, c in list(_dict(d.get("changes")).items())[:50])
        }  # fmt: skip
        plan.radio.append(
            RadioChange(_s(d.get("id")), _s(d.get("town")), _s(d.get("name")), _status(d.get("status")), changes,
                        _num(d.get("margin_db")))
        )  # fmt: skip
    sites, towns = _dict(data.get("sites")), _dict(data.get("towns"))
    plan.sites_added = [(_s(_dict(x).get("town")), _s(_dict(x).get("site"))) for x in _list(sites.get("added"))]
    plan.sites_removed = [(_s(_dict(x).get("town")), _s(_dict(x).get("site"))) for x in _list(sites.get("removed"))]
    plan.towns_added = [_s(t) for t in _list(towns.get("added"))]
    plan.towns_removed = [_s(t) for t in _list(towns.get("removed"))]
    plan.findings = [_finding(_dict(f)) for f in _list(data.get("findings"))]
    plan.notes = [_s(n) for n in _list(data.get("notes"))]
    return plan


def plan_from_json(path: Path) -> Plan:
    raw = read_user_file(path, Limits(file_bytes=MAX_BYTES))
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise CountynetError(f"{path} is not a countynet plan: {str(exc)[:100]}", "pass `countynet diff --json` output") from None
    if not isinstance(data, dict):
        raise CountynetError(f"{path} is not a countynet plan", "pass `countynet diff --json` output")
    return plan_from_dict(data)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python3 -m countynet.review.fromjson PLAN.json COMMENT.md", file=sys.stderr)
        return 2
    try:
        Path(argv[1]).write_text(to_markdown(plan_from_json(Path(argv[0]))), encoding="utf-8")
    except CountynetError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
