"""Hosts as automation tools see them: the one model behind both the Nornir and Ansible plugins.

The field target takes management addresses from the allocation; the lab target overlays
the lab inventory that `countynet lab up` writes (its addresses, SSH key, known_hosts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError
from countynet.inventory.limits import safe_yaml_load
from countynet.lab.spec import LAB_PLATFORM


@dataclass
class HostRecord:
    name: str
    hostname: str
    platform: str  # NAPALM driver name, as nornir-napalm expects
    groups: list[str]
    port: int = 22
    username: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    connection_options: dict[str, Any] = field(default_factory=dict)


def platform_row(platform: str) -> Any:
    from countynet.platforms import get

    return get(platform)


def napalm_driver(platform: str) -> str:
    from countynet.platforms import get

    return get(platform).driver


def host_records(root: Path | str, lab_inventory: Path | str | None = None) -> list[HostRecord]:
    """Every device of the inventory, with groups town_<t>, role_<r>, platform_<p> (the same model,
    and the same groups `--limit` matches, for Nornir and Ansible)."""
    from countynet.model import load_model
    from countynet.selectors import groups_of

    model = load_model(root)
    topo, alloc = model.topo, model.alloc
    lab: dict[str, Any] = {}
    if lab_inventory is not None:
        lab = read_lab_inventory(Path(lab_inventory))
    records = []
    for dev in sorted(topo.devices.values(), key=lambda d: d.name):
        mgmt = alloc.towns[dev.town].management.get(dev.name)
        groups = groups_of(model, dev.name)
        data = {
            "town": dev.town,
            "role": dev.role,
            "model": dev.model,
            "real_platform": dev.platform,
            "countynet_platform": dev.platform,
            "depth": topo.depth.get(dev.name),
        }
        rec = HostRecord(dev.name, str(mgmt) if mgmt else dev.name, napalm_driver(dev.platform), groups, data=data)
        rec.connection_options = dict(platform_row(dev.platform).driver_args)  # the field's NAPALM optional_args
        if lab:
            host = lab.get(dev.name)
            if host is None:
                continue  # the lab holds only part of the inventory
            rec.hostname = str(host["hostname"])
            rec.port = int(host.get("port", 22))
            rec.username = host.get("username")
            rec.platform = napalm_driver(str(host.get("platform", LAB_PLATFORM)))
            rec.data["countynet_platform"] = str(host.get("platform", LAB_PLATFORM))
            rec.data["stand_in_for"] = host.get("stand_in_for")
            rec.connection_options = {
                "key_file": host.get("key_file"),
                "known_hosts": host.get("known_hosts"),
            }
        records.append(rec)
    return records


def read_lab_inventory(path: Path) -> dict[str, Any]:
    """The hosts mapping of a lab inventory file written by `countynet lab up`."""
    if not path.exists():
        raise CountynetError(f"lab inventory not found: {path}", "bring the lab up with `countynet lab up`")
    data = safe_yaml_load(path)  # within the loading budget: the path can come from the environment
    hosts = data.get("hosts") if isinstance(data, dict) else None
    if not isinstance(hosts, dict):
        raise CountynetError(f"{path} has no 'hosts' mapping", "recreate it with `countynet lab up`")
    return hosts
