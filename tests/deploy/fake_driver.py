"""A fake NAPALM driver for deploy-engine edge cases only (never a stand-in for the lab path).

Devices live in DEVICES (by hostname) so every new session sees the same box, like a real one:
running config, a commit-confirm marker with a timer that fires when its time has come, BGP
peers, links and routes that a test can change over time (callables of the device).
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from napalm.base import NetworkDriver
from napalm.base.exceptions import CommitConfirmException, CommitError, ConnectionException
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions, Defaults, Groups, Host, Hosts, Inventory
from nornir.plugins.runners import ThreadedRunner


@dataclass
class FakeDevice:
    running: str = "hostname old\n"
    previous: str | None = None
    pending: dict[str, Any] | None = None
    reachable: Callable[[FakeDevice], bool] = lambda d: True
    bgp: Callable[[FakeDevice], dict[str, int]] = lambda d: {}
    links: Callable[[FakeDevice], dict[str, str]] = lambda d: {"up0": "up"}
    routes: set[str] = field(default_factory=set)
    commits: int = 0
    since: float = 0.0  # when the running config last changed

    def tick(self) -> None:
        """The device-side timer: revert once its time has come, with or without a controller."""
        if self.pending and time.time() >= self.pending["revert_at"]:
            self.set_running(self.previous or "")
            self.pending = None

    def set_running(self, text: str) -> None:
        self.running, self.since = text, time.monotonic()

    def age(self) -> float:
        return time.monotonic() - self.since


DEVICES: dict[str, FakeDevice] = {}


class FakeDriver(NetworkDriver):
    def __init__(self, hostname: str, username: str = "", password: str = "", timeout: int = 60,
                 optional_args: dict[str, Any] | None = None) -> None:  # fmt: skip
        self.hostname = hostname
        self.cand: str | None = None

    @property
    def dev(self) -> FakeDevice:
        d = DEVICES[self.hostname]
        d.tick()
        if not d.reachable(d):
            raise ConnectionException(f"{self.hostname}: timed out")
        return d

    def open(self) -> None:
        _ = self.dev

    def close(self) -> None:
        self.cand = None

    def get_config(self, retrieve: str = "all", full: bool = False, sanitized: bool = False,
                   format: str = "text") -> dict[str, str]:  # fmt: skip
        return {"running": self.dev.running, "startup": "", "candidate": self.cand or ""}

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        _ = self.dev
        self.cand = config

    def compare_config(self) -> str:
        run = self.dev.running
        return "" if self.cand is None or self.cand == run else f"-{run.strip()}\n+{self.cand.strip()}\n"

    def discard_config(self) -> None:
        self.cand = None

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        d = self.dev
        if d.pending:
            raise CommitError("a commit is pending confirmation")
        d.previous = d.running
        d.set_running(self.cand or "")
        d.commits += 1
        if revert_in:
            d.pending = {"token": f"t{d.commits}", "revert_at": time.time() + revert_in}

    def pending_commit(self) -> dict[str, Any] | None:
        return self.dev.pending

    def has_pending_commit(self) -> bool:
        return self.pending_commit() is not None

    def confirm_commit(self) -> None:
        d = self.dev
        if not d.pending:
            raise CommitConfirmException("no commit is pending confirmation")
        d.pending = None

    def rollback(self) -> None:
        d = self.dev
        d.set_running(d.previous or d.running)
        d.pending = None

    def get_bgp_neighbors(self) -> dict[str, Any]:
        d = self.dev
        peers = {
            ip: {"is_up": True, "address_family": {"ipv4": {"received_prefixes": n}}} for ip, n in d.bgp(d).items()
        }
        return {"global": {"router_id": "", "peers": peers}}

    def get_interfaces(self) -> dict[str, dict[str, Any]]:
        d = self.dev
        return {n: {"is_up": s == "up", "is_enabled": s != "admin-down"} for n, s in d.links(d).items()}

    def get_route_to(self, destination: str = "", protocol: str = "", longer: bool = False) -> dict[str, Any]:
        return {destination: [{}]} if destination in self.dev.routes else {}


def register() -> str:
    """Make the driver importable the way napalm looks for drivers (custom_napalm.<name>)."""
    pkg = sys.modules.setdefault("custom_napalm", types.ModuleType("custom_napalm"))
    pkg.__path__ = []  # type: ignore[attr-defined]
    mod = types.ModuleType("custom_napalm.cnfake")
    mod.FakeDriver = FakeDriver  # type: ignore[attr-defined]
    sys.modules["custom_napalm.cnfake"] = mod
    return "cnfake"


def nornir_for(names: list[str]) -> Nornir:
    from nornir.core.plugins.connections import ConnectionPluginRegister

    ConnectionPluginRegister.auto_register()  # nornir_napalm's "napalm" connection plugin
    platform = register()
    defaults = Defaults()
    hosts = Hosts(
        {
            n: Host(
                n,
                hostname=n,
                port=22,
                platform=platform,
                defaults=defaults,
                data={"countynet_platform": "frr"},
                connection_options={"napalm": ConnectionOptions(platform=platform)},
            )
            for n in names
        }
    )
    return Nornir(inventory=Inventory(hosts=hosts, groups=Groups(), defaults=defaults), runner=ThreadedRunner(5))
