"""Deploy and verify against real FRR routers in the virtual lab (the mini inventory, 7 routers).

One lab for the module; the tests run in order and each leaves the lab converged:
dry run -> full deploy -> idempotence -> verify -> breakage found exactly -> fault injection.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from labkit import MiniLab, needs_lab

pytestmark = [pytest.mark.lab, needs_lab]
ROUTERS = ["rru-bs1", "rru-bs2", "rru-hospital", "rru-hub", "rru-police", "rru-school", "rru-subcounty"]


def as_json(output: str) -> Any:
    return json.loads(output[output.index("{") :])


def running(m: MiniLab) -> dict[str, str]:
    return {r: m.lab.vtysh(r, "show running-config") for r in ROUTERS}


def deploy(m: MiniLab, *args: str) -> dict[str, Any]:
    res = m.cli("deploy", "--target", "lab", "--lab-name", m.name, "--json", *args)
    data = as_json(res.output)
    data["exit_code"] = res.exit_code
    data["by_device"] = {d["device"]: d for d in data["devices"]}
    return data


def verify(m: MiniLab, wait: float = 0.0) -> dict[str, Any]:
    res = m.cli("verify", "--target", "lab", "--lab-name", m.name, "--json", "--wait", str(wait))
    data = as_json(res.output)
    data["exit_code"] = res.exit_code
    return data


def failed(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (c["device"], c["kind"], c["target"])
        for c in report["checks"]
        if c["status"] in ("fail", "parse-error", "error")
    }


def test_dry_run_shows_the_diff_and_changes_nothing(mini_lab: MiniLab) -> None:
    before = running(mini_lab)
    data = deploy(mini_lab)
    assert data["mode"] == "dry-run" and data["exit_code"] == 0
    assert {d: r["status"] for d, r in data["by_device"].items()} == dict.fromkeys(ROUTERS, "would-change")
    hub = data["by_device"]["rru-hub"]["diff"]
    assert "+ neighbor 10.254.0.0 remote-as 37061" in hub and "+ ip address 10.254.0.1/31" in hub
    assert "table inet countynet" in data["by_device"]["rru-school"]["diff"]  # the ACL part too
    assert running(mini_lab) == before


def test_full_deploy_converges_and_second_deploy_changes_nothing(mini_lab: MiniLab) -> None:
    data = deploy(mini_lab, "--commit", "--revert-in", "60")
    assert data["exit_code"] == 0, data
    assert {r["status"] for r in data["devices"]} == {"changed"}
    order = [r["device"] for r in data["devices"]]
    assert order.index("rru-school") < order.index("rru-bs2") < order.index("rru-hub")  # edge first
    report = verify(mini_lab, wait=60)
    assert report["exit_code"] == 0, failed(report)
    kinds = {c["kind"] for c in report["checks"] if c["status"] == "ok"}
    assert {"bgp", "ospf", "route", "interface", "ping", "latency", "tcp", "tcp-denied"} <= kinds
    radio = sorted((c["device"], c["status"], c["detail"]) for c in report["checks"] if c["kind"] == "radio")
    note = "virtual lab: FRR stand-ins have no radio to report (not measurable)"
    sites = ("rru-bs2", "rru-hospital", "rru-school", "rru-subcounty")  # rru-bs2: far end of backhaul rru-bb1
    assert radio == [(s, "not-measurable", note) for s in sites]
    again = deploy(mini_lab, "--commit")
    assert {r["status"] for r in again["devices"]} == {"unchanged"}


@pytest.fixture(scope="module")
def deployed(mini_lab: MiniLab) -> MiniLab:
    """The lab with the planned configs (a no-op once the full deploy test has run)."""
    data = deploy(mini_lab, "--commit")
    assert data["exit_code"] == 0, data
    assert verify(mini_lab, wait=60)["exit_code"] == 0
    return mini_lab


def _settle(seconds: float = 15.0) -> None:
    time.sleep(seconds)  # the OSPF dead interval is 12 s


def test_radio_link_down_fails_exactly_that_site(deployed: MiniLab) -> None:
    mini_lab = deployed
    lab = mini_lab.lab
    lab.exec("rru-school", ["ip", "link", "set", "up0", "down"], check=True)
    try:
        _settle()
        bad = failed(verify(mini_lab))
        assert bad, "verify did not notice the radio link going down"
        assert {d for d, _k, _t in bad} == {"rru-school", "rru-bs2"}
        assert ("rru-bs2", "ospf", "sec-s1 -> " + _station_ip(mini_lab, "rru-school")) in bad
        assert any(d == "rru-school" and k == "tcp" for d, k, _t in bad)
    finally:
        lab.exec("rru-school", ["ip", "link", "set", "up0", "up"], check=True)
    assert verify(mini_lab, wait=60)["exit_code"] == 0


def _station_ip(m: MiniLab, site: str) -> str:
    import yaml

    lock = yaml.safe_load((m.inventory / "allocations.yml").read_text())
    return str(lock["towns"]["ruiru"]["stations"][site])


def test_broken_acl_fails_exactly_that_service_at_that_site(deployed: MiniLab) -> None:
    mini_lab = deployed
    lab = mini_lab.lab
    rule = ["nft", "insert", "rule", "inet", "countynet", "lan_in", "ip", "daddr", "10.250.10.0/24", "drop"]
    lab.exec("rru-subcounty", rule, check=True)
    try:
        bad = failed(verify(mini_lab))
        assert bad == {("rru-subcounty", "tcp", "ifmis 10.250.10.10:443")}
    finally:
        # the deploy puts the planned ACL back: the live network drifted, the model did not
        data = deploy(mini_lab, "--commit", "--site", "rru-subcounty")
        assert data["by_device"]["rru-subcounty"]["status"] == "changed"
    assert verify(mini_lab)["exit_code"] == 0


def test_bgp_session_down_fails_what_depends_on_nofbi_and_nothing_else(deployed: MiniLab) -> None:
    mini_lab = deployed
    lab = mini_lab.lab
    lab.vtysh("rru-hub", "configure terminal", "router bgp 65190", "neighbor 10.254.0.0 shutdown")
    try:
        _settle()
        report = verify(mini_lab)
        bad = failed(report)
        kinds = {k for _d, k, _t in bad}
        assert ("rru-hub", "bgp", "10.254.0.0 AS37061") in bad
        # the PoP loses the town aggregate, so nothing from the LANs comes back: services and the
        # gateway fail everywhere; the town's own links (OSPF, interfaces) are untouched
        assert kinds == {"bgp", "route", "tcp", "ping", "latency"}
        assert {d for d, k, _t in bad if k == "route"} == set(ROUTERS)
        sites = {"rru-subcounty", "rru-hospital", "rru-school", "rru-police"}
        assert {d for d, k, _t in bad if k in ("tcp", "ping")} == sites
    finally:
        lab.vtysh("rru-hub", "configure terminal", "router bgp 65190", "no neighbor 10.254.0.0 shutdown")
    assert verify(mini_lab, wait=60)["exit_code"] == 0


# ------------------------------------------------------------------ fault injection on deploy
def _engine(m: MiniLab, devices: set[str]) -> tuple[Any, Any, dict[str, str]]:
    from countynet.jobs.common import FieldAccess
    from countynet.jobs.connect import nornir_for, payloads, resolver_for
    from countynet.jobs.render import configs_to_push
    from countynet.model import open_model

    model = open_model(m.inventory)
    resolver = resolver_for(FieldAccess(), m.lab)
    payload, _redact = payloads(configs_to_push(model, devices, "frr", resolver), resolver)
    return model, nornir_for(model, devices, m.lab, FieldAccess()), payload


def test_candidate_cutting_management_is_reverted_by_the_device(deployed: MiniLab) -> None:
    mini_lab = deployed
    from countynet.deploy.engine import DeployOptions
    from countynet.deploy.engine import deploy as run

    prep, nr, payload = _engine(mini_lab, {"rru-police"})
    before = mini_lab.lab.exec("rru-police", ["nft", "list", "table", "inet", "countynet"]).stdout
    bad = "\n".join(ln for ln in payload["rru-police"].splitlines() if "tcp dport 22 accept" not in ln) + "\n"
    report = run(nr, {"rru-police": bad}, prep.targets({"rru-police"}),
                 DeployOptions(commit=True, revert_in=15, health_timeout=5))  # fmt: skip
    # the commit's own SSH session is cut too, so the device-side timer is what brings it back;
    # the engine reports it either from the health gate or from the confirm that finds it reverted
    assert [r.status for r in report.results] == ["reverted"]
    assert "management unreachable" in report.results[0].error or "reverted" in report.results[0].error
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        now = mini_lab.lab.exec("rru-police", ["nft", "list", "table", "inet", "countynet"]).stdout
        if now == before:
            break
        time.sleep(1)
    assert now == before, "the device-side timer did not restore the management ACL"
    assert deploy(mini_lab, "--site", "rru-police")["by_device"]["rru-police"]["status"] == "unchanged"


def test_candidate_cutting_the_nofbi_session_is_rolled_back(deployed: MiniLab) -> None:
    mini_lab = deployed
    from countynet.deploy.engine import DeployOptions
    from countynet.deploy.engine import deploy as run

    prep, nr, payload = _engine(mini_lab, {"rru-hub"})
    bad = payload["rru-hub"].replace("remote-as 37061", "remote-as 37062")
    report = run(nr, {"rru-hub": bad}, prep.targets({"rru-hub"}),
                 DeployOptions(commit=True, revert_in=60, health_timeout=12))  # fmt: skip
    assert [r.status for r in report.results] == ["reverted"]
    assert "BGP session to 10.254.0.0 down" in report.results[0].error
    assert "remote-as 37061" in mini_lab.lab.vtysh("rru-hub", "show running-config")
    assert verify(mini_lab, wait=60)["exit_code"] == 0


def test_unreachable_device_is_reported_and_max_failures_stops_the_rollout(deployed: MiniLab) -> None:
    mini_lab = deployed
    lab = mini_lab.lab
    lab.exec("rru-hospital", ["ip", "link", "set", "mgmt0", "down"], check=True)
    try:
        data = deploy(mini_lab, "--max-failures", "5")  # dry run, whole town
        st = {d: r["status"] for d, r in data["by_device"].items()}
        assert st["rru-hospital"] == "failed" and data["by_device"]["rru-hospital"]["error"]
        assert {s for d, s in st.items() if d != "rru-hospital"} == {"unchanged"}  # the batch completed
        assert data["exit_code"] == 1
        stopped = deploy(mini_lab, "--max-failures", "1")
        assert stopped["stopped"] and "max-failures" in stopped["stopped"]
        later = [d for d, r in stopped["by_device"].items() if r["status"] == "skipped"]
        assert "rru-hub" in later and "rru-bs1" in later  # stages after the failing one never ran
    finally:
        lab.exec("rru-hospital", ["ip", "link", "set", "mgmt0", "up"], check=True)


def test_a_second_deploy_to_a_locked_device_is_refused(deployed: MiniLab) -> None:
    mini_lab = deployed
    from countynet.deploy.locks import DeviceLocks

    other = DeviceLocks("someone-else")
    assert other.acquire("rru-police") is None
    try:
        data = deploy(mini_lab, "--site", "rru-police")
        res = data["by_device"]["rru-police"]
        assert res["status"] == "skipped" and "locked by run someone-else" in res["error"]
    finally:
        other.release_all()


def test_resume_finishes_an_interrupted_run_without_redoing_devices(deployed: MiniLab) -> None:
    mini_lab = deployed
    env = {**os.environ, "COUNTYNET_STATE": str(mini_lab.state)}
    cmd = [sys.executable, "-m", "countynet.cli", "--inventory", str(mini_lab.inventory), "deploy", "--target", "lab",
           "--lab-name", mini_lab.name, "--commit", "--batch-size", "1", "--no-diff"]  # fmt: skip
    before = {p.name for p in (mini_lab.state / "runs").iterdir()}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        journal = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            new = {p.name for p in (mini_lab.state / "runs").iterdir()} - before
            if new:
                journal = mini_lab.state / "runs" / new.pop() / "journal.jsonl"
                if journal.exists() and journal.read_text().count('"event": "device"') >= 2:
                    break
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert journal is not None
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    done = {r["device"] for r in records if r["event"] == "device"}
    assert 2 <= len(done) < len(ROUTERS) and not any(r["event"] == "end" for r in records)
    run_id = journal.parent.name
    data = deploy(mini_lab, "--resume", run_id)
    redone = {d for d, r in data["by_device"].items() if r["error"] != "done in an earlier attempt"}
    assert redone == set(ROUTERS) - done
    assert set(data["by_device"]) == set(ROUTERS)
