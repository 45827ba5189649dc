"""The normal form every platform's normalizer parses its rendered config back into.

A normal form is a flat `{item: value}` map of plain strings, so two platforms' configs compare
with `==` and a difference names its item ("ospf up0", "bgp neighbor 10.254.0.4 accepts",
"service lan-staff ifmis"). Item keys use logical interface names (the platform's names mapped
back through its interface mapping) and every value is spelled one way for all platforms
(prefixes as `a.b.c.d/len`, OSPF timers with their defaults filled in). The first word of a key
is its class; a platform row's `outside_config` lists the items (keys, or key prefixes ending in
a space) its config does not carry, such as FRR's management address that the host OS owns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

# platform interface name -> (logical name, role); built from the device's intent
Names = Mapping[str, tuple[str, str]]
Items = dict[str, str]

CLASSES = ("hostname", "interface", "ospf", "bgp", "static", "service", "acl", "management", "wireless", "qos")

OSPF_HELLO_DEFAULT = 10
OSPF_PRIORITY_DEFAULT = 1


_WORD = re.compile(r'(?:[^\s"]|"(?:[^"\\]|\\.)*")+')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")


def words(line: str) -> list[str]:
    """A line split into words, double-quoted parts kept whole and unquoted (`a="b c"` -> `a=b c`).

    What shlex does for these configs, 20x faster (shlex was most of the check's time).
    """
    return [_QUOTED.sub(lambda m: _ESCAPE.sub(r"\1", m.group(1)), w) if '"' in w else w for w in _WORD.findall(line)]


def logical(names: Names, name: str) -> str:
    """The logical name of a platform interface; an unknown name stays visible as `?name`."""
    hit = names.get(name)
    return hit[0] if hit else f"?{name}"


def role(names: Names, name: str) -> str:
    hit = names.get(name)
    return hit[1] if hit else "unknown"


def interface_item(names: Names, name: str, addresses: list[str]) -> tuple[str, str]:
    """`interface <logical>` = `<role> <addresses>`; the management port is `management address`."""
    if role(names, name) == "management":
        return "management address", f"{logical(names, name)} {', '.join(addresses)}"
    return f"interface {logical(names, name)}", f"{role(names, name)} {', '.join(addresses)}"


@lru_cache(maxsize=65536)
def prefix(address: str, mask: str | None = None) -> str:
    """`10.1.0.0` + `255.255.0.0` or `0.0.255.255` (wildcard), or `10.1.0.0/16` -> `10.1.0.0/16`."""
    if mask is None:
        return str(IPv4Network(address, strict=False))
    if mask.startswith("0."):  # IOS wildcard
        mask = str(IPv4Address(int(IPv4Address(mask)) ^ 0xFFFFFFFF))
    return str(IPv4Network(f"{address}/{mask}", strict=False))


@lru_cache(maxsize=65536)
def host(address: str, mask: str | None = None) -> str:
    """An interface address as `ip/len`."""
    return str(IPv4Interface(f"{address}/{mask}" if mask else address))


@lru_cache(maxsize=65536)
def area(value: str) -> str:
    """OSPF area `0` or `0.0.0.0` -> `0.0.0.0`."""
    return str(IPv4Address(int(value))) if value.isdigit() else str(IPv4Address(value))


@dataclass
class OspfIf:
    """One interface's OSPF settings as a platform states them (None: the platform default)."""

    area: str = ""
    passive: bool = False
    network: str | None = None
    priority: int | None = None
    hello: int | None = None
    dead: int | None = None

    def value(self, default_network: str = "broadcast") -> str:
        if self.passive:
            return f"area {area(self.area)} passive"
        hello = self.hello or OSPF_HELLO_DEFAULT
        prio = OSPF_PRIORITY_DEFAULT if self.priority is None else self.priority
        return (
            f"area {area(self.area)} {self.network or default_network} priority {prio} "
            f"hello {hello} dead {self.dead or 4 * hello}"
        )


@dataclass
class Neighbor:
    remote_as: str = ""
    keepalive: int | None = None
    hold: int | None = None
    active: bool = False
    policy_in: str | None = None
    policy_out: str | None = None


@dataclass
class Policy:
    """Prefix lists and route maps (or RouterOS filter chains) reduced to what they let through."""

    prefix_lists: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name -> [(action, prefix)]
    route_maps: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # name -> [(action, plist)]
    chains: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # name -> [(action, prefix|None)]

    def permitted(self, name: str | None) -> list[str]:
        """Exact prefixes `name` accepts (route map over prefix lists, or a filter chain)."""
        if not name:
            return []
        out: list[str] = []
        for action, plist in self.route_maps.get(name, []):
            if action == "permit" and plist:
                out += [p for a, p in self.prefix_lists.get(plist, []) if a == "permit"]
        for action, p in self.chains.get(name, []):
            if action == "accept" and p:
                out.append(p)
        return sorted(set(out), key=lambda p: IPv4Network(p))


def joined(prefixes: Iterable[str]) -> str:
    return ", ".join(sorted(set(prefixes), key=lambda p: IPv4Network(p))) or "none"


def bgp_items(asn: str, router_id: str, neighbors: Mapping[str, Neighbor], networks: Iterable[str], pol: Policy) -> Items:
    """The BGP items: ASN, router id, per neighbour its session and what it accepts and announces."""
    items = {"bgp asn": asn, "bgp router-id": router_id}
    nets = set(networks)
    for addr, n in neighbors.items():
        items[f"bgp neighbor {addr}"] = (
            f"remote-as {n.remote_as} keepalive {n.keepalive} hold {n.hold}" + ("" if n.active else " not activated")
        )
        items[f"bgp neighbor {addr} accepts"] = joined(pol.permitted(n.policy_in))
        items[f"bgp neighbor {addr} announces"] = joined(p for p in pol.permitted(n.policy_out) if p in nets)
    return items


@dataclass
class AclRule:
    """One filter rule, one port per rule (IOS prints a line per port, nft and RouterOS a set)."""

    action: str  # permit | deny
    protocol: str  # ip | icmp | tcp | udp
    destination: str | None
    port: str | None
    remark: str

    def text(self) -> str:
        dst = self.destination or "any"
        return f"{self.action} {self.protocol} {dst}" + (f" port {self.port}" if self.port else "")


def acl_items(iface: str, rules: list[AclRule], stateful: bool) -> Items:
    """Per-service items for one interface's ingress filter, plus the order of the services."""
    items: Items = {}
    order: list[str] = []
    for r in rules:
        key = f"service {iface} {r.remark}"
        items[key] = f"{items[key]}; {r.text()}" if key in items else r.text()
        if not order or order[-1] != r.remark:
            order.append(r.remark)
    items[f"acl {iface}"] = ("stateful: " if stateful else "stateless: ") + ", ".join(order)
    return items


def management_value(port: str, subnets: list[str], closed: bool) -> str:
    """Who may reach the SSH port; `closed` when everyone else is dropped."""
    return f"ssh port {port} from {', '.join(subnets)}" + ("" if closed else ", open to all others")


def wireless_value(mode: str, ssid: str, mhz: str, width: str, tx: str, security: str) -> str:
    return f"{mode} ssid {ssid} {mhz} MHz width {width} MHz tx {tx} dBm {security}"


def number(value: object) -> str:
    """`14`, `14.0`, `"14"` -> `14`; `12.5` stays."""
    f = float(str(value))
    return str(int(f)) if f.is_integer() else str(f)
