"""CN2xx: address plan, allocation against the lock, and VLANs.

Overlaps are checked pairwise on the prefixes people wrote; the allocator's own view
(shortages, moves, a stale lock) comes from `ctx.alloc`, computed once per run.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network

from countynet.allocate.allocator import lock_is_current
from countynet.checks.registry import Issue, rule
from countynet.checks.rules._common import lock_file, lock_pos, nodes, plural
from countynet.errors import Pos
from countynet.inventory.topology import lan_vlan
from countynet.model import Model

MIN_AGGREGATE = 21  # allocator.town_blocks: loopbacks /24 + links /24 + sectors /23 + LANs


def _pairs(
    items: list[tuple[str, IPv4Network, Pos | None]],
) -> Iterator[tuple[tuple[str, IPv4Network, Pos | None], ...]]:
    for i, later in enumerate(items):
        for earlier in items[:i]:
            if later[1].overlaps(earlier[1]):
                yield earlier, later


@rule("CN201", "aggregate-overlap", "error", "two towns' aggregates overlap")
def aggregate_overlap(ctx: Model) -> Iterator[Issue]:
    """Each town announces its aggregate to NOFBI; two overlapping aggregates send one town's traffic to the other and
    break routing to both."""
    items = [(t.name, t.aggregate, t.pos_of("aggregate")) for t in ctx.inv.towns]
    for (name1, net1, pos1), (name2, net2, pos2) in _pairs(items):
        yield Issue(
            pos2,
            f"town '{name2}' aggregate {net2} overlaps town '{name1}' aggregate {net1} ({pos1})",
            f"pick a free block from pools.aggregates {ctx.inv.network.pools.aggregates} for one of them",
        )


@rule("CN202", "aggregate-outside-pool", "error", "a town aggregate is not inside pools.aggregates")
def aggregate_outside_pool(ctx: Model) -> Iterator[Issue]:
    """Town aggregates must come from the network's pools so NOFBI filters and shared-service ACLs admit them; an
    aggregate outside the pool is unreachable from shared services."""
    pool = ctx.inv.network.pools.aggregates
    for t in ctx.inv.towns:
        if not t.aggregate.subnet_of(pool):
            yield Issue(
                t.pos_of("aggregate"),
                f"town '{t.name}' aggregate {t.aggregate} is outside pools.aggregates {pool}",
                f"carve the aggregate from {pool}, or widen pools.aggregates in network.yml",
            )


@rule("CN203", "management-outside-pool", "error", "a town management subnet is not inside pools.management")
def management_outside_pool(ctx: Model) -> Iterator[Issue]:
    """Management ACLs admit SSH only from the management pool; a town management subnet outside it locks the operators
    out of the town's devices."""
    pool = ctx.inv.network.pools.management
    for t in ctx.inv.towns:
        if not t.management.subnet_of(pool):
            yield Issue(
                t.pos_of("management"),
                f"town '{t.name}' management {t.management} is outside pools.management {pool}",
                f"carve the management subnet from {pool}, or widen pools.management in network.yml",
            )


@rule("CN204", "management-overlap", "error", "management subnets overlap each other or a town aggregate")
def management_overlap(ctx: Model) -> Iterator[Issue]:
    """A management subnet that overlaps another or a town aggregate makes management addresses ambiguous, so SSH and
    SNMP reach the wrong device or none."""
    towns = ctx.inv.towns
    items = [(t.name, t.management, t.pos_of("management")) for t in towns]
    for (name1, net1, pos1), (name2, net2, pos2) in _pairs(items):
        yield Issue(
            pos2,
            f"town '{name2}' management {net2} overlaps town '{name1}' management {net1} ({pos1})",
            "give each town its own management subnet (one /24 per town)",
        )
    for t in towns:
        for other in towns:
            if t.management.overlaps(other.aggregate):
                whose = "its own aggregate" if other is t else f"town '{other.name}' aggregate"
                yield Issue(
                    t.pos_of("management"),
                    f"town '{t.name}' management {t.management} overlaps {whose} {other.aggregate}",
                    "management is out-of-band: take it from pools.management, apart from the aggregates",
                )


def _external(ctx: Model) -> list[tuple[str, IPv4Network, Pos | None]]:
    """Prefixes that belong to others: shared services and NOFBI handoffs."""
    out = []
    for name, svc in ctx.inv.network.services.items():
        out += [(f"service '{name}' prefix", p, svc.pos_of("prefixes", i)) for i, p in enumerate(svc.prefixes)]
    for pop in ctx.inv.nofbi.pops:
        out += [(f"PoP '{pop.name}' handoff for '{h.town}'", h.prefix, h.pos_of("prefix")) for h in pop.handoffs]
    return out


@rule("CN205", "external-overlap", "error", "a town prefix overlaps a shared-service or NOFBI handoff prefix")
def external_overlap(ctx: Model) -> Iterator[Issue]:
    """A town prefix that overlaps a shared-service or NOFBI handoff prefix shadows that route, so the town loses IFMIS
    or its own NOFBI uplink."""
    ext = _external(ctx)
    for t in ctx.inv.towns:
        for key in ("aggregate", "management"):
            net = getattr(t, key)
            for what, prefix, pos in ext:
                if net.overlaps(prefix):
                    yield Issue(
                        t.pos_of(key),
                        f"town '{t.name}' {key} {net} overlaps {what} {prefix} ({pos})",
                        "routes to that prefix would be shadowed; choose a block that does not overlap it",
                    )


@rule("CN206", "handoff-size", "error", "a NOFBI handoff prefix is not a /30 or /31")
def handoff_size(ctx: Model) -> Iterator[Issue]:
    """A NOFBI handoff is a point-to-point link; the hub and PoP addresses are derived as the two hosts of a /30 or /31,
    any other size renders wrong peer addresses."""
    for pop in ctx.inv.nofbi.pops:
        for h in pop.handoffs:
            if h.prefix.prefixlen not in (30, 31):
                yield Issue(
                    h.pos_of("prefix"),
                    f"PoP '{pop.name}' handoff for '{h.town}' is {h.prefix}, not a /30 or /31",
                    "copy the point-to-point /30 or /31 that NOFBI assigned for this town",
                )


@rule("CN207", "duplicate-handoff", "error", "two NOFBI handoff prefixes are the same or overlap")
def duplicate_handoff(ctx: Model) -> Iterator[Issue]:
    """Two identical or overlapping handoff prefixes give two hubs the same uplink addresses, so one town's BGP session
    to NOFBI never establishes."""
    items = [
        (f"PoP '{p.name}' handoff for '{h.town}'", h.prefix, h.pos_of("prefix"))
        for p in ctx.inv.nofbi.pops
        for h in p.handoffs
    ]
    for (what1, net1, pos1), (what2, net2, pos2) in _pairs(items):
        same = "is the same as" if net1 == net2 else "overlaps"
        yield Issue(
            pos2,
            f"{what2} {net2} {same} {what1} {net1} ({pos1})",
            "each handoff has its own /30 or /31; check the NOFBI assignment",
        )


@rule("CN208", "aggregate-too-small", "error", "a town aggregate is smaller than the /21 the address layout needs")
def aggregate_too_small(ctx: Model) -> Iterator[Issue]:
    """The address layout carves loopbacks, links, sectors and LANs out of each town block and needs a /21; a smaller
    block cannot be allocated at all."""
    for t in ctx.inv.towns:
        if t.aggregate.prefixlen > MIN_AGGREGATE:
            yield Issue(
                t.pos_of("aggregate"),
                f"town '{t.name}' aggregate {t.aggregate} is smaller than a /{MIN_AGGREGATE}",
                "the layout needs a /21 at least (loopbacks /24, links /24, sectors /23, then LANs); use a /21 or /20",
            )


def _allocation_sound(ctx: Model) -> bool:
    """The allocator keys by town and device name: with duplicates its output means nothing (CN101/CN102)."""
    towns = [t.name for t in ctx.inv.towns]
    devices = [n.name.lower() for _t, n in nodes(ctx.inv)]
    return len(set(towns)) == len(towns) and len(set(devices)) == len(devices)


@rule("CN209", "pool-exhausted", "error", "a town's address block has no room left for a request")
def pool_exhausted(ctx: Model) -> Iterator[Issue]:
    """The allocator cannot give a device or LAN an address from a full block; the town needs a larger aggregate before
    more sites can be added."""
    if not _allocation_sound(ctx):
        return
    for s in ctx.alloc.shortages:
        t = ctx.inv.town(s.town)
        if t is None or s.pool == "aggregate":
            continue  # the layout shortage is CN208
        key = "management" if s.pool == "management" else "aggregate"
        block = t.management if key == "management" else t.aggregate
        yield Issue(
            t.pos_of(key),
            f"town '{s.town}': no room for {s.pool} '{s.key}' (a /{s.size}) in {key} {block}",
            f"use a larger {key} block, fewer users, or free old entries with `countynet allocate --release`",
        )


def _split(ctx: Model, line: str) -> tuple[str, str, str, str] | None:
    """Parse an allocator journal line `<town> <category> <key> <value>` (town names may hold spaces)."""
    for t in ctx.inv.towns:
        if line.startswith(t.name + " "):
            rest = line[len(t.name) + 1 :].split(" ")
            if len(rest) >= 3:
                return t.name, rest[0], " ".join(rest[1:-1]), rest[-1]
    return None


@rule(
    "CN210", "lock-stale", "error", "allocations.yml is missing or differs from what `countynet allocate` would write"
)
def lock_stale(ctx: Model) -> Iterator[Issue]:
    """allocations.yml is the address lock that keeps live devices on their addresses between runs; rendering from a
    stale lock renders addresses nobody has reviewed."""
    inv = ctx.inv
    hint = "run `countynet allocate` and commit allocations.yml"
    if not inv.lock_present:
        yield Issue(Pos(lock_file(inv)), "allocations.yml is missing: no addresses are assigned yet", hint)
        return
    if not _allocation_sound(ctx):
        return
    alloc = ctx.alloc
    if alloc.shortages or lock_is_current(inv, alloc):
        return  # with shortages, CN209 says what to fix first
    missing: dict[str, list[str]] = {}
    for line in alloc.added:
        parts = _split(ctx, line)
        if parts:
            missing.setdefault(parts[0], []).append(f"{parts[1]} {parts[2]}")
    for town, entries in sorted(missing.items()):
        shown = ", ".join(entries[:4]) + (", ..." if len(entries) > 4 else "")
        yield Issue(
            lock_pos(inv, town),
            f"allocations.yml lacks {plural(len(entries), 'entry')} for town '{town}': {shown}",
            hint,
        )
    if not missing and not alloc.moved:
        yield Issue(
            Pos(lock_file(inv), 1, 1),
            "allocations.yml differs from what `countynet allocate` would write (edited by hand?)",
            hint,
        )


MOVE_HINT = (
    "renumbering a running device needs a plan: undo the change that caused it, or run `countynet allocate` "
    "to accept the move and schedule the re-addressing"
)


@rule("CN211", "address-moved", "error", "a locked address would have to move (renumbering a live device)")
def address_moved(ctx: Model) -> Iterator[Issue]:
    """Moving a locked address renumbers a live device: its management, routing adjacencies and the agency's hosts break
    until every neighbour is changed as well."""
    if not _allocation_sound(ctx):
        return
    lock_towns = ctx.inv.lock.get("towns") if isinstance(ctx.inv.lock, dict) else None
    groups: dict[str, list[tuple[str, str, object, str]]] = {}
    for line in ctx.alloc.moved:
        parts = _split(ctx, line)
        if parts is None:
            continue
        town, cat, key, new = parts
        old = None
        if isinstance(lock_towns, dict) and isinstance(lock_towns.get(town), dict):
            old_cat = lock_towns[town].get(cat)
            old = old_cat.get(key) if isinstance(old_cat, dict) else None
        groups.setdefault(town, []).append((cat, key, old, new))
    for town, moves in groups.items():
        if len(moves) <= 3:
            for cat, key, old, new in moves:
                yield Issue(
                    lock_pos(ctx.inv, town, cat, key),
                    f"town '{town}' {cat} '{key}' would move from {old} to {new}: the locked address no longer fits",
                    MOVE_HINT,
                )
            continue
        shown = ", ".join(f"{k} {o} -> {n}" for _c, k, o, n in moves[:2])
        yield Issue(
            lock_pos(ctx.inv, town),
            f"town '{town}': {len(moves)} locked addresses would move ({shown}, ...): did its aggregate or "
            "management subnet change?",
            MOVE_HINT,
        )


@rule("CN212", "vlan-clash", "error", "two LANs of a site share a VLAN, or a LAN uses the management VLAN")
def vlan_clash(ctx: Model) -> Iterator[Issue]:
    """Two LANs on one VLAN are bridged together (agencies see each other's traffic), and a LAN on the management VLAN
    exposes device management to agency hosts."""
    inv = ctx.inv
    d = inv.network.defaults
    mgmt = d.management_vlan
    if d.lan_vlan == mgmt:
        yield Issue(
            d.pos_of("lan_vlan"),
            f"defaults.lan_vlan {d.lan_vlan} is the management VLAN",
            "use another VLAN for agency LANs (e.g. 10)",
        )
    for town in inv.towns:
        for site in town.sites:
            seen: dict[int, str] = {}
            for i, lan in enumerate(site.lans or []):
                vlan = lan_vlan(inv, lan)
                at = site.pos_of("lans", i, "vlan" if lan.vlan is not None else "name")
                if lan.vlan is not None and vlan == mgmt:
                    yield Issue(
                        at,
                        f"site '{site.name}' LAN '{lan.name}' uses VLAN {vlan}, the management VLAN",
                        "pick another VLAN; management stays out-of-band",
                    )
                elif vlan in seen and seen[vlan] != lan.name:
                    how = "" if lan.vlan is not None else " (the default lan_vlan)"
                    yield Issue(
                        at,
                        f"site '{site.name}' LAN '{lan.name}' uses VLAN {vlan}{how}, already used by LAN '{seen[vlan]}'",
                        "give each LAN of a site its own VLAN",
                    )
                seen.setdefault(vlan, lan.name)


@rule("CN213", "duplicate-lan", "error", "a site declares two LANs with the same name")
def duplicate_lan(ctx: Model) -> Iterator[Issue]:
    """LANs are keyed by name for addresses and VLANs; two of one name get one allocation and the second LAN renders
    without a subnet."""
    for town in ctx.inv.towns:
        for site in town.sites:
            names: set[str] = set()
            for i, lan in enumerate(site.lans or []):
                if lan.name in names:
                    yield Issue(
                        site.pos_of("lans", i, "name"),
                        f"site '{site.name}' has two LANs named '{lan.name}'",
                        "LAN names key the address lock; rename or merge them",
                    )
                names.add(lan.name)


@rule("CN214", "pool-overlap", "error", "the address pools overlap each other or a shared-service prefix")
def pool_overlap(ctx: Model) -> Iterator[Issue]:
    """Aggregates, management and shared-service prefixes must be disjoint; overlapping pools hand out the same address
    twice and break routing network-wide."""
    pools = ctx.inv.network.pools
    if pools.aggregates.overlaps(pools.management):
        yield Issue(
            pools.pos_of("management"),
            f"pools.management {pools.management} overlaps pools.aggregates {pools.aggregates}",
            "use disjoint blocks so management addresses are never announced",
        )
    for name, svc in ctx.inv.network.services.items():
        for i, prefix in enumerate(svc.prefixes):
            for key in ("aggregates", "management"):
                pool = getattr(pools, key)
                if pool.overlaps(prefix):
                    yield Issue(
                        svc.pos_of("prefixes", i),
                        f"service '{name}' prefix {prefix} overlaps pools.{key} {pool}",
                        f"town routes would shadow the service; move pools.{key} or correct the prefix",
                    )
