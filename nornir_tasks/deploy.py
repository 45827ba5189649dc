"""Deploy one device: journal -> device-side lock -> backup -> candidate -> diff -> (dry-run stops)
-> commit with a confirm timer -> health gate held for a protocol interval -> confirm, or roll
back and let the device-side timer be the safety net. Every step is journaled before the next
one starts, and the outcome says what is true on the device (pending until its timer fired)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from napalm.base.exceptions import ConnectionException, NapalmException
from nornir.core.task import Result, Task

from countynet.deploy.gate import MIN_HOLD_S, GateSpec
from countynet.deploy.journal import JournalFull
from countynet.deploy.remediation import with_remediation
from countynet.deploy.strategies import load_candidate
from countynet.platforms import Platform, platform_of
from nornir_tasks.health import GateResult, Health, config_and_snapshot, fresh_connection, gate, probe

OURS = {"committing", "committed", "gated"}  # steps after which a pending commit is this run's
MARGIN_S = 3.0  # time to confirm after the hold window, before the device-side timer fires
TIMER_GRACE_S = 20.0  # how long past its timer an unreachable device may take to come back


@dataclass
class DeviceJob:
    """Everything the task needs for one device (built by countynet.deploy.engine)."""

    config: str
    commit: bool
    revert_in: int
    backup_dir: Path
    gate: GateSpec
    health_timeout: float
    note: Callable[[str, dict[str, Any]], None]  # journal one step; raises JournalFull
    redact: Callable[[str], str] = field(default=lambda s: s)
    resume: dict[str, Any] | None = None  # this device's last record in the run being resumed


def deploy_config(task: Task, job: DeviceJob) -> Result:
    started = time.monotonic()
    try:
        job.note("connecting", {})
    except JournalFull as exc:
        return _done(task, job, started, "skipped", error=f"not started: {exc}")
    out = _deploy(task, job)
    return _done(task, job, started, **out)


def _done(task: Task, job: DeviceJob, started: float, status: str, diff: str = "", error: str = "") -> Result:
    error = job.redact(error)
    data: dict[str, Any] = {"status": status, "diff": job.redact(diff), "error": error, "seconds": _t(started)}
    try:
        job.note("device", data)
        data["journaled"] = True
    except JournalFull as exc:
        data["error"] = (error + f"; outcome not journaled ({exc})").lstrip("; ")
    return Result(
        task.host, changed=status == "changed", failed=status in ("failed", "reverted", "pending"), result=data
    )


def _deploy(task: Task, job: DeviceJob) -> dict[str, str]:
    conn = task.host.get_connection("napalm", task.nornir.config)
    platform = platform_of(task.host)
    pending = pending_info(conn)
    last = job.resume or {}
    if pending is not None:
        if _ours(last, pending):
            return _reconcile(task, conn, job, platform, pending, last)
        return {"status": "skipped", "error": f"locked on the device: {describe_pending(pending)}"}
    if job.commit:  # the backup and the health gate's "before", read together
        running, before = config_and_snapshot(conn, job.gate.prefixes, platform)
    else:
        running, before = conn.get_config(retrieve="running")["running"], None
    try:
        job.backup_dir.mkdir(parents=True, exist_ok=True)
        (job.backup_dir / f"{task.host.name}.conf").write_text(job.redact(running))
    except OSError as exc:
        return {
            "status": "skipped",
            "error": f"not started: cannot write the backup to the state folder ({exc.strerror})",
        }
    diff = load_candidate(conn, platform, job.config)  # the row's strategy: replace or patch
    if not diff:
        conn.discard_config()
        if last.get("status") == "pending" or (last.get("event") == "step" and last.get("step") in OURS):
            return {"status": "changed", "error": "resumed: found on the new config, confirmed before the interruption"}
        if last.get("event") == "device" or last.get("status"):
            return {"status": str(last.get("status")), "error": "done in an earlier attempt"}
        return {"status": "unchanged"}
    if not job.commit:
        conn.discard_config()
        return {"status": "would-change", "diff": with_remediation(platform, task.host.name, diff, running, job.config)}
    assert before is not None
    again = _redo_note(last)
    out = _commit_and_gate(task, conn, job, platform, before, diff)
    out["error"] = "; ".join(x for x in (again, out.get("error", "")) if x)
    return out


def _ours(last: dict[str, Any], pending: dict[str, Any]) -> bool:
    """The pending commit is the interrupted run's: it got as far as committing this device, and
    the device's marker carries the token the run journaled (where the driver exposes one)."""
    step = last.get("event") == "step" and last.get("step") in OURS
    if not step and not (last.get("event") == "device" and last.get("status") == "pending"):
        return False
    return not (last.get("token") and pending.get("token")) or last.get("token") == pending.get("token")


def _redo_note(last: dict[str, Any]) -> str:
    if last.get("status") == "pending":
        return "resumed: the earlier pending commit was reverted by the device-side timer; deployed again"
    if last.get("event") == "device":
        return "done in an earlier attempt, but the device no longer runs it: deployed again"
    if last.get("step") in OURS:
        return "resumed: the interrupted run's commit is not on the device (never applied, or reverted by its timer); deployed again"
    return ""


def _commit_and_gate(
    task: Task, conn: Any, job: DeviceJob, platform: Platform, before: Health, diff: str
) -> dict[str, str]:
    try:
        job.note("committing", {"before": before.as_dict(), "revert_in": job.revert_in})
    except JournalFull as exc:
        conn.discard_config()
        return {"status": "skipped", "diff": diff, "error": f"not committed: {exc}"}
    committed_at = time.monotonic()
    try:
        conn.commit_config(revert_in=job.revert_in)
    except Exception as exc:
        if refused(exc):  # the device answered: refused, and the driver restored the previous config
            return {"status": "failed", "diff": diff, "error": f"commit refused: {exc}"}
        # the session died mid-way: look again before saying anything
        return _after_lost_session(task, job, diff, f"commit failed ({_one_line(exc)})", time.time() + job.revert_in)
    stalled = time.monotonic() - committed_at
    pending = _safe_pending(conn)
    if pending is None:  # the marker is gone already: its timer fired while the commit call stalled
        return {"status": "reverted", "diff": diff, "error": f"the commit call took {stalled:.0f} s (management lost?) "
                "and the device-side timer had already reverted the change"}  # fmt: skip
    pending = pending or {"revert_at": time.time() + job.revert_in}
    try:
        job.note("committed", {"token": pending.get("token"), "revert_at": pending.get("revert_at")})
    except JournalFull as exc:
        return _roll_back(task, conn, job, diff, f"{exc} after the commit", pending)
    spec = effective(job.gate, before)
    latest = committed_at + job.revert_in - spec.hold - MARGIN_S
    result = gate(probe(task.host, task.nornir.config, spec.prefixes, platform, conn), before,
                  job.health_timeout, spec.hold, latest)  # fmt: skip
    return _finish_gate(task, conn, job, diff, result, pending, spec)


def _finish_gate(
    task: Task,
    conn: Any,
    job: DeviceJob,
    diff: str,
    result: GateResult,
    pending: dict[str, Any],
    spec: GateSpec,
    prefix: str = "",
) -> dict[str, str]:
    with contextlib.suppress(JournalFull):  # a missing gate record only costs a re-gate on resume
        job.note("gated", {"problems": result.problems, "links_lost": result.links_lost, "held": result.held,
                           "hold": spec.hold, "hold_why": spec.why, "polls": result.polls})  # fmt: skip
    if result.problems:
        return _roll_back(task, conn, job, diff, prefix + result.describe(), pending)
    held = f"healthy for {result.held:.0f} s ({spec.why})"
    try:
        conn.confirm_commit()
    except Exception as exc:
        return _after_lost_session(task, job, diff, f"{prefix}{held}; confirm failed ({_one_line(exc)})",
                                   pending.get("revert_at"), confirm=True)  # fmt: skip
    return {"status": "changed", "diff": diff, "error": f"{prefix}{held}; confirmed" if prefix else ""}


def _roll_back(task: Task, conn: Any, job: DeviceJob, diff: str, why: str, pending: dict[str, Any]) -> dict[str, str]:
    try:
        conn.rollback()
    except Exception as exc:
        return _after_lost_session(
            task, job, diff, f"{why}; rollback failed ({_one_line(exc)})", pending.get("revert_at")
        )
    return {"status": "reverted", "diff": diff, "error": f"{why} -> rolled back"}


def _reconcile(
    task: Task, conn: Any, job: DeviceJob, platform: Platform, pending: dict[str, Any], last: dict[str, Any]
) -> dict[str, str]:
    """Resume: the interrupted run's commit is still pending here. Gate it again, then confirm
    or roll back; never leave it to the timer while reporting success."""
    before = Health.from_dict(last.get("before") or {})
    revert_at = pending.get("revert_at") or time.time() + job.revert_in
    spec = effective(job.gate, before)
    latest = time.monotonic() + (revert_at - time.time()) - spec.hold - MARGIN_S
    result = gate(probe(task.host, task.nornir.config, spec.prefixes, platform, conn), before,
                  job.health_timeout, spec.hold, latest)  # fmt: skip
    prefix = "resumed: pending commit of the interrupted run "
    out = _finish_gate(task, conn, job, "", result, pending, spec, prefix)
    if out["status"] == "reverted":
        out["error"] = out["error"].replace(" -> rolled back", " -> failed the health gate again, rolled back")
    return out


def _after_lost_session(
    task: Task, job: DeviceJob, diff: str, why: str, revert_at: float | None, confirm: bool = False
) -> dict[str, str]:
    """The session broke mid-way: look again with a new one and report what is true now."""
    try:
        conn = fresh_connection(task.host, task.nornir.config)
    except Exception:
        return _wait_for_timer(task, job, diff, why, revert_at)
    try:
        pending = pending_info(conn)
        if pending is None:
            on_new = not load_candidate(conn, platform_of(task.host), job.config)
            conn.discard_config()
            if on_new and confirm:
                return {"status": "changed", "diff": diff, "error": f"{why}, but the device runs the new config"}
            if on_new:
                return {"status": "failed", "diff": diff, "error": f"{why}; the device runs the new config UNCONFIRMED"}
            return {"status": "failed" if not confirm else "reverted", "diff": diff,
                    "error": f"{why}; the device is back on its previous config"}  # fmt: skip
        if confirm:
            conn.confirm_commit()
            return {"status": "changed", "diff": diff, "error": f"{why}; confirmed over a new session"}
        conn.rollback()
        return {"status": "reverted", "diff": diff, "error": f"{why}; rolled back over a new session"}
    except Exception:
        return _wait_for_timer(task, job, diff, why, revert_at)
    finally:
        with contextlib.suppress(Exception):
            conn.close()


def _wait_for_timer(task: Task, job: DeviceJob, diff: str, why: str, revert_at: float | None) -> dict[str, str]:
    """Unreachable with a commit pending: wait for the device-side timer (it is what reverts it)
    and report "reverted" only once the device shows it; until then the truth is "pending"."""
    due = revert_at or time.time() + job.revert_in
    until = due + TIMER_GRACE_S
    while True:
        with contextlib.suppress(Exception):
            conn = fresh_connection(task.host, task.nornir.config, timeout=5)
            try:
                if pending_info(conn) is None:
                    return {"status": "reverted", "diff": diff,
                            "error": f"{why}; reverted by the device-side timer at {clock(due)}"}  # fmt: skip
            finally:
                conn.close()
        if time.time() >= until:
            break
        time.sleep(min(2.0, max(0.1, until - time.time())))
    return {"status": "pending", "diff": diff, "error": f"{why}; unreachable, pending, will revert at {clock(due)}"}


def effective(spec: GateSpec, before: Health) -> GateSpec:
    """The full protocol hold where the device had sessions or adjacencies to lose; a device
    with none (a first deploy) has only management to keep, watched for MIN_HOLD_S."""
    if before.bgp or before.ospf or spec.hold <= MIN_HOLD_S:
        return spec
    return GateSpec(spec.prefixes, MIN_HOLD_S, "no session or adjacency before the change")


def refused(exc: BaseException) -> bool:
    """A NAPALM error from the device's answer (refused, undone by the driver), not a lost session."""
    return isinstance(exc, NapalmException) and not isinstance(exc, ConnectionException)


def pending_info(conn: Any, unknown: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The device-side pending-commit marker as a lock, for every platform: the driver's own
    detail where it has one, else NAPALM's has_pending_commit(); `unknown` where it cannot tell."""
    reader = getattr(conn, "pending_commit", None)
    if callable(reader):
        found = reader()
        return dict(found) if found is not None else None
    try:
        return {} if conn.has_pending_commit() else None
    except NotImplementedError:
        return unknown


def _safe_pending(conn: Any) -> dict[str, Any] | None:
    """After a commit: the marker, None when the device says there is none, {} when unknown."""
    try:
        return pending_info(conn, unknown={})
    except Exception:
        return {}


def describe_pending(pending: dict[str, Any]) -> str:
    at = pending.get("revert_at")
    when = f", will revert at {clock(at)}" if at else ""
    return f"a commit from another run is pending confirmation{when}"


def clock(epoch: float) -> str:
    return time.strftime("%H:%M:%S %Z", time.localtime(epoch))


def _one_line(exc: BaseException) -> str:
    lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else exc.__class__.__name__


def _t(started: float) -> float:
    return round(time.monotonic() - started, 2)
