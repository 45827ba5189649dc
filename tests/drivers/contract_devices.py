"""Devices and configs for the driver contract suite (imported by conftest and the tests).

`frr`: a tiny virtual lab (countynet.lab) built for this run: r1 (deploy target) with an eBGP
session to an emulated NOFBI PoP, and r2 behind r1. Torn down in the finalizer.

Other drivers run against a real device when the environment names one (skipped otherwise):
  COUNTYNET_CONTRACT_<DRIVER>_HOST, _USER, _PASSWORD, _OPTARGS (JSON optional_args),
  _BASE, _CHANGED, _BAD, _FAILING (paths to config files: the device's base config, the same
  with one change, one with a syntax error, one that fails when applied), _PROBE (a prefix that
  is routed in CHANGED and not in BASE), _DRIVERS (comma list of extra drivers, e.g. "ios,ros").
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

import pytest
from napalm.base import NetworkDriver

FRR_BASE = """frr defaults traditional
hostname r1
service integrated-vtysh-config
!
interface lo
 ip address 10.100.0.1/32
exit
!
interface nofbi0
 description to NOFBI
 ip address 10.255.0.2/30
exit
!
interface eth1
 ip address 10.100.1.0/31
exit
!
router bgp 65101
 bgp router-id 10.100.0.1
 timers bgp 3 9
 neighbor 10.255.0.1 remote-as 65000
 neighbor 10.255.0.1 description nofbi-pop
 neighbor 10.255.0.1 timers connect 3
 !
 address-family ipv4 unicast
  network 10.100.0.1/32
  neighbor 10.255.0.1 route-map NOFBI-IN in
  neighbor 10.255.0.1 route-map NOFBI-OUT out
 exit-address-family
exit
!
route-map NOFBI-IN permit 10
exit
!
route-map NOFBI-OUT permit 10
exit
!
end
"""
FRR_PROBE = "10.98.0.0/16"
FRR_CHANGED = FRR_BASE.replace("!\nend\n", f"ip route {FRR_PROBE} blackhole\n!\nend\n")
FRR_BAD = FRR_BASE.replace("!\nend\n", "ip routee 10.97.0.0/16 blackhole\n!\nend\n")
# Passes `vtysh -m -f`, fails on apply (bgpd refuses an undefined peer-group), after a line that
# did apply: exactly the half-applied case the driver must undo.
FRR_FAILING = FRR_CHANGED.replace(
    " neighbor 10.255.0.1 timers connect 3\n",
    " neighbor 10.255.0.1 timers connect 3\n neighbor 10.255.0.9 peer-group NOPE\n",
)


@dataclass
class Device:
    """One device the contract suite runs against, and the configs it uses."""

    driver: str
    connect: dict[str, Any]  # hostname, username, password, timeout, optional_args
    base: str
    changed: str
    probe: str
    bad: str | None = None
    failing: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def driver_class(self) -> type[NetworkDriver]:
        if self.driver == "frr":
            from countynet.drivers.frr import FRRDriver

            return FRRDriver
        from napalm import get_network_driver

        return get_network_driver(self.driver)

    def open(self) -> NetworkDriver:
        conn = self.driver_class()(**self.connect)
        conn.open()
        return conn


def lab_skip_reason() -> str | None:
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    if not Path("/usr/lib/frr/bgpd").exists() or not shutil.which("vtysh"):
        return "needs FRR (/usr/lib/frr, vtysh)"
    if not Path("/usr/lib/frr/frr-reload.py").exists():
        return "needs frr-pythontools (frr-reload.py)"
    if not Path("/usr/sbin/sshd").exists():
        return "needs openssh-server"
    return None


def free_mgmt_net() -> str:
    """A 172.27.N.0/24 that no address on this host overlaps (parallel runs, other labs)."""
    import subprocess

    used = set()
    out = subprocess.run(["ip", "-j", "-4", "addr", "show"], capture_output=True, text=True, check=True).stdout
    for link in json.loads(out or "[]"):
        for a in link.get("addr_info", []):
            used.add(IPv4Interface(f"{a['local']}/{a['prefixlen']}").network)
    start = os.getpid() % 200
    for i in range(200):
        n = 20 + (start + i) % 200
        net = IPv4Network(f"172.27.{n}.0/24")
        if not any(net.overlaps(u) for u in used):
            return f"172.27.{n}"
    raise RuntimeError("no free 172.27.x.0/24 for the driver lab")


def driver_lab_spec(name: str, mgmt: str) -> Any:
    from countynet.lab.spec import LabSpec, Link, PopNode, RouterNode

    ip = IPv4Interface
    return LabSpec(
        name=name,
        mgmt_gateways=[ip(f"{mgmt}.1/24")],
        nodes=[
            RouterNode("r1", ip(f"{mgmt}.11/24")),
            RouterNode("r2", ip(f"{mgmt}.12/24")),
            PopNode(
                "pop",
                asn=65000,
                interfaces={"eth0": ip("10.255.0.1/30")},
                bgp_neighbors=[(IPv4Address("10.255.0.2"), 65101)],
                announce=[IPv4Network("10.200.0.0/24")],
            ),
        ],
        links=[Link("pop-r1", ("pop", "eth0"), ("r1", "nofbi0")), Link("r1-r2", ("r1", "eth1"), ("r2", "eth1"))],
    )


def frr_device(lab: Any, node: str = "r1") -> Device:
    t = lab.ssh_target(node)
    return Device(
        driver="frr",
        connect={
            "hostname": t.host,
            "username": t.user,
            "password": "",
            "timeout": 30,
            "optional_args": {"port": t.port, "key_file": t.key_file, "known_hosts": str(lab.known_hosts)},
        },
        base=FRR_BASE,
        changed=FRR_CHANGED,
        probe=FRR_PROBE,
        bad=FRR_BAD,
        failing=FRR_FAILING,
        extra={"lab": lab, "node": node},
    )


def env_device(driver: str) -> Device | None:
    p = f"COUNTYNET_CONTRACT_{driver.upper()}_"
    host = os.environ.get(p + "HOST")
    if not host:
        return None

    def text(key: str) -> str | None:
        path = os.environ.get(p + key)
        return Path(path).read_text() if path else None

    base, changed, probe = text("BASE"), text("CHANGED"), os.environ.get(p + "PROBE")
    if not (base and changed and probe):
        pytest.fail(f"{p}HOST is set but {p}BASE, {p}CHANGED and {p}PROBE are needed too")
    return Device(
        driver=driver,
        connect={
            "hostname": host,
            "username": os.environ.get(p + "USER", ""),
            "password": os.environ.get(p + "PASSWORD", ""),
            "timeout": 60,
            "optional_args": json.loads(os.environ.get(p + "OPTARGS", "{}")),
        },
        base=base,
        changed=changed,
        probe=probe,
        bad=text("BAD"),
        failing=text("FAILING"),
    )


def contract_drivers() -> list[str]:
    extra = [d.strip() for d in os.environ.get("COUNTYNET_CONTRACT_DRIVERS", "").split(",") if d.strip()]
    return ["frr", *extra]


def reset(dev: Device) -> None:
    conn = dev.open()
    try:
        if conn.has_pending_commit():
            conn.rollback()
        conn.load_replace_candidate(config=dev.base)
        if conn.compare_config():
            conn.commit_config()
        else:
            conn.discard_config()
    finally:
        conn.close()


def wait_for(pred: Callable[[], bool], timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()
