"""Journal, rollout order and `countynet status` without a lab."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.deploy.journal import Journal, list_runs
from countynet.deploy.locks import DeviceLocks
from countynet.deploy.order import Target, stages

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
DEVICES = ["rru-bs1", "rru-bs2", "rru-hospital", "rru-hub", "rru-police", "rru-school", "rru-subcounty"]


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    return tmp_path / "state"


def test_stages_go_from_the_edge_inwards_with_canary_and_batches() -> None:
    t = [Target("hub", "a", 0), Target("bs", "a", 1), Target("s1", "a", 2), Target("s2", "a", 2), Target("x", "b", 0)]
    assert stages(t) == [["s1", "s2"], ["bs"], ["hub"], ["x"]]
    assert stages(t, canary=1, batch_size=1) == [["s1"], ["s2"], ["bs"], ["hub"], ["x"]]


def test_journal_survives_a_torn_last_line_and_lists_runs() -> None:
    j = Journal.create("run1")
    j.start(mode="commit", devices=["a", "b"])
    j.write("device", device="a", status="changed")
    with j.path.open("a") as fh:
        fh.write('{"event": "device", "device": "b", "sta')  # killed mid-write
    assert j.finished_devices() == {"a": "changed"}
    (run,) = list_runs()
    assert run.run_id == "run1" and run.mode == "commit" and run.counts == {"changed": 1} and not run.ended


def test_redaction_reaches_the_journal() -> None:
    j = Journal.create("run2", redact=lambda s: s.replace("s3cret", "***"))
    j.write("device", device="a", status="would-change", diff="+ password s3cret")
    assert "s3cret" not in j.path.read_text() and "***" in j.path.read_text()


def test_device_lock_is_exclusive_and_released() -> None:
    first, second = DeviceLocks("one"), DeviceLocks("two")
    assert first.acquire("rru-hub") is None
    assert "run one" in (second.acquire("rru-hub") or "")
    first.release_all()
    assert second.acquire("rru-hub") is None


def test_status_counts_deployed_and_verified_sites(
    state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = Journal.create("run3")
    j.start(mode="commit", devices=DEVICES)
    for d in DEVICES:
        j.write("device", device=d, status="failed" if d == "rru-school" else "changed")
    (state / "verify").mkdir(parents=True)
    checks = [{"site": s, "device": s, "status": "ok"} for s in ("rru-hospital", "rru-subcounty", "rru-police")]
    checks.append({"site": "rru-hospital", "device": "rru-hospital", "status": "fail"})
    (state / "verify" / "latest.json").write_text(json.dumps({"checks": checks}))
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "status", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["targets"] == {"towns": 6, "sites": 140}
    # accepted: the fibre site (rru-police) counts; the sector site rru-subcounty only once its radio hop passed
    assert data["towns"] == [{"town": "ruiru", "sites": 4, "deployed": 3, "verified": 2, "accepted": 1}]
    (state / "accept").mkdir(parents=True)
    hops = [{"site": "rru-subcounty", "status": "pass"}, {"site": "rru-hospital", "status": "pass"}]
    (state / "accept" / "latest.json").write_text(json.dumps({"hops": hops}))
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "status", "--json"])
    assert json.loads(res.output)["towns"][0]["accepted"] == 2  # rru-hospital failed verify: not counted


@pytest.mark.parametrize(
    "args,message",
    [
        (["deploy", "--target", "moon"], "unknown target 'moon' (use --target field or --target lab)"),
        (["verify", "--town", "atlantis"], "unknown town(s): atlantis (use a town name from towns/*.yml)"),
        (["deploy", "--target", "lab", "--lab-name", "nosuchlab"], "no lab named 'nosuchlab'"),
        (["deploy", "--resume", "nosuchrun"], "no run 'nosuchrun' (see `countynet runs` for the run ids)"),
        (["deploy", "--commit", "--revert-in", "20", "--health-timeout", "30"], "leaves no time to confirm"),
    ],
)
def test_bad_deploy_and_verify_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    res = CliRunner().invoke(app, ["--inventory", str(MINI), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output
