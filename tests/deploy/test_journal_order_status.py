"""Journal, rollout order and `countynet status` without a lab."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.deploy.journal import Journal, list_runs
from countynet.deploy.locks import DeviceLocks
from countynet.deploy.order import Target, stages
from countynet.jobs.progress_store import record_verify
from countynet.verify.results import Check, VerifyReport

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


def _checks(*rows: tuple[str, str]) -> VerifyReport:
    return VerifyReport([Check("ruiru", site, "ping", "nofbi", status, site=site) for site, status in rows])  # type: ignore[arg-type]


def _status(target: str) -> dict[str, Any]:
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "status", "--target", target, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)  # type: ignore[no-any-return]


def test_status_counts_deployed_and_verified_sites_per_target(state: Path) -> None:
    j = Journal.create("run3")
    j.start(mode="commit", devices=DEVICES, target="lab")
    for d in DEVICES:
        j.write("device", device=d, status="failed" if d == "rru-school" else "changed")
    record_verify("lab", _checks(("rru-hospital", "ok"), ("rru-subcounty", "ok"), ("rru-police", "ok"),
                                 ("rru-hospital", "fail")))  # fmt: skip
    lab = _status("lab")
    assert lab["targets"] == {"towns": 1, "sites": 4}  # from the inventory when network.yml sets no targets
    assert lab["towns"] == [{"town": "ruiru", "sites": 4, "deployed": 3, "verified": 2, "accepted": 0, "failed": 1}]
    field = _status("field")  # a lab rollout is not field progress
    assert field["towns"] == [{"town": "ruiru", "sites": 4, "deployed": 0, "verified": 0, "accepted": 0, "failed": 0}]


def test_status_accepts_a_site_once_its_radio_hop_passed(state: Path) -> None:
    j = Journal.create("run5")
    j.start(mode="commit", devices=DEVICES, target="field")
    for d in DEVICES:
        j.write("device", device=d, status="failed" if d == "rru-school" else "changed")
    record_verify("field", _checks(("rru-hospital", "fail"), ("rru-subcounty", "ok"), ("rru-police", "ok")))
    # accepted: the fibre site (rru-police) counts; the sector site rru-subcounty only once its radio hop passed
    assert _status("field")["total"]["accepted"] == 1
    (state / "accept").mkdir(parents=True)
    hops = [{"site": "rru-subcounty", "status": "pass"}, {"site": "rru-hospital", "status": "pass"}]
    (state / "accept" / "latest.json").write_text(json.dumps({"hops": hops}))
    assert _status("field")["total"]["accepted"] == 2  # rru-hospital failed verify: not counted


def test_a_one_site_verify_leaves_the_other_sites_as_they_were(state: Path) -> None:
    j = Journal.create("run4")
    j.start(mode="commit", devices=DEVICES, target="lab")
    for d in DEVICES:
        j.write("device", device=d, status="changed")
    record_verify("lab", _checks(*((s, "ok") for s in ("rru-hospital", "rru-subcounty", "rru-police", "rru-school"))))
    assert _status("lab")["total"]["verified"] == 4
    record_verify("lab", _checks(("rru-police", "fail")))  # a narrow verify of one site
    states = {s["site"]: s["state"] for s in _status("lab")["sites"]}
    assert states == {"rru-hospital": "verified", "rru-subcounty": "verified", "rru-school": "verified",
                      "rru-police": "failed"}  # fmt: skip


def test_status_targets_come_from_network_yml(state: Path, tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    net = inv / "network.yml"
    net.write_text(net.read_text().replace("\npools:", "\ntargets: {label: phase 4, towns: 7, sites: 200}\npools:", 1))
    res = CliRunner().invoke(app, ["--inventory", str(inv), "status", "--target", "lab", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["targets"] == {"towns": 7, "sites": 200} and data["label"] == "phase 4"


@pytest.mark.parametrize(
    "args,message",
    [
        (["deploy", "--target", "moon"], "unknown target 'moon' (use --target field or --target lab)"),
        (["verify", "--town", "atlantis"], "unknown town(s): atlantis (use one of: ruiru)"),
        (["deploy", "--target", "lab", "--lab-name", "nosuchlab"], "no lab named 'nosuchlab'"),
        (["deploy", "--resume", "nosuchrun"], "no run 'nosuchrun' (see `countynet runs` for the run ids)"),
        (["deploy", "--commit", "--revert-in", "20", "--health-timeout", "30"], "leaves no time to confirm"),
    ],
)
def test_bad_deploy_and_verify_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    res = CliRunner().invoke(app, ["--inventory", str(MINI), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output
