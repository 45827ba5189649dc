"""Cisco IOS-XE: the town hubs. Driver: napalm's `ios` (configure replace + archive for revert_in)."""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def normalize(text: str, names: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """The normal form of a rendered config (parser imported on first use: it is slow to import)."""
    from countynet.platforms.ios_normalize import normalize as parse

    return parse(text, names)


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
    # napalm ios: `configure replace <file> force revert trigger error timer <minutes>`, confirmed
    # with `configure confirm`; both need the archive feature (napalm asks `show archive` first),
    # and the timer is whole minutes from 1 to 120 (napalm refuses anything else).
    deploy=DeployStrategy(
        load="replace",
        revert_in=True,
        required=(
            (
                r"^archive\n path \S+:\S*",
                "napalm ios commit_config(revert_in=...) needs the IOS archive feature (`archive` with a `path`)",
            ),
        ),
        revert_in_range=(60, 7200),
        revert_in_step=60,
    ),
    # The candidate goes over the SSH session itself (netmiko's TCL inline transfer), so the hub
    # needs no `ip scp server enable`; bootflash: is the ISR4300's file system (no autodetection).
    remediation_os="ios",
    driver_args={"inline_transfer": True, "dest_file_system": "bootflash:", "auto_file_prompt": True},
    collect=Collection(
        interfaces="show ip interface brief",
        ospf_neighbors="show ip ospf neighbor",
        bgp_summary="show ip bgp summary",
        ntc_platform="cisco_ios",
    ),
    normalize=normalize,
    description="Cisco IOS-XE 17 (town hubs)",
)
