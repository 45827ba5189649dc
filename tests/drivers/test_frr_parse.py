"""FRR output -> NAPALM shapes, on real FRR 8.4 output captured from lab nodes (no device needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from napalm.base import models

from countynet.drivers import frr_parse as parse

FIX = Path(__file__).parent / "fixtures"


def text(name: str) -> str:
    return (FIX / name).read_text()


def js(name: str) -> Any:
    return json.loads(text(name))


def test_clean_running_drops_vtysh_banner() -> None:
    cleaned = parse.clean_running(text("running_small.txt"))
    assert not cleaned.startswith("Building") and "Current configuration:" not in cleaned
    assert cleaned.startswith("!\nfrr version 8.4")
    assert cleaned.endswith("end\n")


def test_normalise_ignores_version_comments_and_end() -> None:
    a = parse.normalise(
        "Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.4.4\nhostname r1\n!\nend\n"
    )
    b = parse.normalise("hostname r1   \n\n!\n")
    assert a == b == ["hostname r1"]


def test_parse_reload_test() -> None:
    deletes, adds = parse.parse_reload_test(text("reload_test_output.txt"))
    assert deletes == ["interface eth1", " no description core link", "interface lo", " no ip address 10.255.0.2/32"]
    assert adds == ["interface eth1", " description core link 2", "ip route 10.98.0.0/16 blackhole"]
    assert parse.parse_reload_test("") == ([], [])


def test_render_diff_is_a_unified_diff_of_the_change() -> None:
    diff = parse.render_diff(text("running_small.txt"), text("candidate_small.conf"), text("reload_test_output.txt"))
    lines = diff.splitlines()
    assert lines[:2] == ["--- running", "+++ candidate"]
    changed = {ln for ln in lines[2:] if ln[:1] in "+-" and not ln.startswith("@@")}
    assert changed == {
        "- description core link",
        "+ description core link 2",
        "- ip address 10.255.0.2/32",
        "+ip route 10.98.0.0/16 blackhole",
    }
    assert "Building configuration" not in diff and "frr version" not in diff


def test_render_diff_falls_back_to_reload_plan() -> None:
    diff = parse.render_diff("hostname r1\n", "hostname r1\n", "Lines To Delete\n===\nno ipv6 forwarding\n")
    assert "@@ frr-reload plan @@" in diff and "-no ipv6 forwarding" in diff


def test_sanitise_masks_secrets() -> None:
    out = parse.sanitise("router bgp 1\n neighbor 10.0.0.1 password s3cret\n ip ospf message-digest-key 1 md5 k3y\n")
    assert "s3cret" not in out and "k3y" not in out and "<removed>" in out


def test_split_sections() -> None:
    assert parse.split_sections("junk\n@@CN@@ a\n1\n2\n@@CN@@ b\n\n@@CN@@ c\n") == {"a": "1\n2", "b": "", "c": ""}


def test_facts() -> None:
    f = parse.facts("r1\n", "", "2423.92 4000.1\n", text("show_version.txt"), js("ip_link.json"), "", "")
    assert set(get_type_hints(models.FactsDict)) == set(f)
    assert f["os_version"] == "FRRouting 8.4.4" and f["vendor"] == "FRRouting"
    assert f["uptime"] == 2423.92 and f["hostname"] == f["fqdn"] == "r1"
    assert f["interface_list"] == ["eth0", "eth1", "eth2", "lo"]


def test_interfaces() -> None:
    ifs = parse.interfaces(js("ip_link.json"), js("show_interface.json"))
    for v in ifs.values():
        assert set(get_type_hints(models.InterfaceDict)) == set(v)
    assert ifs["eth1"]["description"] == "core link" and ifs["eth1"]["speed"] == 10000.0
    assert ifs["lo"]["is_up"] and ifs["lo"]["mtu"] == 65536
    assert ifs["eth0"]["mac_address"] == ifs["eth0"]["mac_address"].upper()


def test_interfaces_ip() -> None:
    ips = parse.interfaces_ip(js("ip_addr.json"))
    assert ips["eth1"]["ipv4"] == {"10.0.0.0": {"prefix_length": 31}}
    assert ips["lo"]["ipv4"]["10.255.0.1"] == {"prefix_length": 32}
    assert all(a["prefix_length"] == 64 for a in ips["eth1"]["ipv6"].values())


def test_bgp_neighbors_established() -> None:
    bgp = parse.bgp_neighbors(js("bgp_summary_established.json"), js("bgp_neighbors_established.json"))
    assert bgp["global"]["router_id"] == "10.100.0.1"
    peer = bgp["global"]["peers"]["10.255.0.1"]
    assert set(get_type_hints(models.BGPStateNeighborDict)) <= set(peer)
    assert peer["is_up"] and peer["is_enabled"] and peer["uptime"] >= 0
    assert (peer["local_as"], peer["remote_as"], peer["remote_id"]) == (65101, 65000, "10.255.0.1")
    assert peer["address_family"]["ipv4"] == {"received_prefixes": 1, "accepted_prefixes": 1, "sent_prefixes": 2}


def test_bgp_neighbors_not_established() -> None:
    bgp = parse.bgp_neighbors(js("bgp_summary_active.json"), js("bgp_neighbors_active.json"))
    peer = bgp["global"]["peers"]["10.0.0.1"]
    assert not peer["is_up"] and peer["uptime"] == -1 and peer["description"] == "nofbi"


def test_bgp_neighbors_without_bgp() -> None:
    assert parse.bgp_neighbors({}, {}) == {}
    assert parse.loads("% BGP instance not found", {}) == {}


@pytest.mark.parametrize(
    ("uptime", "seconds"), [("00:01:17", 77), ("1d02h03m", 93780), ("2w3d04h", 1483200), ("never", 0)]
)
def test_frr_age(uptime: str, seconds: int) -> None:
    assert parse.frr_age(uptime) == seconds


def test_routes_bgp_with_attributes() -> None:
    attrs = {"10.200.0.0/24": parse.bgp_route_attrs(js("bgp_prefix.json"), 65101)}
    r = parse.routes(js("route_bgp.json"), "", attrs)
    entry = r["10.200.0.0/24"][0]
    assert set(get_type_hints(models.RouteDict)) == set(entry)
    assert entry["protocol"] == "bgp" and entry["next_hop"] == "10.255.0.1"
    assert entry["outgoing_interface"] == "nofbi0" and entry["current_active"] and entry["preference"] == 20
    assert entry["protocol_attributes"]["remote_as"] == 65000 and entry["protocol_attributes"]["as_path"] == "65000"
    assert parse.routes(js("route_bgp.json"), "ospf") == {}


def test_routes_static_blackhole_and_none() -> None:
    r = parse.routes(js("route_static_blackhole.json"))
    assert r["10.99.0.0/16"][0]["next_hop"] == "blackhole"
    assert parse.routes(js("route_none.json")) == {}


def test_routes_connected_two_protocols() -> None:
    r = parse.routes(js("route_connected.json"))
    protos = {e["protocol"] for e in r["10.0.0.0/31"]}
    assert protos == {"ospf", "connected"}
    active = [e for e in r["10.0.0.0/31"] if e["current_active"]]
    assert [e["protocol"] for e in active] == ["connected"]


def test_ping_ok_and_loss() -> None:
    ok = parse.ping(text("ping_ok.txt"))["success"]
    assert set(get_type_hints(models.PingDict)) == set(ok)
    assert ok["probes_sent"] == 3 and ok["packet_loss"] == 0 and ok["rtt_avg"] == 0.054
    assert [r["ip_address"] for r in ok["results"]] == ["198.18.251.1"] * 3
    lost = parse.ping(text("ping_loss.txt"))["success"]
    assert lost["packet_loss"] == 2 and lost["results"] == []
    assert parse.ping("", "ping: connect: Network is unreachable") == {"error": "ping: connect: Network is unreachable"}


def test_napalm_finds_the_driver() -> None:
    """napalm 5.2 ignores entry points: `get_network_driver("frr")` imports `napalm_frr`."""
    from napalm import get_network_driver

    from countynet.drivers.frr import FRRDriver

    assert get_network_driver("frr") is FRRDriver


def test_render_diff_ignores_block_order() -> None:
    running = (
        "hostname r1\ninterface eth1\n ip address 10.0.0.0/31\nexit\ninterface lo\n ip address 10.0.0.9/32\nexit\n"
    )
    candidate = "hostname r1\ninterface lo\n ip address 10.0.0.9/32\nexit\n!\ninterface eth1\n ip address 10.0.0.0/31\nexit\nip route 10.98.0.0/16 blackhole\n"
    diff = parse.render_diff(running, candidate, "")
    assert [ln for ln in diff.splitlines()[2:] if ln[:1] in "+-"] == ["+ip route 10.98.0.0/16 blackhole"]


def test_merge_config_folds_into_existing_blocks() -> None:
    running = text("running_small.txt")
    snippet = (
        "router bgp 65001\n neighbor 10.0.0.1 description new\n address-family ipv4 unicast\n"
        "  network 10.9.0.0/16\n exit-address-family\nexit\ninterface eth9\n ip address 10.9.9.9/31\nexit\n"
        "ip route 10.98.0.0/16 blackhole\n"
    )
    merged = parse.merge_config(running, snippet)
    assert merged.count("router bgp 65001") == 1 and merged.count("address-family ipv4 unicast") == 1
    bgp = merged[merged.index("router bgp 65001") :].split("\nexit\n")[0].splitlines()
    assert bgp.index(" neighbor 10.0.0.1 description new") < bgp.index(" address-family ipv4 unicast")
    assert "  network 10.255.0.1/32" in bgp and "  network 10.9.0.0/16" in bgp
    assert "interface eth9\n ip address 10.9.9.9/31\nexit" in merged
    assert "ip route 10.98.0.0/16 blackhole" in merged and "ip route 10.99.0.0/16 blackhole" in merged
    assert parse.normalise(parse.merge_config(running, "")) == parse.normalise(running)


def test_split_echoed_cuts_vtysh_e_output_per_command() -> None:
    # `vtysh -E -c A -c B`, as FRR 8.4.4 prints it on a lab router: each command echoed after the prompt;
    # vtysh stops at a command it rejects, so later commands have no section
    out = (
        "r1# show bgp vrf all summary json\n{\n}\n"
        "r1# show ip ospf neighbor\n% OSPF is not enabled in vrf default\n"
        "r1# show bogus\n% Unknown command: show bogus\n"
    )
    cmds = ["show bgp vrf all summary json", "show ip ospf neighbor", "show bogus", "show version"]
    assert parse.split_echoed(out, cmds) == [
        "{\n}\n",
        "% OSPF is not enabled in vrf default\n",
        "% Unknown command: show bogus\n",
        None,
    ]
    assert parse.split_echoed("r1(config)# show version\nFRRouting 8.4.4\n", ["show version"]) == ["FRRouting 8.4.4\n"]
    assert parse.split_echoed("", ["show version"]) == [None]
