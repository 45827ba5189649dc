"""Stable addressing: assign from each town's pools against the committed lock file.

What is in the lock stays where it is, so adding a site never renumbers another; entries of
objects that left the inventory stay reserved until `--release`. The aggregate of a town is
cut into fixed blocks so that a reviewer can read an address and know what it is:

    offset 0 /24  loopbacks (/32)      offset 1 /24  point-to-point links (/31)
    offset 2 /23  radio sectors         offset 4..   agency LANs (sized from users)
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, ip_address, ip_network
from typing import Any

from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Topology, lan_users, site_lans

LOCK_VERSION = 1
MGMT_FIRST_HOST = 10  # .1 is the management gateway, .2-.9 stay free for tooling
CATEGORIES = ("loopbacks", "links", "sectors", "stations", "lans", "management", "ports")


@dataclass
class Shortage:
    """A pool that could not satisfy a request; reported by rule CN2xx."""

    town: str
    pool: str
    key: str
    size: int


@dataclass
class TownAlloc:
    loopbacks: dict[str, IPv4Network] = field(default_factory=dict)
    links: dict[str, IPv4Network] = field(default_factory=dict)
    sectors: dict[str, IPv4Network] = field(default_factory=dict)
    stations: dict[str, IPv4Address] = field(default_factory=dict)
    lans: dict[str, IPv4Network] = field(default_factory=dict)
    management: dict[str, IPv4Address] = field(default_factory=dict)
    ports: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Allocation:
    towns: dict[str, TownAlloc] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.moved or self.released)

    def to_lock(self) -> dict[str, Any]:
        towns: dict[str, Any] = {}
        for name, ta in sorted(self.towns.items()):
            towns[name] = {
                "loopbacks": {k: str(v) for k, v in sorted(ta.loopbacks.items())},
                "links": {k: str(v) for k, v in sorted(ta.links.items())},
                "sectors": {k: str(v) for k, v in sorted(ta.sectors.items())},
                "stations": {k: str(v) for k, v in sorted(ta.stations.items())},
                "lans": {k: str(v) for k, v in sorted(ta.lans.items())},
                "management": {k: str(v) for k, v in sorted(ta.management.items())},
                "ports": {d: dict(sorted(p.items())) for d, p in sorted(ta.ports.items())},
            }
        return {"version": LOCK_VERSION, "towns": towns}


def prefix_for(hosts: int, smallest: int = 29) -> int:
    """Prefix length holding `hosts` usable addresses (network and broadcast excluded)."""
    return min(smallest, 32 - math.ceil(math.log2(hosts + 2)))


def lan_prefix(users: int, per_user: float) -> int:
    return prefix_for(math.ceil(users * per_user) + 1)  # +1: the gateway


def sector_prefix(clients: int) -> int:
    return prefix_for(clients + 1)  # +1: the base station


class _Pool:
    """First-fit allocator over one block, tracking used ranges as integer intervals.

    `used` may be appended to directly (reserved ranges); a sorted copy is kept alongside so
    that `free` is a binary search instead of a scan (the lock re-takes every entry it holds).
    """

    def __init__(self, block: IPv4Network, reserve_first: bool = False) -> None:
        self.block = block
        self._lo, self._hi = int(block.network_address), int(block.broadcast_address)
        first = self._lo
        self.used: list[tuple[int, int]] = [(first, first)] if reserve_first else []
        self._sorted: list[tuple[int, int]] = []
        self._synced = -1  # len(used) when _sorted was last rebuilt; -1: never
        self._disjoint = True

    def _ordered(self) -> list[tuple[int, int]]:
        if self._synced != len(self.used):
            self._sorted = sorted(self.used)
            self._synced = len(self.used)
            self._disjoint = all(a[1] < b[0] for a, b in zip(self._sorted, self._sorted[1:], strict=False))
        return self._sorted

    def _add(self, start: int, end: int) -> None:
        ordered = self._ordered()
        self.used.append((start, end))
        bisect.insort(ordered, (start, end))
        self._synced = len(self.used)  # the new range is free, so the list stays disjoint

    def contains(self, net: IPv4Network) -> bool:
        return net.subnet_of(self.block)

    def free(self, start: int, end: int) -> bool:
        ordered = self._ordered()
        if not self._disjoint:
            return all(end < a or start > b for a, b in self.used)
        i = bisect.bisect_right(ordered, (end, 1 << 33))  # ranges starting at or before `end`
        return i == 0 or ordered[i - 1][1] < start

    def take(self, net: IPv4Network) -> bool:
        s, e = int(net.network_address), int(net.broadcast_address)
        if not (self._lo <= s and e <= self._hi) or not self.free(s, e):
            return False
        self._add(s, e)
        return True

    def next(self, prefixlen: int) -> IPv4Network | None:
        size = 1 << (32 - prefixlen)
        start, last = self._lo, self._hi
        cur = start
        for a, b in self._ordered():
            if b < cur:
                continue
            while cur + size - 1 < a:
                if cur + size - 1 <= last:
                    return self._claim(cur, prefixlen)
                return None
            cur = max(cur, ((b + 1 + size - 1) // size) * size)
        if cur + size - 1 <= last:
            return self._claim(cur, prefixlen)
        return None

    def _claim(self, start: int, prefixlen: int) -> IPv4Network:
        net = IPv4Network((start, prefixlen))
        self._add(start, int(net.broadcast_address))
        return net


def town_blocks(aggregate: IPv4Network) -> dict[str, IPv4Network] | None:
    """The fixed layout of a town aggregate; None when it is smaller than a /21."""
    if aggregate.prefixlen > 21:
        return None
    base = int(aggregate.network_address)
    return {
        "loopbacks": IPv4Network((base, 24)),
        "links": IPv4Network((base + 256, 24)),
        "sectors": IPv4Network((base + 512, 23)),
    }  # agency LANs: the rest of the aggregate, from offset 4


def _lans_pool(aggregate: IPv4Network) -> _Pool:
    pool = _Pool(aggregate)
    base = int(aggregate.network_address)
    pool.used.append((base, base + 1023))  # the first four /24s belong to the other blocks
    return pool


def _parse_net(value: Any) -> IPv4Network | None:
    try:
        net = ip_network(str(value), strict=True)
    except ValueError:
        return None
    return net if isinstance(net, IPv4Network) else None


def _parse_addr(value: Any) -> IPv4Address | None:
    try:
        addr = ip_address(str(value))
    except ValueError:
        return None
    return addr if isinstance(addr, IPv4Address) else None


def _wanted(inv: Inventory, topo: Topology) -> dict[str, dict[str, dict[str, int]]]:
    """Per town and category: key -> prefix length (or 32 for single addresses)."""
    per_user = inv.network.defaults.addresses_per_user
    out: dict[str, dict[str, dict[str, int]]] = {t.name: {c: {} for c in CATEGORIES} for t in inv.towns}
    for dev in topo.devices.values():
        w = out[dev.town]
        w["loopbacks"][dev.name] = 32
        w["management"][dev.name] = 32
    for seg in topo.segments.values():
        w = out[seg.town]
        if seg.kind in ("fibre", "ptp"):
            w["links"][seg.id] = 31
        elif seg.kind == "sector" and seg.sector is not None:
            key = seg.id.removeprefix("sector:")
            model = inv.network.radio_models.get(seg.sector.radio_model)
            clients = seg.sector.max_clients or (model.max_clients if model and model.max_clients else 30)
            w["sectors"][key] = sector_prefix(max(clients, len(seg.members) - 1))
            for station in seg.members[1:]:
                w["stations"][station] = 32
    for name, (town, site) in topo.sites.items():
        for lan in site_lans(inv, site):
            out[town.name]["lans"][f"{name}/{lan.name}"] = lan_prefix(lan_users(inv, site, lan), per_user)
    return out


def allocate(inv: Inventory, topo: Topology, release: bool = False) -> Allocation:
    """Assign every address the inventory needs, keeping what the lock already holds."""
    lock_towns = inv.lock.get("towns", {}) if isinstance(inv.lock, dict) else {}
    if not isinstance(lock_towns, dict):
        lock_towns = {}
    wanted = _wanted(inv, topo)
    result = Allocation()
    for town in inv.towns:
        old = lock_towns.get(town.name) or {}
        if not isinstance(old, dict):
            old = {}
        result.towns[town.name] = _allocate_town(
            town.name, town.aggregate, town.management, wanted[town.name], old, topo, release, result
        )
    return result


def _old(old: dict[str, Any], cat: str) -> dict[str, Any]:
    val = old.get(cat) or {}
    return val if isinstance(val, dict) else {}


def _allocate_town(
    town: str,
    aggregate: IPv4Network,
    management: IPv4Network,
    wanted: dict[str, dict[str, int]],
    old: dict[str, Any],
    topo: Topology,
    release: bool,
    result: Allocation,
) -> TownAlloc:
    ta = TownAlloc()
    blocks = town_blocks(aggregate)
    if blocks is None:
        result.shortages.append(Shortage(town, "aggregate", "layout", 21))
        return ta
    mgmt = _Pool(management)
    base = int(management.network_address)
    mgmt.used.append((base, base + MGMT_FIRST_HOST - 1))
    mgmt.used.append((int(management.broadcast_address), int(management.broadcast_address)))
    cat = _Categories(town, wanted, old, release, result)
    cat.networks("loopbacks", ta.loopbacks, _Pool(blocks["loopbacks"], reserve_first=True))
    cat.networks("links", ta.links, _Pool(blocks["links"]))
    cat.networks("sectors", ta.sectors, _Pool(blocks["sectors"]))
    cat.networks("lans", ta.lans, _lans_pool(aggregate))
    cat.addresses("management", ta.management, lambda _k, _a=None: mgmt)
    cat.addresses("stations", ta.stations, _station_pools(topo, ta))
    ta.ports = _ports(town, topo, _old(old, "ports"), release, result)
    return ta


@dataclass
class _Categories:
    """One town's categories of the lock: keep what the lock holds where it still fits, then allocate
    first-fit what is new; what is gone is released only with --release."""

    town: str
    wanted: dict[str, dict[str, int]]
    old: dict[str, Any]
    release: bool
    result: Allocation

    def networks(self, cat: str, store: dict[str, IPv4Network], pool: _Pool) -> None:
        want, previous, result = self.wanted[cat], _old(self.old, cat), self.result
        for key in sorted(previous):  # keep what the lock holds, if it still fits
            net = _parse_net(previous[key])
            if key not in want:
                if self.release or net is None:
                    result.released.append(f"{self.town} {cat} {key} {previous[key]}")
                    continue
                if pool.take(net):
                    store[key] = net
                continue
            if net is not None and net.prefixlen <= want[key] and pool.take(net):
                store[key] = net
        for key in sorted(want):
            if key in store:
                continue
            net = pool.next(want[key])
            if net is None:
                result.shortages.append(Shortage(self.town, cat, key, want[key]))
                continue
            store[key] = net
            (result.moved if key in previous else result.added).append(f"{self.town} {cat} {key} {net}")

    def addresses(self, cat: str, store: dict[str, IPv4Address], pool_for: Any) -> None:
        want, previous, result = self.wanted[cat], _old(self.old, cat), self.result
        for key in sorted(previous):
            addr = _parse_addr(previous[key])
            pool = pool_for(key, addr)
            if key not in want and (self.release or addr is None):
                result.released.append(f"{self.town} {cat} {key} {previous[key]}")
                continue
            if addr is not None and pool is not None and pool.take(IPv4Network(addr)):
                store[key] = addr
        for key in sorted(want):
            if key in store:
                continue
            pool = pool_for(key)
            if pool is None:
                continue
            net = pool.next(32)
            if net is None:
                result.shortages.append(Shortage(self.town, cat, key, 32))
                continue
            store[key] = net.network_address
            (result.moved if key in previous else result.added).append(
                f"{self.town} {cat} {key} {net.network_address}"
            )


def _station_pools(topo: Topology, ta: TownAlloc) -> Any:
    """Station addresses come from their sector's subnet (the base station holds the first)."""
    pools: dict[str, _Pool] = {}
    for key, net in ta.sectors.items():
        pool = _Pool(net)
        first = int(net.network_address)
        pool.used += [(first, first + 1), (int(net.broadcast_address), int(net.broadcast_address))]
        pools[key] = pool

    def pool_for(site: str, addr: IPv4Address | None = None) -> _Pool | None:
        seg_id = topo.parent.get(site) or ""
        if not seg_id.startswith("sector:"):
            seg = next((s for s in topo.segments_of(site) if s.kind == "sector"), None)
            seg_id = seg.id if seg else ""
        pool = pools.get(seg_id.removeprefix("sector:"))
        if pool is None and addr is not None:  # a removed site: keep its address reserved in its sector
            pool = next((p for p in pools.values() if addr in p.block), None)
        return pool

    return pool_for


def _ports(
    town: str, topo: Topology, old: dict[str, Any], release: bool, result: Allocation
) -> dict[str, dict[str, int]]:
    """Stable downlink port numbers per device, so interface names never shuffle."""
    out: dict[str, dict[str, int]] = {}
    for dev in sorted(d.name for d in topo.devices.values() if d.town == town):
        want = [s.id for s in topo.segments_of(dev) if s.kind in ("fibre", "ptp") and topo.parent.get(dev) != s.id]
        found = old.get(dev)
        prev: dict[str, Any] = found if isinstance(found, dict) else {}
        ports: dict[str, int] = {}
        used: set[int] = set()
        for seg_id, num in sorted(prev.items()):
            if isinstance(num, int) and 0 < num < 1000 and num not in used and (seg_id in want or not release):
                ports[seg_id] = num
                used.add(num)
        nxt = 1
        for seg_id in sorted(want):
            if seg_id in ports:
                continue
            while nxt in used:
                nxt += 1
            ports[seg_id] = nxt
            used.add(nxt)
            result.added.append(f"{town} ports {dev} {seg_id} {nxt}")
        if ports:
            out[dev] = ports
    return out


def lock_is_current(inv: Inventory, alloc: Allocation) -> bool:
    """True when writing the lock would change nothing."""
    return inv.lock == alloc.to_lock()


def interface(net: IPv4Network, index: int) -> IPv4Interface:
    """The `index`-th address of `net` with the net's prefix length (0 = network address)."""
    return IPv4Interface((int(net.network_address) + index, net.prefixlen))
