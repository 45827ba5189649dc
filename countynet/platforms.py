"""The platform registry: everything platform-specific that is not a template, as data.

Pipeline code looks a platform up here and never branches on its name, so adding a platform
is one `Platform` row plus a folder of templates (see design.md section 2).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NFT_MARKER = "!countynet-nftables"

# (logical name, kind, ordinal among its kind, vlan) -> platform fields {name, parent?, vlan?}
InterfaceMapper = Callable[[str, str, int, int | None], dict[str, Any]]
# rendered text -> list of problems (empty when the config is acceptable)
Validator = Callable[[str], list[str]]


@dataclass(frozen=True)
class Baseline:
    """Per-platform patterns the CN5xx baseline rules look for in rendered text (multiline regexes)."""

    insecure_management: tuple[str, ...] = ()  # telnet, http(s), ftp... enabled
    clear_password: tuple[str, ...] = ()  # a password line whose value is not a secret placeholder
    management_acl: tuple[str, ...] = ()  # every pattern must be present
    ssh_v2: tuple[str, ...] = ()
    logging: tuple[str, ...] = ()
    ntp: tuple[str, ...] = ()


@dataclass(frozen=True)
class Platform:
    name: str
    driver: str  # NAPALM driver name, as nornir-napalm expects
    templates: str  # folder under templates/
    suffix: str  # rendered file name suffix
    comment: str  # line comment prefix (header marking a countynet-rendered file)
    validator: Validator
    interface: InterfaceMapper
    lab_stand_in: str | None  # platform the virtual lab runs in place of this one
    baseline: Baseline = field(default_factory=Baseline)

    def header(self, hostname: str) -> str:
        return f"{self.comment} countynet-rendered {hostname} ({self.name}): do not edit, run `countynet render`"


# ------------------------------------------------------------------ interface names
def frr_interface(logical: str, kind: str, ordinal: int, vlan: int | None) -> dict[str, Any]:
    """FRR runs on Linux: the logical names are the Linux interface names (lab convention)."""
    return {"name": logical}


def ios_interface(logical: str, kind: str, ordinal: int, vlan: int | None) -> dict[str, Any]:
    """ISR4331-style: built-in ports 0/0/0-2, NIM switch ports 0/1/x, LANs and sectors as dot1Q subinterfaces."""
    if kind == "loopback":
        return {"name": "Loopback0"}
    if kind == "management":
        return {"name": "GigabitEthernet0/0/2"}
    if kind == "handoff":
        return {"name": "GigabitEthernet0/0/0"}
    if logical == "up0" and kind in ("fibre", "ptp"):
        return {"name": "GigabitEthernet0/0/1"}
    if logical == "up0":  # station: the CPE radio bridges onto a routed port
        return {"name": "GigabitEthernet0/0/1"}
    if kind in ("fibre", "ptp"):
        n = int(logical.removeprefix("dn")) - 1
        return {"name": f"GigabitEthernet0/{1 + n // 8}/{n % 8}"}
    tag = vlan if kind == "lan" and vlan else 200 + ordinal
    return {"name": f"GigabitEthernet0/0/1.{tag}", "parent": "GigabitEthernet0/0/1", "vlan": tag}


def routeros_interface(logical: str, kind: str, ordinal: int, vlan: int | None) -> dict[str, Any]:
    """RouterOS: ether1 = out-of-band management, ether2 = uplink, ether3.. = downlinks, wlanN = radios."""
    if kind == "loopback":
        return {"name": "loopback"}  # an empty bridge: RouterOS's usual loopback
    if kind == "management":
        return {"name": "ether1"}
    if kind == "handoff":
        return {"name": "sfp-sfpplus1"}
    if kind == "station":
        return {"name": "wlan1"}
    if logical == "up0":
        return {"name": "ether2"}
    if kind in ("fibre", "ptp"):
        return {"name": f"ether{2 + int(logical.removeprefix('dn'))}"}
    if kind == "sector":
        return {"name": f"wlan{ordinal + 1}"}
    return {"name": logical, "parent": "bridge-lan", "vlan": vlan}  # lan-<name>: a VLAN on the LAN bridge


# ------------------------------------------------------------------ validators
def split_frr(text: str) -> tuple[str, str]:
    """(FRR part, nftables part) of a rendered FRR file."""
    head, sep, tail = text.partition(NFT_MARKER + "\n")
    return head, tail if sep else ""


def frr_validate(text: str) -> list[str]:
    """Syntax-check the FRR part with vtysh (exit 2 on errors); `vtysh -C` would accept anything."""
    vtysh = shutil.which("vtysh")
    if vtysh is None:
        return []
    frr, _ = split_frr(text)
    with tempfile.TemporaryDirectory(prefix="countynet-vtysh-") as tmp:
        (Path(tmp) / "vtysh.conf").write_text("")
        conf = Path(tmp) / "frr.conf"
        conf.write_text(frr)
        proc = subprocess.run(
            [vtysh, "--config_dir", tmp, "-m", "-f", str(conf)], capture_output=True, text=True, check=False
        )
    if proc.returncode == 0:
        return []
    out = (proc.stdout + proc.stderr).splitlines()
    return [line for line in out if "line " in line or "%" in line] or [f"vtysh exit {proc.returncode}"]


def ios_validate(text: str) -> list[str]:
    """Structural sanity only (no IOS parser offline): known top-level shape and a final `end`."""
    problems = []
    if not re.search(r"^hostname \S+$", text, re.M):
        problems.append("no hostname")
    if not text.rstrip().endswith("end"):
        problems.append("config does not finish with `end`")
    return problems


_ROS_LINE = re.compile(r"^(?=\S)(/[a-z0-9-]+(?: [a-z0-9-]+)*)?(?:\s*(?:add|set|remove|disable|enable)\b.*)?$")


def routeros_validate(text: str) -> list[str]:
    """Every command line is a menu path or a command in one, with balanced quotes."""
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not _ROS_LINE.match(line):
            problems.append(f"line {n}: not a RouterOS command: {line[:60]}")
        elif line.count('"') % 2:
            problems.append(f"line {n}: unbalanced quotes")
    return problems


PLACEHOLDER_OK = r"(?!\{\{secret:)"

PLATFORMS: dict[str, Platform] = {
    "frr": Platform(
        "frr",
        "frr",
        "frr",
        ".conf",
        "!",
        frr_validate,
        frr_interface,
        None,
        Baseline(
            insecure_management=(
                r"^\s*ip\s+tcp\s+dport\s+23\s+accept",
                r"^\s*tcp\s+dport\s+\{?\s*(23|80|443)\b.*accept",
            ),
            clear_password=(r"^\s*(enable\s+)?password\s+" + PLACEHOLDER_OK + r"\S+",),
            management_acl=(r"^\s*table inet countynet \{", r"tcp dport 22 accept", r"tcp dport 22 drop"),
            logging=(r"^log syslog",),  # NTP and sshd belong to the Linux host, not to FRR
        ),
    ),
    "ios": Platform(
        "ios",
        "ios",
        "ios",
        ".cfg",
        "!",
        ios_validate,
        ios_interface,
        "frr",
        Baseline(
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
    ),
    "routeros": Platform(
        "routeros",
        "ros",
        "routeros",
        ".rsc",
        "#",
        routeros_validate,
        routeros_interface,
        "frr",
        Baseline(
            insecure_management=(
                r"^set (telnet|www|www-ssl|ftp|api) .*disabled=no",
                r"^/ip service enable (telnet|www|www-ssl|ftp)",
            ),
            clear_password=(
                r"password=" + PLACEHOLDER_OK + r'"?[^"\s{]',
                r"pre-shared-key=" + PLACEHOLDER_OK + r'"?[^"\s{]',
                r"^add name=admin\b",
            ),
            management_acl=(
                r"chain=input .*dst-port=22 .*src-address=\S+ .*action=accept",
                r"dst-port=22 .*action=drop",
            ),
            ssh_v2=(r"^/ip ssh set .*strong-crypto=yes",),
            logging=(r"^add action=remote",),
            ntp=(r"^/system ntp client set enabled=yes servers=\S+",),
        ),
    ),
}


def get(name: str) -> Platform:
    """The registry row for `name`; KeyError names the known platforms."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(sorted(PLATFORMS))}") from None
