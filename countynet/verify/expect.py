"""What the network must show, derived from the model: no hand-written test lists.

Per device: interfaces with their planned addresses, an OSPF adjacency on every planned
internal link, the hub's BGP session to its NOFBI PoP with the service prefixes received and
the aggregate advertised, a route to every shared-service prefix. Per agency site, from
inside its LAN: the NOFBI gateway answers ping within the planned loss/latency, every service
the site uses accepts a TCP connection, and every service it does not use refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from countynet.allocate.addressing import handoff, ifname, lan_gateway, segment_address
from countynet.allocate.allocator import Allocation
from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Topology, site_lans, site_services


@dataclass
class DeviceExpect:
    device: str
    town: str
    role: str
    platform: str
    interfaces: dict[str, str] = field(default_factory=dict)  # ifname -> address/len
    ospf: dict[str, list[str]] = field(default_factory=dict)  # ifname -> neighbour interface addresses
    bgp_peer: str | None = None
    bgp_remote_as: int | None = None
    bgp_min_received: int = 0
    routes: list[str] = field(default_factory=list)


@dataclass
class ServiceTarget:
    service: str
    address: str
    port: int


@dataclass
class SiteExpect:
    site: str
    town: str
    lan_host: str  # lab node standing for a machine inside the agency LAN
    gateway: str  # the NOFBI PoP address on the town's handoff
    allowed: list[ServiceTarget] = field(default_factory=list)
    denied: list[ServiceTarget] = field(default_factory=list)
    max_loss_pct: float = 10.0
    max_rtt_ms: float = 100.0
    radio: bool = False


def lan_host_name(site: str) -> str:
    return f"{site}-lan"


def expectations(
    inv: Inventory, topo: Topology, alloc: Allocation, devices: set[str] | None = None
) -> tuple[list[DeviceExpect], list[SiteExpect]]:
    devs: list[DeviceExpect] = []
    sites: list[SiteExpect] = []
    services = inv.network.services
    for dev in sorted(topo.devices.values(), key=lambda d: d.name):
        if devices is not None and dev.name not in devices:
            continue
        h = handoff(inv, dev.town)
        carried = [s for s in (h.pop.services if h else []) if s in services]
        e = DeviceExpect(dev.name, dev.town, dev.role, dev.platform)
        e.routes = sorted(str(p) for s in carried for p in services[s].prefixes)
        if dev.name not in topo.depth:
            e.routes = []  # unreachable devices are reported by validate, not re-failed here
        for seg in topo.segments_of(dev.name):
            name = ifname(topo, alloc, dev.name, seg)
            addr = segment_address(inv, topo, alloc, dev.name, seg)
            if addr is not None:
                e.interfaces[name] = str(addr)
            if seg.kind == "handoff":
                if h:
                    e.bgp_peer, e.bgp_remote_as = str(h.pop_ip.ip), h.pop.asn
                    e.bgp_min_received = sum(len(services[s].prefixes) for s in carried)
                continue
            if seg.kind == "sector" and dev.name != seg.members[0]:
                peers = [seg.members[0]]
            else:
                peers = [m for m in seg.members if m != dev.name]
            addrs = [segment_address(inv, topo, alloc, p, seg) for p in peers]
            e.ospf[name] = sorted(str(a.ip) for a in addrs if a is not None)
        if dev.role == "agency":
            town, site = topo.sites[dev.name]
            for lan in site_lans(inv, site):
                gw = lan_gateway(alloc, town.name, site.name, lan.name)
                if gw is not None:
                    e.interfaces[f"lan-{lan.name}"] = str(gw)
            if h is not None and dev.name in topo.depth:
                used = set(site_services(inv, site))
                s_exp = SiteExpect(dev.name, dev.town, lan_host_name(dev.name), str(h.pop_ip.ip))
                for name in sorted(carried):
                    svc = services[name]
                    targets = [ServiceTarget(name, str(svc.address), port) for port in svc.ports]
                    (s_exp.allowed if name in used else s_exp.denied).extend(targets)
                s_exp.radio = site.connect.sector is not None or site.connect.link is not None
                s_exp.max_rtt_ms = 50.0 + 10.0 * topo.depth.get(dev.name, 1)
                sites.append(s_exp)
        devs.append(e)
    return devs, sites
