"""Busy-hour demand of a site (network.yml `demand`): what its radio hops must carry.

Shared by the capacity rules (CN601, CN602) and the planner, so both size hops the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from countynet.inventory.model import Network, QosClass, Site
from countynet.inventory.topology import Topology


def demand_mbps(net: Network, kind: str, users: int, services: list[str]) -> float:
    """users x (class rate + each service's QoS rate), at least `min_site_mbps`."""
    d = net.demand
    k = net.agency_kinds.get(kind)
    per_user = k.mbps_per_user if k is not None and k.mbps_per_user is not None else d.base_mbps_per_user
    for name in services:
        svc = net.services.get(name)
        if svc is not None:
            per_user += d.service_mbps_per_user.get(svc.qos, 0.0)
    return round(max(d.min_site_mbps, users * per_user), 2)


def site_demand_mbps(net: Network, site: Site) -> float:
    """A written site's demand, with its kind's users and services where it sets none."""
    k = net.agency_kinds.get(site.kind)
    users = site.users if site.users is not None else (k.users if k else 20)
    services = site.services if site.services is not None else (list(k.services) if k else [])
    return demand_mbps(net, site.kind, users, services)


def site_class_mbps(net: Network, site: Site, qos: QosClass) -> float:
    """The part of a site's demand that is for services of class `qos` (users x their rates)."""
    k = net.agency_kinds.get(site.kind)
    users = site.users if site.users is not None else (k.users if k else 20)
    services = site.services if site.services is not None else (list(k.services) if k else [])
    rate = net.demand.service_mbps_per_user.get(qos, 0.0)
    n = sum(1 for s in services if s in net.services and net.services[s].qos == qos)
    return round(users * rate * n, 2)


def carried_mbps(net: Network, topo: Topology, need: Callable[[Site], float] | None = None) -> dict[str, float]:
    """Per segment id: the summed demand (or `need`) of every site whose path to the hub crosses it.

    For a sector the key is the station's hop id `sector:<bs>/<s>><site>` (what the station
    link carries, relayed sites included) as well as the sector segment (its sum).
    """
    out: dict[str, float] = {}
    for name, (_town, site) in topo.sites.items():
        mbps = need(site) if need is not None else site_demand_mbps(net, site)
        dev, seen = name, set()
        while dev in topo.parent and dev not in seen:
            seen.add(dev)
            seg_id = topo.parent[dev]
            out[seg_id] = out.get(seg_id, 0.0) + mbps
            seg = topo.segments[seg_id]
            if seg.kind == "sector":
                hop = f"{seg_id}>{dev}"
                out[hop] = out.get(hop, 0.0) + mbps
                dev = seg.members[0]
            else:
                dev = next((m for m in seg.members if m != dev), dev)
    return out
