"""The deploy's backup and the health gate's first snapshot are read together where the driver's
get_many can give get_config, and the ordinary way where it cannot: the same config and health."""

from __future__ import annotations

from typing import Any

import pytest

from nornir_tasks.health import config_and_snapshot

PEERS = {
    "global": {
        "peers": {"10.0.0.1": {"is_up": True, "uptime": 50, "address_family": {"ipv4": {"received_prefixes": 4}}}}
    }
}
IFACES = {"eth0": {"is_up": True, "is_enabled": True, "last_flapped": 99.0}}


class Plain:
    """A driver without get_many: every getter its own call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def get_config(self, retrieve: str = "all") -> dict[str, str]:
        self.calls.append(f"get_config {retrieve}")
        return {"running": "hostname r1\n", "startup": "", "candidate": ""}

    def get_bgp_neighbors(self) -> dict[str, Any]:
        self.calls.append("get_bgp_neighbors")
        return PEERS

    def get_interfaces(self) -> dict[str, Any]:
        self.calls.append("get_interfaces")
        return IFACES


class Batching(Plain):
    def __init__(self, with_config: bool) -> None:
        super().__init__()
        self.with_config = with_config

    def get_many(self, getters: list[str], commands: list[str] | None = None) -> dict[str, Any]:
        self.calls.append(f"get_many {' '.join(getters)}")
        if "get_config" in getters and not self.with_config:
            raise NotImplementedError("get_many: ['get_config']")
        out: dict[str, Any] = {"get_bgp_neighbors": PEERS, "get_interfaces": IFACES}
        return out | (
            {"get_config": {"running": "hostname r1\n", "startup": "", "candidate": ""}} if self.with_config else {}
        )


@pytest.mark.parametrize(
    ("conn", "calls"),
    [
        (Batching(with_config=True), ["get_many get_bgp_neighbors get_interfaces get_config"]),
        (Batching(with_config=False), ["get_many get_bgp_neighbors get_interfaces get_config",
                                       "get_bgp_neighbors", "get_interfaces", "get_config running"]),
        (Plain(), ["get_bgp_neighbors", "get_interfaces", "get_config running"]),
    ],
)  # fmt: skip
def test_backup_and_first_snapshot(conn: Plain, calls: list[str]) -> None:
    running, health = config_and_snapshot(conn, [], None)
    assert running == "hostname r1\n"
    assert health.bgp == {"10.0.0.1": 4} and health.links == {"eth0": "up"}
    assert conn.calls == calls


def test_a_device_that_cannot_give_its_config_fails_the_read() -> None:
    class NoConfig(Plain):
        def get_config(self, retrieve: str = "all") -> dict[str, str]:
            raise ConnectionError("session lost")

    with pytest.raises(ConnectionError):
        config_and_snapshot(NoConfig(), [], None)
