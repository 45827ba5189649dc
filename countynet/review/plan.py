"""The change plan of a pull request: what each device, address, radio link and site becomes.

Rendering is a pure function of (intent, templates), so with the same templates on both sides a
device whose intent is equal (as canonical JSON) renders identically and is not rendered at all;
only devices whose intent differs, or that appear or disappear, are rendered. When the templates
differ every device is rendered on both sides, each with its own side's templates.
"""

from __future__ import annotations

import difflib
import filecmp
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from countynet import platforms
from countynet.errors import CountynetError, Pos
from countynet.findings import Finding
from countynet.intent.secrets import env_resolver, redactor, secret_values
from countynet.inventory.limits import InputRefused
from countynet.inventory.loader import TOWNS_DIR
from countynet.render.renderer import render_intents
from countynet.review import gitsrc
from countynet.review.evaluate import SideData, changed_towns, evaluate, reduced_copy

RADIO_FIELDS = ("frequency_mhz", "width_mhz", "margin_db", "clearance_pct", "capacity_mbps", "mcs", "verdict")
# Differences at or below these are numerical noise, not a change worth a reviewer's time.
RADIO_NOISE = {"margin_db": 0.1, "clearance_pct": 0.5, "capacity_mbps": 0.5}


@dataclass
class DeviceChange:
    host: str
    town: str
    platform: str
    status: str  # added | removed | changed
    diff: list[str]  # unified diff lines, without line ends
    added: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "town": self.town,
            "platform": self.platform,
            "status": self.status,
            "lines_added": self.added,
            "lines_removed": self.removed,
            "diff": "\n".join(self.diff),
        }


@dataclass
class AllocChange:
    town: str
    category: str
    key: str
    status: str  # added | removed | moved
    old: str | None
    new: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class RadioChange:
    id: str
    town: str
    name: str
    status: str  # added | removed | changed
    changes: dict[str, tuple[Any, Any]]  # field -> (old, new)
    margin_db: Any = None  # head value (base value when removed)
    a: str = ""  # the hop's ends (a: tower or hub side), for the topology diagram
    b: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "town": self.town,
            "name": self.name,
            "status": self.status,
            "margin_db": self.margin_db,
            "changes": {k: {"old": a, "new": b} for k, a, b in ((k, *v) for k, v in self.changes.items())},
        }


@dataclass
class Plan:
    base: str
    base_commit: str
    head: str
    head_commit: str | None  # None: the working tree
    mode: str = "scoped"  # scoped | full
    templates_changed: bool = False
    devices: list[DeviceChange] = field(default_factory=list)
    intent_only: list[str] = field(default_factory=list)  # intent differs, rendered text does not
    allocations: list[AllocChange] = field(default_factory=list)
    radio: list[RadioChange] = field(default_factory=list)
    sites_added: list[tuple[str, str]] = field(default_factory=list)  # (town, site)
    sites_removed: list[tuple[str, str]] = field(default_factory=list)
    towns_added: list[str] = field(default_factory=list)
    towns_removed: list[str] = field(default_factory=list)
    changed_towns: list[str] = field(default_factory=list)  # present on head: what to lab-verify
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rendered: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def moved(self) -> list[AllocChange]:
        return [a for a in self.allocations if a.status == "moved"]

    def count(self, items: list[Any], status: str) -> int:
        return sum(i.status == status for i in items)

    def summary(self) -> dict[str, int]:
        d, a, r = self.devices, self.allocations, self.radio
        return {
            "devices_added": self.count(d, "added"),
            "devices_removed": self.count(d, "removed"),
            "devices_changed": self.count(d, "changed"),
            "addresses_added": self.count(a, "added"),
            "addresses_removed": self.count(a, "removed"),
            "addresses_moved": self.count(a, "moved"),
            "links_added": self.count(r, "added"),
            "links_removed": self.count(r, "removed"),
            "links_changed": self.count(r, "changed"),
            "sites_added": len(self.sites_added),
            "sites_removed": len(self.sites_removed),
            "errors": self.errors,
            "warnings": self.warnings,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": {"revision": self.base, "commit": self.base_commit},
            "head": {"revision": self.head, "commit": self.head_commit},
            "mode": self.mode,
            "templates_changed": self.templates_changed,
            "summary": self.summary(),
            "changed_towns": self.changed_towns,
            "devices": [c.as_dict() for c in self.devices],
            "intent_only": self.intent_only,
            "allocations": [c.as_dict() for c in self.allocations],
            "radio": [c.as_dict() for c in self.radio],
            "sites": {
                "added": [{"town": t, "site": s} for t, s in self.sites_added],
                "removed": [{"town": t, "site": s} for t, s in self.sites_removed],
            },
            "towns": {"added": self.towns_added, "removed": self.towns_removed},
            "findings": [f.as_dict() for f in self.findings],
            "notes": self.notes,
            "rendered": self.rendered,
            "seconds": round(self.seconds, 2),
        }


# ------------------------------------------------------------------ comparisons
def _canon(intent: dict[str, Any] | None) -> str | None:
    return None if intent is None else json.dumps(intent, sort_keys=True, separators=(",", ":"), default=str)


def _render(intents: dict[str, dict[str, Any]], templates: Path | None) -> tuple[dict[str, str], dict[str, str]]:
    """({host: text}, {host: why it cannot be rendered})."""
    out: dict[str, str] = {}
    failed: dict[str, str] = {}
    tpl = str(templates) if templates is not None else None
    for host in sorted(intents):
        try:
            out.update(render_intents({host: intents[host]}, templates=tpl, sandboxed=True))  # a PR's templates
        except (TemplateError, KeyError, TypeError, ValueError) as exc:
            failed[host] = f"{type(exc).__name__}: {exc}"
    return out, failed


def _device_changes(
    plan: Plan, base: SideData, head: SideData, hosts: list[str], btexts: dict[str, str], htexts: dict[str, str]
) -> None:
    for host in hosts:
        a, b = btexts.get(host), htexts.get(host)
        if a == b:
            if a is not None:
                plan.intent_only.append(host)
            continue
        intent = head.intents.get(host) or base.intents[host]
        platform = intent["platform"]
        name = host + platforms.get(platform).suffix
        status = "added" if a is None else "removed" if b is None else "changed"
        lines = list(
            difflib.unified_diff(
                (a or "").splitlines(),
                (b or "").splitlines(),
                "/dev/null" if a is None else f"a/{name}",
                "/dev/null" if b is None else f"b/{name}",
                lineterm="",
            )
        )
        plus = sum(1 for x in lines[2:] if x.startswith("+"))
        minus = sum(1 for x in lines[2:] if x.startswith("-"))
        town = head.device_town.get(host) or base.device_town.get(host, "")
        plan.devices.append(DeviceChange(host, town, platform, status, lines, plus, minus))


def _alloc_changes(plan: Plan, base: SideData, head: SideData) -> None:
    for town in sorted(base.lock.keys() | head.lock.keys()):
        old, new = base.lock.get(town, {}), head.lock.get(town, {})
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            status = "added" if a is None else "removed" if b is None else "moved"
            category, _, name = key.partition(" ")
            plan.allocations.append(AllocChange(town, category, name, status, a, b))


def _differs(key: str, a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and key in RADIO_NOISE:
        return abs(a - b) > RADIO_NOISE[key] + 1e-9
    return a != b


def _radio_changes(plan: Plan, base: SideData, head: SideData) -> None:
    for lid in sorted(base.radio.keys() | head.radio.keys()):
        a, b = base.radio.get(lid), head.radio.get(lid)
        ref = b or a
        assert ref is not None
        if a is None or b is None:
            status = "added" if a is None else "removed"
            shown = {k: (None, ref.get(k)) if a is None else (ref.get(k), None) for k in RADIO_FIELDS}
            plan.radio.append(
                RadioChange(
                    lid, ref["town"], ref["name"], status, shown, ref.get("margin_db"), ref.get("a", ""), ref.get("b", "")
                )
            )
            continue
        diff = {k: (a.get(k), b.get(k)) for k in RADIO_FIELDS if _differs(k, a.get(k), b.get(k))}
        if diff:
            plan.radio.append(
                RadioChange(lid, b["town"], b["name"], "changed", diff, b.get("margin_db"), b.get("a", ""), b.get("b", ""))
            )


def _site_changes(plan: Plan, base: SideData, head: SideData, scope: set[str] | None) -> None:
    htowns = head.towns if scope is None else head.towns & scope
    btowns = base.towns if scope is None else base.towns & scope
    plan.towns_added = sorted(htowns - btowns)
    plan.towns_removed = sorted(btowns - htowns)
    plan.sites_added = sorted((head.sites[s], s) for s in head.sites.keys() - base.sites.keys())
    plan.sites_removed = sorted((base.sites[s], s) for s in base.sites.keys() - head.sites.keys())


def _same_templates(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    cmp = filecmp.dircmp(a, b)

    def same(c: filecmp.dircmp[str]) -> bool:
        if c.left_only or c.right_only or c.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return not mismatch and not errors and all(same(s) for s in c.subdirs.values())

    return same(cmp)


def _has_towns(root: Path) -> bool:
    return any((root / TOWNS_DIR).glob("*.y*ml"))


# ------------------------------------------------------------------ the plan
def _finding(exc: InputRefused) -> Finding:
    where = exc.where if isinstance(exc.where, Pos) else None
    return Finding(exc.rule, "error", exc.what, exc.fix, where)


# size: one temporary folder bounds every step (extract both sides, scope, evaluate, render, compare); the steps are calls, the order is the point
def compute_plan(inventory: Path, base: str, head: str | None = None, full: bool = False) -> Plan:
    """Plan the change from revision `base` to revision `head` (None: the working tree)."""
    start = time.perf_counter()
    repo = gitsrc.find_repo(inventory)
    base_commit = gitsrc.resolve(repo, base)
    head_commit = gitsrc.resolve(repo, head) if head else None
    shown = repo.inventory or "."
    plan = Plan(base, base_commit, head or "working tree", head_commit)
    with tempfile.TemporaryDirectory(prefix="countynet-review-") as tmp_name:
        tmp = Path(tmp_name)
        try:  # the base can be hostile too (a pull request against a branch its author controls)
            base_root = gitsrc.extract(repo, base_commit, repo.inventory, tmp / "base")
            base_tpl = gitsrc.templates_at(repo, base_commit, tmp / "base-templates")
        except InputRefused as exc:
            plan.notes.append(f"the revision {base} is refused: {_finding(exc).format()}; every device is new")
            base_root, base_tpl = None, None
        try:
            head_tpl = gitsrc.templates_at(repo, head_commit, tmp / "head-templates")
            if head_commit is None:
                head_root: Path | None = inventory
            else:
                head_root = gitsrc.extract(repo, head_commit, repo.inventory, tmp / "head")
        except InputRefused as exc:
            plan.findings = [_finding(exc)]
            plan.notes.append("the head revision is refused by the loading budget: no device plan")
            plan.seconds = time.perf_counter() - start
            return plan
        if head_root is None or not head_root.is_dir():
            raise CountynetError(f"no inventory folder {shown!r} at {plan.head}", "pass --inventory DIR")
        if base_root is None:
            plan.notes.append(f"{shown} does not exist at {base}: every device is new")

        plan.templates_changed = not _same_templates(base_tpl, head_tpl)
        scope = None
        if not full and not plan.templates_changed and base_root is not None:
            scope = changed_towns(base_root, head_root)
        plan.mode = "full" if scope is None else "scoped"
        base_dir = base_root
        if scope is not None and base_root is not None:
            base_dir = reduced_copy(base_root, scope, tmp / "base-scoped")
            if base_dir is None:  # a town file without a readable name: no shortcut
                scope, base_dir, plan.mode = None, base_root, "full"

        head_side = evaluate(head_root, scope, rules=True, shown=None if head_commit is None else shown)
        if scope == set() or (base_dir is not None and scope is not None and not _has_towns(base_dir)):
            base_side = SideData()  # no town in scope exists on the base: nothing to load there
        else:
            try:
                base_side = evaluate(base_dir, scope, rules=False, shown=shown, whole=base_root)
            except CountynetError as exc:
                base_side = SideData(loaded=False)
                plan.notes.append(f"the inventory at {base} cannot be loaded ({exc.what})")
            if base_root is not None and not base_side.loaded:
                why = f" ({base_side.problems[0].format()})" if base_side.problems else ""
                plan.notes.append(f"the inventory at {base} does not load{why}: every device is compared with nothing")
        assert head_side.report is not None
        plan.findings = head_side.report.findings
        if not head_side.loaded:
            plan.notes.append("the head inventory does not load: no device plan (fix the findings first)")
            plan.seconds = time.perf_counter() - start
            return plan

        hosts = sorted(base_side.intents.keys() | head_side.intents.keys())
        if not plan.templates_changed:
            hosts = [h for h in hosts if _canon(base_side.intents.get(h)) != _canon(head_side.intents.get(h))]
        btexts, bfail = _render({h: base_side.intents[h] for h in hosts if h in base_side.intents}, base_tpl)
        htexts, hfail = _render({h: head_side.intents[h] for h in hosts if h in head_side.intents}, head_tpl)
        plan.rendered = len(btexts) + len(htexts)
    if hfail and not plan.errors:  # a valid model that does not render: a template bug
        host, why = next(iter(sorted(hfail.items())))
        raise CountynetError(f"the head templates cannot render {host}: {why}", "fix the template or its intent field")
    for side, failed in (("base", bfail), ("head", hfail)):
        for host, why in sorted(failed.items()):
            plan.notes.append(f"{host} cannot be rendered on the {side} side ({why}): left out of the plan")
    hosts = [h for h in hosts if h not in bfail and h not in hfail]

    # Rendered text holds placeholders only; redact any resolved value anyway (belt and braces).
    resolver = env_resolver()
    red = redactor({v for t in [*btexts.values(), *htexts.values()] for v in secret_values(t, resolver)})
    btexts = {h: red(t) for h, t in btexts.items()}
    htexts = {h: red(t) for h, t in htexts.items()}
    _device_changes(plan, base_side, head_side, hosts, btexts, htexts)
    _alloc_changes(plan, base_side, head_side)
    _radio_changes(plan, base_side, head_side)
    _site_changes(plan, base_side, head_side, scope)
    touched = (
        {c.town for c in plan.devices}
        | {c.town for c in plan.allocations}
        | {c.town for c in plan.radio}
        | {t for t, _ in plan.sites_added + plan.sites_removed}
        | set(plan.towns_added)
    )
    plan.changed_towns = sorted(touched & head_side.towns)
    plan.seconds = time.perf_counter() - start
    return plan
