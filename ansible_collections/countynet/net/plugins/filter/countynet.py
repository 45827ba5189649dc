"""countynet's Jinja filters for Ansible: the very functions of countynet.render.filters (no copies),
plus the rollout order of countynet.deploy.order so playbooks stage devices like `countynet deploy`."""

from __future__ import annotations

from typing import Any

from countynet.deploy.order import Target, stages
from countynet.render.filters import FILTERS


def _targets(hosts: list[str], hostvars: Any) -> list[Target]:
    out = []
    for name in hosts:
        hv = hostvars[name]
        depth = hv.get("countynet_depth")
        out.append(Target(str(name), str(hv.get("countynet_town", "")), int(depth) if depth is not None else 0))
    return out


def countynet_rollout_order(hosts: list[str], hostvars: Any) -> list[str]:
    """Hosts in rollout order: per town, deepest (farthest from NOFBI) first."""
    return [name for stage in stages(_targets(list(hosts), hostvars)) for name in stage]


def countynet_rollout_batches(hosts: list[str], hostvars: Any) -> list[int]:
    """Batch sizes for `serial:` matching countynet_rollout_order: one batch per town and depth."""
    sizes = [len(stage) for stage in stages(_targets(list(hosts), hostvars))]
    return sizes or [1]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            **FILTERS,
            "countynet_rollout_order": countynet_rollout_order,
            "countynet_rollout_batches": countynet_rollout_batches,
        }
