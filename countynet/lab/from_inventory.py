"""Turn (part of) the inventory into a LabSpec: the same devices, links and addresses.

Routers come up bare; only what the lab itself must emulate is addressed here: the NOFBI
PoPs (with their eBGP side and service listeners) and one host per agency site standing for a
machine on each of its LANs. Radio hops are shaped from the radio plan: rate = planned
capacity, loss = planned unavailability (capped), delay = the plan's latency.
"""

from __future__ import annotations

from ipaddress import IPv4Interface, IPv4Network
from typing import TYPE_CHECKING, Any

from countynet import platforms
from countynet.allocate.addressing import handoff, ifname, lan_gateway, management
from countynet.allocate.allocator import Allocation
from countynet.errors import CountynetError
from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Topology, site_lans
from countynet.lab.spec import (
    LAB_PLATFORM,
    ROUTER_DAEMONS,
    HostNode,
    LabSpec,
    Link,
    PopNode,
    RouterNode,
    Segment,
    Shaping,
)
from countynet.radio.plan import LinkPlan, RadioPlan
from countynet.verify.expect import lan_host_name

if TYPE_CHECKING:
    from countynet.model import Model

MAX_LOSS_PCT = 5.0


def _shaping(plans: list[LinkPlan]) -> Shaping | None:
    if not plans:
        return None
    lp = plans[0]
    if lp.capacity_mbps <= 0:
        return Shaping(rate_mbit=1.0, loss_pct=MAX_LOSS_PCT, delay_ms=lp.latency_ms)
    loss = min(MAX_LOSS_PCT, max(0.0, round(100.0 - lp.availability_pct, 3)))
    return Shaping(rate_mbit=round(lp.capacity_mbps, 1), loss_pct=loss, delay_ms=round(lp.latency_ms, 2))


def _routers(inv: Inventory, topo: Topology, alloc: Allocation, devices: set[str], spec: LabSpec,
             daemons: dict[str, tuple[str, ...]]) -> None:  # fmt: skip
    """One bare router per device; each town's management gateway is the first host of its subnet."""
    gateways: dict[str, IPv4Interface] = {}
    for dev_name in sorted(devices):
        dev = topo.devices[dev_name]
        mgmt = management(inv, alloc, dev.town, dev_name)
        if mgmt is None:
            raise CountynetError(f"{dev_name} has no management address", "run `countynet allocate`")
        gateways.setdefault(dev.town, IPv4Interface((int(mgmt.network.network_address) + 1, mgmt.network.prefixlen)))
        stands_in = platforms.get(dev.platform).lab_stand_in is not None
        spec.nodes.append(RouterNode(dev_name, mgmt, dev.platform if stands_in else None,
                                     daemons.get(dev_name, ROUTER_DAEMONS)))  # fmt: skip
    spec.mgmt_gateways = [gateways[t] for t in sorted(gateways)]


def _pops(inv: Inventory, towns: list[str], devices: set[str], spec: LabSpec) -> None:
    """NOFBI PoPs: one node per PoP, one interface per town it serves in this lab."""
    pops: dict[str, PopNode] = {}
    for town in towns:
        h = handoff(inv, town)
        hub = inv.town(town).hub.name  # type: ignore[union-attr]
        if h is None or hub not in devices:
            continue
        pop = pops.get(h.pop.name)
        if pop is None:
            pop = PopNode(h.pop.name, h.pop.asn)
            for svc in h.pop.services:
                s = inv.network.services.get(svc)
                if s is not None:
                    pop.announce += [IPv4Network(p) for p in s.prefixes]
                    pop.services.append((s.address, list(s.ports)))
            pops[h.pop.name] = pop
            spec.nodes.append(pop)
        pop_if = f"t-{town}"[:15]
        pop.interfaces[pop_if] = h.pop_ip
        pop.bgp_neighbors.append((h.hub_ip.ip, inv.town(town).asn))  # type: ignore[union-attr]
        spec.links.append(Link(f"handoff:{town}", (hub, "nofbi0"), (h.pop.name, pop_if)))


def _segments(topo: Topology, alloc: Allocation, radio: RadioPlan | None, devices: set[str], spec: LabSpec) -> None:
    """Fibre and PtP links as veth pairs, sectors as bridges; radio hops shaped from the plan."""
    for seg in sorted(topo.segments.values(), key=lambda s: s.id):
        if seg.kind in ("fibre", "ptp"):
            a, b = seg.members
            if a not in devices or b not in devices:
                continue
            shaping = _shaping(radio.for_segment(seg.id)) if radio and seg.kind == "ptp" else None
            spec.links.append(Link(seg.id, (a, ifname(topo, alloc, a, seg)), (b, ifname(topo, alloc, b, seg)), shaping))
        elif seg.kind == "sector" and seg.members[0] in devices:
            bs = seg.members[0]
            members = []
            for station in seg.members[1:]:
                if station in devices:
                    plan = radio.for_station(station, seg.id) if radio else None
                    members.append((station, ifname(topo, alloc, station, seg), _shaping([plan] if plan else [])))
            spec.segments.append(Segment(seg.id, (bs, ifname(topo, alloc, bs, seg)), members))


def _hosts(inv: Inventory, topo: Topology, alloc: Allocation, devices: set[str], spec: LabSpec) -> None:
    """One host per agency site, an interface on each of its LANs."""
    for site_name, (site_town, site) in sorted(topo.sites.items()):
        if site_name not in devices:
            continue
        host = HostNode(lan_host_name(site_name))
        for i, lan in enumerate(site_lans(inv, site)):
            gw = lan_gateway(alloc, site_town.name, site_name, lan.name)
            if gw is None:
                continue
            host_if = f"eth{i}"
            host.interfaces[host_if] = IPv4Interface((int(gw.ip) + 1, gw.network.prefixlen))
            if host.gateway is None:
                host.gateway = gw.ip
            spec.links.append(Link(f"lan:{site_name}/{lan.name}", (site_name, f"lan-{lan.name}"), (host.name, host_if)))
        if host.interfaces:
            spec.nodes.append(host)


def spec_from_inventory(
    inv: Inventory,
    topo: Topology,
    alloc: Allocation,
    radio: RadioPlan | None,
    devices: set[str],
    name: str,
    daemons: dict[str, tuple[str, ...]] | None = None,
) -> LabSpec:
    """The lab for `devices`; `daemons` narrows what a router runs (default: every routing daemon)."""
    spec = LabSpec(name=name)
    _routers(inv, topo, alloc, devices, spec, daemons or {})
    _pops(inv, sorted({topo.devices[d].town for d in devices}), devices, spec)
    _segments(topo, alloc, radio, devices, spec)
    _hosts(inv, topo, alloc, devices, spec)
    return spec


def spec_from_model(model: Model, devices: set[str], name: str) -> LabSpec:
    """The lab for `devices` of a model (radio links shaped from its plan); each router runs the
    daemons its own intent needs, as rendered for the lab's platform."""
    intents = model.intents(devices, LAB_PLATFORM)
    needs = {d: daemons_for(i) for d, i in intents.items()}
    return spec_from_inventory(model.inv, model.topo, model.alloc, model.radio, devices, name, needs)


def daemons_for(intent: dict[str, Any]) -> tuple[str, ...]:
    """zebra and bgpd always (verify asks every router for `show bgp summary`, which fails where
    bgpd does not run); staticd and ospfd only for a config with static routes or OSPF.
    A lab built for one model cannot take a config that adds static routes or OSPF: rebuild it
    (the rollout does by default); a commit of such a config does not take and is undone."""
    wanted = {"zebra": True, "staticd": intent.get("static_routes"), "ospfd": intent.get("ospf"), "bgpd": True}
    return tuple(d for d in ROUTER_DAEMONS if wanted.get(d))
