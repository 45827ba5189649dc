"""Nornir inventory plugin over the countynet model (registered as `CountynetInventory`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nornir.core.inventory import (
    ConnectionOptions,
    Defaults,
    Group,
    Groups,
    Host,
    Hosts,
    Inventory,
    ParentGroups,
)

from countynet.hosts import host_records


class CountynetInventory:
    """Hosts from the inventory folder; with `lab_inventory`, the lab's addresses and keys."""

    def __init__(
        self,
        inventory_dir: str = "inventory",
        lab_inventory: str | None = None,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.inventory_dir = Path(inventory_dir)
        self.lab_inventory = Path(lab_inventory) if lab_inventory else None
        self.username = username
        self.password = password

    def load(self) -> Inventory:
        records = host_records(self.inventory_dir, self.lab_inventory)
        groups = Groups()
        for rec in records:
            for g in rec.groups:
                groups.setdefault(g, Group(name=g))
        hosts = Hosts()
        for rec in records:
            opts: dict[str, Any] = {}
            extras = {k: v for k, v in rec.connection_options.items() if v}
            if extras:
                opts["napalm"] = ConnectionOptions(extras={"optional_args": extras})
            hosts[rec.name] = Host(
                name=rec.name,
                hostname=rec.hostname,
                port=rec.port,
                username=rec.username or self.username,
                password=self.password,
                platform=rec.platform,
                groups=ParentGroups([groups[g] for g in rec.groups]),
                data=dict(rec.data),
                connection_options=opts,
            )
        return Inventory(hosts=hosts, groups=groups, defaults=Defaults())
