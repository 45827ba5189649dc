"""Deploy one device: backup -> candidate -> diff -> (dry-run stops) -> commit with a confirm
timer -> health gate -> confirm, or roll back and let the device-side timer be the safety net."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from nornir.core.task import Result, Task

from countynet.deploy.remediation import with_remediation
from countynet.deploy.strategies import load_candidate
from countynet.platforms import platform_of
from nornir_tasks.health import gate, snapshot


def deploy_config(
    task: Task,
    config: str,
    commit: bool,
    revert_in: int,
    backup_dir: Path,
    health_prefixes: list[str],
    health_timeout: float,
    redact: Any = None,
) -> Result:
    started = time.monotonic()
    clean = redact or (lambda s: s)
    conn = task.host.get_connection("napalm", task.nornir.config)
    running = conn.get_config(retrieve="running")["running"]
    backup_dir.mkdir(parents=True, exist_ok=True)
    (backup_dir / f"{task.host.name}.conf").write_text(clean(running))
    before = snapshot(conn, health_prefixes) if commit else None
    diff = load_candidate(conn, platform_of(task.host), config)  # the row's strategy: replace or patch
    if not diff:
        conn.discard_config()
        return Result(task.host, changed=False, result={"status": "unchanged", "diff": "", "seconds": _t(started)})
    if not commit:
        conn.discard_config()
        diff = with_remediation(platform_of(task.host), task.host.name, diff, running, config)
        return Result(
            task.host, changed=False, result={"status": "would-change", "diff": clean(diff), "seconds": _t(started)}
        )
    try:
        conn.commit_config(revert_in=revert_in)
    except Exception as exc:  # the driver restored the previous config
        return Result(
            task.host,
            failed=True,
            result={
                "status": "failed",
                "diff": clean(diff),
                "error": clean(f"commit refused: {exc}"),
                "seconds": _t(started),
            },
        )
    assert before is not None
    problems = gate(task.host, task.nornir.config, before, health_prefixes, health_timeout)
    if not problems:
        try:
            conn.confirm_commit()
        except Exception as exc:  # e.g. the device-side timer fired first: it is back on the old config
            note = clean(f"could not confirm ({exc}); the device reverted to its previous config")
            return Result(
                task.host,
                failed=True,
                result={"status": "reverted", "diff": clean(diff), "error": note, "seconds": _t(started)},
            )
        return Result(
            task.host, changed=True, result={"status": "changed", "diff": clean(diff), "seconds": _t(started)}
        )
    note = "; ".join(problems)
    try:
        conn.rollback()
        note += " -> rolled back"
    except Exception as exc:
        note += f" -> rollback over SSH failed ({exc}); the device-side timer reverts within {revert_in} s"
    return Result(
        task.host,
        failed=True,
        result={"status": "reverted", "diff": clean(diff), "error": clean(note), "seconds": _t(started)},
    )


def _t(started: float) -> float:
    return round(time.monotonic() - started, 2)
