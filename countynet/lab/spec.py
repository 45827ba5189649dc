"""What a lab contains, as plain data: the inventory adapter produces it, the lab only consumes it.

Kept free of the inventory model so the lab can be built (and tested) from a hand-written spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from countynet.errors import CountynetError

IFNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,14}$")
NODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
LAB_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{0,31}$")
RESERVED_IFNAMES = {"lo", "mgmt0"}
# What every lab router runs (the stand-in for any field platform): a platform row name.
LAB_PLATFORM = "frr"
# The FRR daemons a lab router runs unless its spec names fewer (only what its config needs).
ROUTER_DAEMONS = ("zebra", "staticd", "ospfd", "bgpd")


@dataclass(frozen=True)
class Shaping:
    """Radio link quality to emulate. loss_pct is the round-trip loss ping sees; delay is not emulated."""

    rate_mbit: float | None = None
    loss_pct: float = 0.0
    delay_ms: float = 0.0


@dataclass
class RouterNode:
    """A deploy target: bare FRR + sshd on the management network; stand_in_for names the real platform."""

    name: str
    mgmt: IPv4Interface
    stand_in_for: str | None = None
    daemons: tuple[str, ...] = ROUTER_DAEMONS  # zebra first; a daemon not started costs no memory or CPU


@dataclass
class PopNode:
    """An emulated NOFBI PoP: eBGP peer announcing the shared-services prefixes and answering on their ports."""

    name: str
    asn: int
    interfaces: dict[str, IPv4Interface] = field(default_factory=dict)
    bgp_neighbors: list[tuple[IPv4Address, int]] = field(default_factory=list)
    announce: list[IPv4Network] = field(default_factory=list)
    services: list[tuple[IPv4Address, list[int]]] = field(default_factory=list)


@dataclass
class HostNode:
    """An agency-LAN host: a plain namespace with an address and a default route."""

    name: str
    interfaces: dict[str, IPv4Interface] = field(default_factory=dict)
    gateway: IPv4Address | None = None


Node = RouterNode | PopNode | HostNode


@dataclass
class Link:
    """A point-to-point veth pair between two nodes' interfaces."""

    id: str
    a: tuple[str, str]
    b: tuple[str, str]
    shaping: Shaping | None = None


@dataclass
class Segment:
    """A point-to-multipoint sector: a bridge named `owner[1]` in the owner's namespace, one veth per member."""

    id: str
    owner: tuple[str, str]
    members: list[tuple[str, str, Shaping | None]] = field(default_factory=list)


@dataclass
class LabSpec:
    """Everything the lab builds; mgmt_gateways are the host's addresses on the management bridge."""

    name: str
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    mgmt_gateways: list[IPv4Interface] = field(default_factory=list)

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    @property
    def routers(self) -> list[RouterNode]:
        return [n for n in self.nodes if isinstance(n, RouterNode)]

    def validate(self) -> None:
        """Refuse a spec the kernel would reject half-way (bad names, duplicates, unreachable mgmt)."""
        if not LAB_NAME_RE.match(self.name):
            raise CountynetError(f"lab name {self.name!r} is invalid", "use 1-32 chars of a-z, 0-9 and '-'")
        names: set[str] = set()
        for n in self.nodes:
            if not NODE_RE.match(n.name) or n.name in names:
                raise CountynetError(f"lab node name {n.name!r} is invalid or duplicated")
            names.add(n.name)
        used: set[tuple[str, str]] = set()

        def claim(node: str, ifname: str, what: str) -> None:
            if node not in names:
                raise CountynetError(f"{what} refers to unknown node {node!r}")
            if not IFNAME_RE.match(ifname) or ifname in RESERVED_IFNAMES:
                raise CountynetError(f"{what}: interface name {ifname!r} is invalid", "1-15 chars, not lo/mgmt0")
            if (node, ifname) in used:
                raise CountynetError(f"{what}: interface {node}:{ifname} is used twice")
            used.add((node, ifname))

        for link in self.links:
            claim(*link.a, f"link {link.id}")
            claim(*link.b, f"link {link.id}")
        for seg in self.segments:
            claim(*seg.owner, f"segment {seg.id}")
            for node, ifname, _ in seg.members:
                claim(node, ifname, f"segment {seg.id}")
        for n in self.nodes:
            if isinstance(n, PopNode | HostNode):
                for ifname in n.interfaces:
                    if (n.name, ifname) not in used:
                        raise CountynetError(f"node {n.name}: interface {ifname} is on no link or segment")
        gw_nets = [g.network for g in self.mgmt_gateways]
        mgmt_ips: set[IPv4Address] = set()
        for r in self.routers:
            if not any(r.mgmt.ip in net for net in gw_nets):
                raise CountynetError(f"router {r.name}: mgmt {r.mgmt} is outside every mgmt gateway subnet")
            if r.mgmt.ip in mgmt_ips or r.mgmt.ip in {g.ip for g in self.mgmt_gateways}:
                raise CountynetError(f"router {r.name}: mgmt address {r.mgmt.ip} is used twice")
            mgmt_ips.add(r.mgmt.ip)
