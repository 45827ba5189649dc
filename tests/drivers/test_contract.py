"""The NAPALM driver contract, run against a device per driver (FRR: the virtual lab).

What deploy relies on: a diff that is empty when nothing would change, commit that applies or
leaves the device as it was, a commit-confirm timer that reverts by itself (even if the
controller dies), confirm/rollback/discard, and getters in NAPALM's documented shapes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import Any, get_type_hints

import pytest
from contract_devices import Device, wait_for
from napalm.base import models
from napalm.base.exceptions import MergeConfigException, ReplaceConfigException

pytestmark = [pytest.mark.lab]

REVERT_IN = 4


def has_route(conn: Any, prefix: str) -> bool:
    return bool(conn.get_route_to(destination=prefix))


def running(conn: Any) -> str:
    return conn.get_config(retrieve="running")["running"]


def keys_of(typed_dict: Any) -> set[str]:
    return set(get_type_hints(typed_dict))


# -- candidate, diff, commit ------------------------------------------------------------------


def test_compare_shows_change_and_leaves_running(device: Device, conn: Any) -> None:
    before = running(conn)
    conn.load_replace_candidate(config=device.changed)
    diff = conn.compare_config()
    assert diff.strip()
    assert device.probe.split("/")[0] in diff
    assert running(conn) == before
    assert not has_route(conn, device.probe)
    conn.discard_config()


def test_compare_is_empty_for_the_running_config(device: Device, conn: Any) -> None:
    conn.load_replace_candidate(config=device.base)
    assert conn.compare_config() == ""
    conn.discard_config()


def test_commit_applies_and_second_compare_is_empty(device: Device, conn: Any) -> None:
    conn.load_replace_candidate(config=device.changed)
    assert conn.compare_config()
    conn.commit_config()
    assert not conn.has_pending_commit()
    assert wait_for(lambda: has_route(conn, device.probe), 10)
    conn.load_replace_candidate(config=device.changed)
    assert conn.compare_config() == "", "a second deploy of the same config must report no change"
    conn.discard_config()
    if device.driver == "frr":  # persisted without revert_in
        assert device.probe in conn.get_config(retrieve="startup")["startup"]


def test_discard_clears_candidate(device: Device, conn: Any) -> None:
    conn.load_replace_candidate(config=device.changed)
    conn.discard_config()
    assert conn.compare_config() == ""
    assert conn.get_config(retrieve="candidate")["candidate"] == ""


def test_merge_adds_without_removing(device: Device, conn: Any) -> None:
    if device.driver != "frr":
        pytest.skip("merge snippet is platform specific")
    conn.load_merge_candidate(config=f"ip route {device.probe} blackhole\n")
    diff = conn.compare_config()
    assert "+ip route" in diff and "\n-" not in diff.split("\n", 2)[-1]
    conn.commit_config()
    assert has_route(conn, device.probe)
    assert has_route(conn, "10.100.0.1/32")  # from the base config, untouched
    # a repeated single-valued line overrides, as when typed
    conn.load_merge_candidate(config="router bgp 65101\n neighbor 10.255.0.1 description merged\nexit\n")
    conn.commit_config()
    assert conn.get_bgp_neighbors()["global"]["peers"]["10.255.0.1"]["description"] == "merged"
    assert has_route(conn, device.probe)
    with pytest.raises(MergeConfigException):
        conn.load_merge_candidate(config="ip routee 1.2.3.0/24 blackhole\n")


# -- refusals ----------------------------------------------------------------------------------


def test_syntax_error_is_refused_and_running_unchanged(device: Device, conn: Any) -> None:
    if device.bad is None:
        pytest.skip("no bad config for this device")
    before = running(conn)
    with pytest.raises(ReplaceConfigException):
        conn.load_replace_candidate(config=device.bad)
        conn.commit_config()
    assert running(conn) == before


def test_failing_apply_is_rolled_back(device: Device, conn: Any) -> None:
    if device.failing is None:
        pytest.skip("no failing config for this device")
    before = running(conn)
    conn.load_replace_candidate(config=device.failing)
    with pytest.raises(Exception) as err:
        conn.commit_config()
    assert "restored" in str(err.value) or device.driver != "frr"
    assert running(conn) == before, "a failed apply must leave the previous config in place"
    assert not has_route(conn, device.probe)
    assert not conn.has_pending_commit()


def test_commit_while_pending_is_refused(device: Device, conn: Any) -> None:
    conn.load_replace_candidate(config=device.changed)
    conn.commit_config(revert_in=60)
    try:
        conn.load_replace_candidate(config=device.base)
        with pytest.raises(Exception):  # noqa: B017 - the contract only says "raise"
            conn.commit_config()
    finally:
        conn.discard_config()
        conn.rollback()
    assert not conn.has_pending_commit()


# -- commit-confirm ----------------------------------------------------------------------------


@pytest.mark.slow
def test_revert_in_without_confirm_reverts(device: Device, conn: Any) -> None:
    before = running(conn)
    conn.load_replace_candidate(config=device.changed)
    conn.commit_config(revert_in=REVERT_IN)
    assert conn.has_pending_commit()
    assert has_route(conn, device.probe)
    assert wait_for(lambda: not conn.has_pending_commit(), REVERT_IN + 15)
    assert wait_for(lambda: not has_route(conn, device.probe), 10)
    assert running(conn) == before
    if device.driver == "frr":
        assert device.probe not in conn.get_config(retrieve="startup")["startup"]


@pytest.mark.slow
def test_confirm_keeps_change(device: Device, conn: Any) -> None:
    conn.load_replace_candidate(config=device.changed)
    conn.commit_config(revert_in=REVERT_IN)
    assert conn.has_pending_commit()
    conn.confirm_commit()
    assert not conn.has_pending_commit()
    time.sleep(REVERT_IN + 2)
    assert has_route(conn, device.probe)
    if device.driver == "frr":
        assert device.probe in conn.get_config(retrieve="startup")["startup"]


def test_confirm_from_a_new_session(device: Device) -> None:
    """The deploy health gate may reconnect: the pending state lives on the device."""
    first = device.open()
    first.load_replace_candidate(config=device.changed)
    first.commit_config(revert_in=30)
    first.close()
    second = device.open()
    try:
        assert second.has_pending_commit()
        second.confirm_commit()
        assert not second.has_pending_commit()
        assert has_route(second, device.probe)
    finally:
        second.close()


def test_rollback_restores_after_commit(device: Device, conn: Any) -> None:
    before = running(conn)
    conn.load_replace_candidate(config=device.changed)
    conn.commit_config()
    assert has_route(conn, device.probe)
    conn.rollback()
    assert not has_route(conn, device.probe)
    assert running(conn) == before


def test_rollback_cancels_pending_commit(device: Device, conn: Any) -> None:
    before = running(conn)
    conn.load_replace_candidate(config=device.changed)
    conn.commit_config(revert_in=60)
    conn.rollback()
    assert not conn.has_pending_commit()
    assert running(conn) == before


KILLED_CONTROLLER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[2])
    from contract_devices import Device
    spec = json.loads(sys.argv[1])
    dev = Device(**spec)
    conn = dev.open()
    conn.load_replace_candidate(config=dev.changed)
    conn.commit_config(revert_in=int(sys.argv[3]))
    print("committed", flush=True)
    time.sleep(600)  # the health gate would run here, then confirm_commit()
    conn.confirm_commit()
    """
)


@pytest.mark.slow
def test_killed_controller_leaves_previous_config(device: Device, conn: Any) -> None:
    """SIGKILL the process that committed with revert_in before it confirms: the device-side
    timer must bring the previous config back on its own."""
    before = running(conn)
    spec = {k: getattr(device, k) for k in ("driver", "connect", "base", "changed", "probe")}
    root = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_CONTROLLER, json.dumps(spec), root, str(REVERT_IN)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "committed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert has_route(conn, device.probe)
        assert conn.has_pending_commit()
        assert wait_for(lambda: not conn.has_pending_commit(), REVERT_IN + 15)
        assert wait_for(lambda: running(conn) == before, 10)
        assert not has_route(conn, device.probe)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- getters -----------------------------------------------------------------------------------


def test_get_facts(conn: Any) -> None:
    facts = conn.get_facts()
    assert keys_of(models.FactsDict) <= set(facts)
    assert isinstance(facts["uptime"], float) and facts["uptime"] > 0
    assert isinstance(facts["interface_list"], list) and facts["interface_list"]
    assert facts["hostname"]


def test_get_interfaces(conn: Any) -> None:
    ifaces = conn.get_interfaces()
    assert ifaces
    for v in ifaces.values():
        assert keys_of(models.InterfaceDict) <= set(v)
        assert isinstance(v["is_up"], bool) and isinstance(v["is_enabled"], bool)
        assert isinstance(v["speed"], float) and isinstance(v["mtu"], int)
        assert isinstance(v["last_flapped"], float)


def test_get_interfaces_ip(device: Device, conn: Any) -> None:
    ips = conn.get_interfaces_ip()
    for fams in ips.values():
        for fam, addrs in fams.items():
            assert fam in ("ipv4", "ipv6")
            for a in addrs.values():
                assert isinstance(a["prefix_length"], int)
    if device.driver == "frr":
        assert ips["nofbi0"]["ipv4"]["10.255.0.2"] == {"prefix_length": 30}


def test_get_bgp_neighbors(device: Device, conn: Any) -> None:
    def established() -> bool:
        peers = conn.get_bgp_neighbors().get("global", {}).get("peers", {})
        return any(p["is_up"] for p in peers.values())

    if device.driver == "frr":
        assert wait_for(established, 40, 1.0), "eBGP to the lab PoP did not come up"
    bgp = conn.get_bgp_neighbors()
    assert "global" in bgp
    for vrf in bgp.values():
        assert isinstance(vrf["router_id"], str)
        for p in vrf["peers"].values():
            assert keys_of(models.BGPStateNeighborDict) <= set(p)
            for af in p["address_family"].values():
                assert set(af) == {"received_prefixes", "accepted_prefixes", "sent_prefixes"}
    if device.driver == "frr":
        peer = bgp["global"]["peers"]["10.255.0.1"]
        assert peer["remote_as"] == 65000 and peer["local_as"] == 65101
        assert peer["description"] == "nofbi-pop" and peer["uptime"] >= 0
        assert peer["address_family"]["ipv4"]["received_prefixes"] >= 1


def test_get_route_to(device: Device, conn: Any) -> None:
    if device.driver == "frr":
        assert wait_for(lambda: bool(conn.get_route_to("10.200.0.0/24")), 40, 1.0)
        routes = conn.get_route_to(destination="10.200.0.10")
        assert list(routes) == ["10.200.0.0/24"]
        r = routes["10.200.0.0/24"][0]
        assert r["protocol"] == "bgp" and r["next_hop"] == "10.255.0.1" and r["current_active"]
        assert r["protocol_attributes"]["remote_as"] == 65000
        assert conn.get_route_to(destination="10.200.0.0/24", protocol="static") == {}
        assert conn.get_route_to(destination="192.0.2.77/32") == {}
    for entries in conn.get_route_to(destination=device.probe, longer=True).values():
        for r in entries:
            assert keys_of(models.RouteDict) <= set(r)


def test_ping(device: Device, conn: Any) -> None:
    target = "10.255.0.1" if device.driver == "frr" else os.environ.get("COUNTYNET_CONTRACT_PING", "")
    if not target:
        pytest.skip("no ping target")
    res = conn.ping(target, count=2, timeout=1)
    assert "success" in res, res
    assert keys_of(models.PingDict) <= set(res["success"])
    assert res["success"]["probes_sent"] == 2 and res["success"]["packet_loss"] == 0
    for r in res["success"]["results"]:
        assert keys_of(models.PingResultDictEntry) <= set(r) and r["ip_address"] == target
    lost = conn.ping("192.0.2.1", count=1, timeout=1)
    assert "error" in lost or lost["success"]["packet_loss"] == 1


def test_get_config_and_cli(device: Device, conn: Any) -> None:
    cfg = conn.get_config()
    assert set(cfg) == {"running", "startup", "candidate"}
    assert cfg["running"].strip()
    assert conn.get_config(retrieve="startup")["running"] == ""
    if device.driver == "frr":
        assert "Building configuration" not in cfg["running"]
        out = conn.cli(["show ip route summary"])
        assert "Totals" in out["show ip route summary"]
        assert (
            "default" in conn.cli(["show bgp summary"], encoding="json")["show bgp summary"]["ipv4Unicast"]["vrfName"]
        )


def test_is_alive_and_close(device: Device) -> None:
    c = device.open()
    assert c.is_alive() == {"is_alive": True}
    c.close()
    assert c.is_alive() == {"is_alive": False}
