"""Derive devices and layer-3 segments from the inventory, and the tree towards NOFBI.

Lenient by design: dangling references are skipped here and reported by the reference
rules, so every later step can still run on a partly broken inventory.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from countynet.inventory.loader import Inventory
from countynet.inventory.model import BaseStation, Coordinates, Hub, Lan, Node, Sector, Site, Town

Role = Literal["hub", "base_station", "agency"]
SegmentKind = Literal["handoff", "fibre", "ptp", "sector"]


@dataclass(frozen=True)
class Device:
    name: str
    role: Role
    town: str
    platform: str
    model: str
    node: Hub | BaseStation | Site
    location: Coordinates


@dataclass
class Segment:
    """One layer-3 link. `members[0]` is the end nearer the hub where that is known."""

    id: str
    kind: SegmentKind
    town: str
    members: list[str]
    source: Node
    sector: Sector | None = None


@dataclass
class Topology:
    devices: dict[str, Device] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)  # device -> segment id towards the hub
    depth: dict[str, int] = field(default_factory=dict)  # hops from the hub (hub = 0)
    sites: dict[str, tuple[Town, Site]] = field(default_factory=dict)

    def segments_of(self, device: str) -> list[Segment]:
        return self._by_device.get(device, [])

    @cached_property
    def _by_device(self) -> dict[str, list[Segment]]:
        out: dict[str, list[Segment]] = {}
        for seg in self.segments.values():
            for m in seg.members:
                out.setdefault(m, []).append(seg)
        return out

    def unreachable(self) -> list[str]:
        return [d for d in self.devices if d not in self.depth]

    def children(self, device: str) -> list[str]:
        """Devices whose path to the hub goes through `device` directly."""
        out = []
        for seg in self.segments_of(device):
            out += [m for m in seg.members if m != device and self.parent.get(m) == seg.id]
        return out


def fibre_id(a: str, b: str) -> str:
    return f"fibre:{a}--{b}"


def build(inv: Inventory) -> Topology:
    topo = Topology()
    d = inv.network.defaults
    for town in inv.towns:
        hub = town.hub
        topo.devices.setdefault(
            hub.name,
            Device(
                hub.name, "hub", town.name, hub.platform or d.hub_platform, hub.model or d.hub_model, hub, hub.location
            ),
        )
        topo.segments[f"handoff:{town.name}"] = Segment(f"handoff:{town.name}", "handoff", town.name, [hub.name], town)
        for bs in town.base_stations:
            topo.devices.setdefault(
                bs.name,
                Device(
                    bs.name,
                    "base_station",
                    town.name,
                    bs.platform or d.base_station_platform,
                    bs.model or d.base_station_model,
                    bs,
                    bs.location,
                ),
            )
            if bs.uplink.fibre:
                sid = fibre_id(bs.uplink.fibre, bs.name)
                topo.segments[sid] = Segment(sid, "fibre", town.name, [bs.uplink.fibre, bs.name], bs.uplink)
            for sec in bs.sectors:
                sid = f"sector:{bs.name}/{sec.name}"
                topo.segments[sid] = Segment(sid, "sector", town.name, [bs.name], sec, sector=sec)
        for site in town.sites:
            topo.sites[site.name] = (town, site)
            topo.devices.setdefault(
                site.name,
                Device(
                    site.name,
                    "agency",
                    town.name,
                    site.platform or d.agency_platform,
                    site.model or d.agency_model,
                    site,
                    site.location,
                ),
            )
            c = site.connect
            if c.sector:
                seg = topo.segments.get(f"sector:{c.sector}")
                if seg is not None and seg.town == town.name:
                    seg.members.append(site.name)
            if c.fibre:
                sid = fibre_id(c.fibre, site.name)
                topo.segments[sid] = Segment(sid, "fibre", town.name, [c.fibre, site.name], c)
        for link in town.links:
            sid = f"ptp:{link.name}"
            topo.segments[sid] = Segment(sid, "ptp", town.name, [link.a.device, link.b.device], link)
    _walk(topo, inv)
    return topo


def _walk(topo: Topology, inv: Inventory) -> None:
    """Breadth-first from each hub: depth and parent segment of every reachable device."""
    for town in inv.towns:
        start = town.hub.name
        if topo.devices.get(start, None) is None or start in topo.depth:
            continue
        topo.depth[start] = 0
        queue = deque([start])
        while queue:
            cur = queue.popleft()
            for seg in topo.segments_of(cur):
                if seg.kind == "sector" and cur != seg.members[0]:
                    peers = [seg.members[0]]  # stations talk through the base station
                else:
                    peers = [m for m in seg.members if m != cur]
                for peer in peers:
                    if peer in topo.devices and peer not in topo.depth:
                        topo.depth[peer] = topo.depth[cur] + 1
                        topo.parent[peer] = seg.id
                        queue.append(peer)
        for seg in topo.segments.values():
            if seg.kind in ("fibre", "ptp") and seg.town == town.name:
                a, b = seg.members
                if topo.depth.get(b, 1 << 30) < topo.depth.get(a, 1 << 30):
                    seg.members = [b, a]


# ------------------------------------------------------------------ site defaults
def site_users(inv: Inventory, site: Site) -> int:
    if site.users is not None:
        return site.users
    kind = inv.network.agency_kinds.get(site.kind)
    return kind.users if kind else 20


def site_services(inv: Inventory, site: Site) -> list[str]:
    if site.services is not None:
        return list(site.services)
    kind = inv.network.agency_kinds.get(site.kind)
    return list(kind.services) if kind else []


def site_lans(inv: Inventory, site: Site) -> list[Lan]:
    """The site's LANs; one `staff` LAN carrying all users when none are declared."""
    if site.lans:
        return site.lans
    return [Lan(name="staff", vlan=inv.network.defaults.lan_vlan, users=site_users(inv, site))]


def lan_users(inv: Inventory, site: Site, lan: Lan) -> int:
    return lan.users if lan.users is not None else site_users(inv, site)


def lan_vlan(inv: Inventory, lan: Lan) -> int:
    return lan.vlan if lan.vlan is not None else inv.network.defaults.lan_vlan
