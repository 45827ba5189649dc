"""Deploy-engine edge cases on a fake driver: stages, the held health gate, rollback, max-failures,
resume reconciliation, locks, journal steps. The lab tests (tests/e2e) are the real path."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fake_driver import DEVICES, FakeDevice, nornir_for

from countynet.deploy import locks as locks_mod
from countynet.deploy.engine import DeployOptions, deploy
from countynet.deploy.gate import GateSpec
from countynet.deploy.journal import Journal
from countynet.deploy.order import Target
from countynet.errors import CountynetError
from nornir_tasks import deploy as task_mod

NEW = "hostname new\n"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("COUNTYNET_LOCKS", str(tmp_path / "locks"))
    DEVICES.clear()


def run(names: list[str], hold: float = 2.0, resume: str | None = None, **opts: object) -> object:
    options = DeployOptions(**{"commit": True, "revert_in": 40, "health_timeout": 4.0, **opts})  # type: ignore[arg-type]
    targets = [Target(n, "t", 2 - i) for i, n in enumerate(names)]  # one stage per device
    gates = {n: GateSpec([], hold, f"test hold {hold} s") for n in names}
    return deploy(nornir_for(names), dict.fromkeys(names, NEW), targets, options, gates=gates, resume=resume)


def steps(run_id: str, device: str) -> list[str]:
    recs = Journal.open(run_id).records()
    return [r.get("step", r["event"]) for r in recs if r.get("device") == device]


def test_healthy_change_is_held_for_the_window_then_confirmed() -> None:
    DEVICES["a"] = FakeDevice(bgp=lambda d: {"10.0.0.1": 3})
    t0 = time.monotonic()
    rep = run(["a"], hold=2.0)
    assert [(r.device, r.status) for r in rep.results] == [("a", "changed")]  # type: ignore[attr-defined]
    assert time.monotonic() - t0 >= 2.0  # not the first healthy poll
    assert DEVICES["a"].running == NEW and DEVICES["a"].pending is None
    assert steps(rep.run_id, "a") == ["connecting", "committing", "committed", "gated", "device"]  # type: ignore[attr-defined]


def test_dry_run_touches_nothing() -> None:
    DEVICES["a"] = FakeDevice()
    rep = run(["a"], commit=False)
    assert [r.status for r in rep.results] == ["would-change"]  # type: ignore[attr-defined]
    assert DEVICES["a"].running == "hostname old\n" and DEVICES["a"].commits == 0


def test_a_session_that_dies_inside_the_hold_window_is_rolled_back() -> None:
    # BGP stays up for 1.5 s after the change (its hold time), then drops: a first-poll gate passes it
    def bgp(d: FakeDevice) -> dict[str, int]:
        return {"10.0.0.1": 3} if d.running != NEW or d.age() < 1.5 else {}

    DEVICES["hub"] = FakeDevice(bgp=bgp)
    rep = run(["hub"], hold=3.0)
    (res,) = rep.results  # type: ignore[attr-defined]
    assert res.status == "reverted"
    assert re.search(r"BGP session to 10.0.0.1 down after [12] s healthy -> rolled back", res.error)
    assert DEVICES["hub"].running == "hostname old\n" and DEVICES["hub"].pending is None


def test_fewer_prefixes_fail_the_gate_and_a_dead_link_is_named() -> None:
    DEVICES["p"] = FakeDevice(bgp=lambda d: {"10.0.0.1": 3 if d.running != NEW else 1})
    DEVICES["l"] = FakeDevice(
        bgp=lambda d: {"10.0.0.9": 2} if d.running != NEW else {},
        links=lambda d: {"up0": "up" if d.running != NEW else "no-carrier", "lo": "up"},
    )
    rep = run(["p", "l"], max_failures=5)
    by = {r.device: r for r in rep.results}  # type: ignore[attr-defined]
    assert "BGP 10.0.0.1: 1 prefixes received, 3 before" in by["p"].error
    assert by["l"].error == "BGP session to 10.0.0.9 down; link up0 (no-carrier) went down -> rolled back"


def test_max_failures_stops_later_stages() -> None:
    DEVICES["a"] = FakeDevice(bgp=lambda d: {"10.0.0.1": 1} if d.running != NEW else {})
    DEVICES["b"] = FakeDevice()
    rep = run(["a", "b"], max_failures=1)
    assert [(r.device, r.status) for r in rep.results] == [("a", "reverted"), ("b", "skipped")]  # type: ignore[attr-defined]
    assert "max-failures 1" in (rep.stopped or "") and DEVICES["b"].commits == 0  # type: ignore[attr-defined]


def test_unreachable_after_commit_is_pending_until_the_timer_fires(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(task_mod, "TIMER_GRACE_S", 1.0)
    DEVICES["cut"] = FakeDevice(reachable=lambda d: d.running != NEW)  # the candidate cuts management
    DEVICES["gone"] = FakeDevice(reachable=lambda d: d.commits == 0)  # never answers again
    rep = run(["cut", "gone"], hold=2.0, revert_in=12, health_timeout=1.0, max_failures=5)
    by = {r.device: r for r in rep.results}  # type: ignore[attr-defined]
    assert by["cut"].status == "reverted" and "reverted by the device-side timer at" in by["cut"].error
    assert by["gone"].status == "pending"
    assert "unreachable, pending, will revert at" in by["gone"].error
    assert DEVICES["cut"].running == "hostname old\n"


def test_resume_gates_and_confirms_the_interrupted_runs_pending_commit() -> None:
    DEVICES["a"] = FakeDevice(bgp=lambda d: {"10.0.0.1": 2})
    DEVICES["b"] = FakeDevice()
    j = Journal.create("killed")
    j.start(mode="commit", devices=["a", "b"])
    j.write("step", device="a", step="committing", before={"bgp": {"10.0.0.1": 2}})
    DEVICES["a"].previous, DEVICES["a"].running = "hostname old\n", NEW  # the dead run's commit
    DEVICES["a"].pending = {"token": "t1", "revert_at": time.time() + 60}
    j.write("step", device="a", step="committed", token="t1")
    rep = run(["a", "b"], resume="killed")
    by = {r.device: r for r in rep.results}  # type: ignore[attr-defined]
    assert by["a"].status == "changed" and by["a"].error.startswith("resumed: pending commit of the interrupted run")
    assert "confirmed" in by["a"].error and DEVICES["a"].pending is None and DEVICES["a"].running == NEW
    assert by["b"].status == "changed" and DEVICES["b"].running == NEW
    again = run(["a", "b"], resume="killed")  # a second resume re-checks, changes nothing
    assert {r.error for r in again.results} == {"done in an earlier attempt"}  # type: ignore[attr-defined]


def test_resume_rolls_back_a_pending_commit_that_fails_the_gate_again() -> None:
    DEVICES["a"] = FakeDevice(bgp=lambda d: {} if d.running == NEW else {"10.0.0.1": 2})
    j = Journal.create("killed2")
    j.start(mode="commit", devices=["a"])
    j.write("step", device="a", step="committing", before={"bgp": {"10.0.0.1": 2}})
    DEVICES["a"].previous, DEVICES["a"].running = "hostname old\n", NEW
    DEVICES["a"].pending = {"token": "t1", "revert_at": time.time() + 60}
    (res,) = run(["a"], resume="killed2").results  # type: ignore[attr-defined]
    assert res.status == "reverted" and "failed the health gate again, rolled back" in res.error
    assert DEVICES["a"].running == "hostname old\n" and DEVICES["a"].pending is None


def test_a_pending_commit_of_another_run_is_a_lock() -> None:
    DEVICES["a"] = FakeDevice(pending={"token": "x", "revert_at": time.time() + 30})
    (res,) = run(["a"]).results  # type: ignore[attr-defined]
    assert res.status == "skipped" and "locked on the device: a commit from another run is pending" in res.error
    assert DEVICES["a"].commits == 0


def test_resume_refuses_a_journal_without_start_record() -> None:
    j = Journal.create("nostart")
    j.path.write_text('{"event": "sta')
    with pytest.raises(CountynetError, match=r"has no readable start record .line 1: cut short"):
        run(["a"], resume="nostart")


def test_a_run_from_another_state_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    DEVICES["a"] = FakeDevice()
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "other"))
    other = locks_mod.DeviceLocks("other-run")
    assert other.acquire("a", "a:22") is None
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    (res,) = run(["a"]).results  # type: ignore[attr-defined]
    assert res.status == "skipped" and "locked by run other-run (pid" in res.error
    assert str(tmp_path / "other") in res.error and DEVICES["a"].commits == 0
    other.release_all()


def test_too_short_revert_timer_for_the_hold_window_is_refused_before_connecting() -> None:
    DEVICES["a"] = FakeDevice()
    with pytest.raises(CountynetError, match=r"shorter than the health gate.s hold window on a .30 s"):
        run(["a"], hold=30.0, revert_in=32, health_timeout=5.0)
    assert DEVICES["a"].commits == 0


def test_journal_records_are_one_object_per_line() -> None:
    DEVICES["a"] = FakeDevice()
    rep = run(["a"])
    lines = Journal.open(rep.run_id).path.read_text().splitlines()  # type: ignore[attr-defined]
    assert all(isinstance(json.loads(ln), dict) for ln in lines)


def test_no_room_at_start_is_one_error_and_no_room_later_stops_before_the_next_stage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    from countynet.deploy import journal as journal_mod

    DEVICES["a"], DEVICES["b"] = FakeDevice(), FakeDevice()
    free = {"bytes": 100 * 1024}
    monkeypatch.setattr(journal_mod.shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(1, 1, free["bytes"]))  # type: ignore[attr-defined]
    with pytest.raises(CountynetError, match=r"has 100 KiB free; a run of 2 device\(s\) needs 384 KiB"):
        run(["a", "b"])
    assert DEVICES["a"].commits == 0 and not list((journal_mod.state_dir() / "runs").glob("*/journal.jsonl"))
    free["bytes"] = 10**9
    real_note = task_mod.deploy_config

    def fill_after(task: object, job: object) -> object:
        out = real_note(task, job)  # type: ignore[arg-type]
        free["bytes"] = 1024  # the disk fills while "a" is being deployed
        return out

    monkeypatch.setattr("countynet.deploy.engine.deploy_config", fill_after)
    rep = run(["a", "b"])
    assert [(r.device, r.status) for r in rep.results] == [("a", "changed"), ("b", "skipped")]  # type: ignore[attr-defined]
    assert "stopped before stage 2: the state folder is full" in rep.stopped  # type: ignore[attr-defined]
    assert DEVICES["b"].commits == 0


def test_a_device_with_nothing_to_lose_is_held_only_for_management() -> None:
    DEVICES["bare"] = FakeDevice()  # a first deploy: no session or adjacency before
    rep = run(["bare"], hold=12.0)
    gated = [r for r in Journal.open(rep.run_id).records() if r.get("step") == "gated"]  # type: ignore[attr-defined]
    assert gated[0]["hold"] == 3.0 and gated[0]["hold_why"] == "no session or adjacency before the change"
    assert rep.results[0].status == "changed" and rep.results[0].seconds < 8  # type: ignore[attr-defined]


def test_resume_does_not_adopt_a_pending_commit_with_another_token() -> None:
    DEVICES["a"] = FakeDevice(pending={"token": "someone-else", "revert_at": time.time() + 30})
    j = Journal.create("killed3")
    j.start(mode="commit", devices=["a"])
    j.write("step", device="a", step="committed", token="t-ours", before={})
    (res,) = run(["a"], resume="killed3").results  # type: ignore[attr-defined]
    assert res.status == "skipped" and "locked on the device" in res.error
    assert DEVICES["a"].pending == {"token": "someone-else", "revert_at": DEVICES["a"].pending["revert_at"]}  # type: ignore[index]


def test_resume_reconciles_a_device_reported_pending() -> None:
    DEVICES["a"] = FakeDevice(bgp=lambda d: {"10.0.0.1": 2})
    j = Journal.create("pend")
    j.start(mode="commit", devices=["a"])
    j.write("step", device="a", step="committing", before={"bgp": {"10.0.0.1": 2}})
    j.write("step", device="a", step="committed", token="t1")
    j.write("device", device="a", status="pending", error="unreachable, pending, will revert at 10:00:00 UTC")
    DEVICES["a"].previous, DEVICES["a"].running = "hostname old\n", NEW
    DEVICES["a"].pending = {"token": "t1", "revert_at": time.time() + 60}
    (res,) = run(["a"], resume="pend").results  # type: ignore[attr-defined]
    assert res.status == "changed" and res.error.endswith("; confirmed") and DEVICES["a"].pending is None
