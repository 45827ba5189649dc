"""What is known about each device and site, per target, kept across runs.

One JSON file per target under the state folder (`progress/<target>.json`): for every device or
site key, the latest verify outcome and when. A narrow verify updates only what it checked, so a
one-site verify never erases the other 139 sites. Verify reports themselves are kept as history
(`verify/<target>/<stamp>.json`, newest also as `latest.json`).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from countynet.deploy.state import state_dir
from countynet.errors import CountynetError
from countynet.inventory.limits import read_user_text
from countynet.report.formats import to_json
from countynet.verify.results import VerifyReport


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def progress_file(target: str) -> Path:
    return state_dir() / "progress" / f"{target}.json"


def read_progress(target: str) -> dict[str, dict[str, Any]]:
    """{key: {"ok": bool, "ts": float, "failed": [check names]}}; empty when nothing was verified."""
    path = progress_file(target)
    try:
        data = json.loads(read_user_text(path))
    except (OSError, ValueError, CountynetError):
        return {}  # unreadable or over the budget: nothing verified yet
    return data.get("keys", {}) if isinstance(data, dict) else {}


def record_verify(target: str, report: VerifyReport) -> Path:
    """Merge a verify report into the target's progress and keep the report in its history."""
    now = time.time()
    keys = read_progress(target)
    fresh: dict[str, dict[str, Any]] = {}
    for c in report.checks:
        key = c.site or c.device
        entry = fresh.setdefault(key, {"ok": True, "ts": now, "failed": []})
        if c.bad:
            entry["ok"] = False
            entry["failed"].append(c.name)
    keys.update(fresh)
    _atomic_write(progress_file(target), json.dumps({"target": target, "keys": keys}, indent=1, sort_keys=True))
    folder = state_dir() / "verify"
    data = {**json.loads(to_json(report)), "target": target, "finished": round(now, 3)}
    text = json.dumps(data, indent=2, sort_keys=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{now % 1:.3f}"[1:] + f"-{target}"
    _atomic_write(folder / "history" / f"{stamp}.json", text)
    _atomic_write(folder / "latest.json", text)
    return folder / "history" / f"{stamp}.json"
