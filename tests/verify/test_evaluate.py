"""Evaluation of collected outputs: exact checks fail, and unparsable output is never 'ok'."""

from __future__ import annotations

from countynet.verify.expect import DeviceExpect
from countynet.verify.runner import evaluate_device

IFACES = """Interface       Status  VRF             Addresses
---------       ------  ---             ---------
lo              up      default         10.100.0.4/32
nofbi0          up      default         10.254.0.1/31
dn1             up      default         10.100.1.0/31
dn2             down    default         10.100.1.2/31
mgmt0           up      default         172.28.90.13/24
"""
OSPF = """
Neighbor ID     Pri State           Up Time         Dead Time Address         Interface                        RXmtL RqstL DBsmL
10.100.0.1        1 Full/-          1m02s             3.421s 10.100.1.1      dn1:10.100.1.0                      0     0     0
"""
BGP = """
IPv4 Unicast Summary (VRF default):
BGP router identifier 10.100.0.4, local AS number 65190 vrf-id 0
BGP table version 6
RIB entries 11, using 2024 bytes of memory
Peers 1, using 723 KiB of memory

Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc
10.254.0.0      4      37061        10        11        0    0    0 00:00:21            5        1 N/A

Total number of neighbors 1
"""


def hub() -> DeviceExpect:
    return DeviceExpect(
        "rru-hub",
        "ruiru",
        "hub",
        "frr",
        interfaces={"nofbi0": "10.254.0.1/31", "dn1": "10.100.1.0/31", "dn2": "10.100.1.2/31"},
        ospf={"dn1": ["10.100.1.1"], "dn2": ["10.100.1.3"]},
        bgp_peer="10.254.0.0",
        bgp_remote_as=37061,
        bgp_min_received=5,
        routes=["10.250.10.0/24", "10.250.20.0/24"],
    )


def outputs(**over: str) -> dict[str, str]:
    base = {"show interface brief": IFACES, "show ip ospf neighbor": OSPF, "show bgp summary": BGP}
    return {**base, **over}


def by_target(checks: list) -> dict[str, str]:
    return {f"{c.kind} {c.target}": c.status for c in checks}


def test_exactly_the_broken_things_fail() -> None:
    res = by_target(evaluate_device(hub(), "frr", outputs(), {"10.250.10.0/24": True, "10.250.20.0/24": False}))
    assert res == {
        "interface dn1": "ok",
        "interface dn2": "fail",  # down
        "interface nofbi0": "ok",
        "ospf dn1 -> 10.100.1.1": "ok",
        "ospf dn2 -> 10.100.1.3": "fail",
        "bgp 10.254.0.0 AS37061": "ok",
        "route 10.250.10.0/24": "ok",
        "route 10.250.20.0/24": "fail",
    }


def test_bgp_idle_or_too_few_prefixes_fails() -> None:
    idle = BGP.replace("00:00:21            5", "00:00:21       Active")
    res = by_target(evaluate_device(hub(), "frr", outputs(**{"show bgp summary": idle}), {}))
    assert res["bgp 10.254.0.0 AS37061"] == "fail"
    few = BGP.replace("00:00:21            5", "00:00:21            3")
    res = by_target(evaluate_device(hub(), "frr", outputs(**{"show bgp summary": few}), {}))
    assert res["bgp 10.254.0.0 AS37061"] == "fail"


def test_malformed_output_is_a_parse_failure_not_ok() -> None:
    garbled = "% Unknown command: show interface brief\n"
    checks = evaluate_device(hub(), "frr", outputs(**{"show interface brief": garbled}), {})
    iface = [c for c in checks if c.kind == "interface"]
    assert iface and all(c.status == "parse-error" for c in iface)
    assert all("parse failure" in c.detail for c in iface)


def test_platform_without_show_commands_is_not_measurable() -> None:
    checks = evaluate_device(hub(), "routeros", {}, {"10.250.10.0/24": True, "10.250.20.0/24": True})
    kinds = {c.kind: c.status for c in checks if c.kind != "route"}
    assert set(kinds.values()) == {"not-measurable"}
