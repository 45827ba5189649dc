"""Cisco IOS-XE: the town hubs. Driver: napalm's `ios` (configure replace + archive for revert_in)."""

from __future__ import annotations

import re
from typing import Any

from countynet.platforms.base import PLACEHOLDER_OK, Baseline, Collection, DeployStrategy, Platform


def interface(logical: str, kind: str, ordinal: int, vlan: int | None) -> dict[str, Any]:
    """ISR4331-style: built-in ports 0/0/0-2, NIM switch ports 0/1/x, LANs and sectors as dot1Q subinterfaces."""
    if kind == "loopback":
        return {"name": "Loopback0"}
    if kind == "management":
        return {"name": "GigabitEthernet0/0/2"}
    if kind == "handoff":
        return {"name": "GigabitEthernet0/0/0"}
    if logical == "up0":  # uplink, or a station's CPE radio bridged onto a routed port
        return {"name": "GigabitEthernet0/0/1"}
    if kind in ("fibre", "ptp"):
        n = int(logical.removeprefix("dn")) - 1
        return {"name": f"GigabitEthernet0/{1 + n // 8}/{n % 8}"}
    tag = vlan if kind == "lan" and vlan else 200 + ordinal
    return {"name": f"GigabitEthernet0/0/1.{tag}", "parent": "GigabitEthernet0/0/1", "vlan": tag}


def validate(text: str) -> list[str]:
    """Structural sanity only (no IOS parser offline): known top-level shape and a final `end`."""
    problems = []
    if not re.search(r"^hostname \S+$", text, re.M):
        problems.append("no hostname")
    if not text.rstrip().endswith("end"):
        problems.append("config does not finish with `end`")
    return problems


ROW = Platform(
    name="ios",
    driver="ios",
    templates="ios",
    suffix=".cfg",
    comment="!",
    validator=validate,
    interface=interface,
    lab_stand_in="frr",
    baseline=Baseline(
        insecure_management=(
            r"^\s*transport input .*(telnet|all)",
            r"^ip http (secure-)?server$",
            r"^ip ftp",
        ),
        clear_password=(
            r"^(username \S+ .*)?password (0 )?" + PLACEHOLDER_OK + r"\S+",
            r"^enable password",
            r"^\s*password " + PLACEHOLDER_OK,
            r"^snmp-server community (public|private)\b",
        ),
        management_acl=(r"^ip access-list standard MGMT-SSH$", r"^\s*access-class MGMT-SSH in"),
        ssh_v2=(r"^ip ssh version 2$",),
        logging=(r"^logging host \S+",),
        ntp=(r"^ntp server \S+",),
    ),
    deploy=DeployStrategy(load="replace", revert_in=True),
    collect=Collection(
        interfaces="show ip interface brief",
        ospf_neighbors="show ip ospf neighbor",
        bgp_summary="show ip bgp summary",
        ntc_platform="cisco_ios",
    ),
    description="Cisco IOS-XE 17 (town hubs)",
)
