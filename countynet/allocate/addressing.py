"""Which address and interface name each device has on each segment: the fixed conventions.

/31 links: the end nearer the hub takes the network address. Sectors: base station = first
host. NOFBI handoff /31: PoP = network address, hub = next; /30: PoP .1, hub .2. LAN
gateway = first host. Interface names are also the Linux names in the FRR lab (<= 15 chars).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Interface, IPv4Network

from countynet.allocate.allocator import Allocation
from countynet.inventory.loader import Inventory
from countynet.inventory.model import Pop
from countynet.inventory.topology import Segment, Topology


@dataclass(frozen=True)
class HandoffAddr:
    pop: Pop
    prefix: IPv4Network
    pop_ip: IPv4Interface
    hub_ip: IPv4Interface


def handoff(inv: Inventory, town_name: str) -> HandoffAddr | None:
    town = inv.town(town_name)
    if town is None:
        return None
    pop = next((p for p in inv.nofbi.pops if p.name == town.nofbi_pop), None)
    if pop is None:
        return None
    h = next((h for h in pop.handoffs if h.town == town_name), None)
    if h is None or h.prefix.prefixlen not in (30, 31):
        return None
    base = int(h.prefix.network_address)
    first = base if h.prefix.prefixlen == 31 else base + 1
    plen = h.prefix.prefixlen
    return HandoffAddr(pop, h.prefix, IPv4Interface((first, plen)), IPv4Interface((first + 1, plen)))


def ifname(topo: Topology, alloc: Allocation, device: str, seg: Segment) -> str:
    """The logical interface name of `device` on `seg`."""
    if seg.kind == "handoff":
        return "nofbi0"
    if topo.parent.get(device) == seg.id:
        return "up0"
    if seg.kind == "sector" and seg.sector is not None:
        return f"sec-{seg.sector.name}"
    port = alloc.towns[seg.town].ports.get(device, {}).get(seg.id, 0)
    return f"dn{port}"


def sector_ssid(base_station: str, sector: str) -> str:
    """The SSID a sector broadcasts and its stations join: <base station>-<sector>, at most 32 bytes."""
    return f"{base_station}-{sector}"[:32]


def ptp_ssid(link: str) -> str:
    """The SSID of a PtP link's radios (on the radios themselves, not in a router's config): the link name."""
    return link[:32]


def segment_address(
    inv: Inventory, topo: Topology, alloc: Allocation, device: str, seg: Segment
) -> IPv4Interface | None:
    ta = alloc.towns.get(seg.town)
    if ta is None:
        return None
    if seg.kind == "handoff":
        h = handoff(inv, seg.town)
        return h.hub_ip if h else None
    if seg.kind in ("fibre", "ptp"):
        net = ta.links.get(seg.id)
        if net is None or device not in seg.members:
            return None
        return IPv4Interface((int(net.network_address) + seg.members.index(device), net.prefixlen))
    if seg.kind == "sector":
        net = ta.sectors.get(seg.id.removeprefix("sector:"))
        if net is None:
            return None
        if device == seg.members[0]:
            return IPv4Interface((int(net.network_address) + 1, net.prefixlen))
        addr = ta.stations.get(device)
        return IPv4Interface((int(addr), net.prefixlen)) if addr else None
    return None


def lan_gateway(alloc: Allocation, town: str, site: str, lan: str) -> IPv4Interface | None:
    net = alloc.towns[town].lans.get(f"{site}/{lan}")
    return IPv4Interface((int(net.network_address) + 1, net.prefixlen)) if net else None


def loopback(alloc: Allocation, town: str, device: str) -> IPv4Interface | None:
    net = alloc.towns[town].loopbacks.get(device)
    return IPv4Interface(net) if net else None


def management(inv: Inventory, alloc: Allocation, town: str, device: str) -> IPv4Interface | None:
    t = inv.town(town)
    addr = alloc.towns[town].management.get(device)
    return IPv4Interface((int(addr), t.management.prefixlen)) if addr and t else None
