"""The town's header: from a stub towns/NAME.yml or options, free numbers from the pools.

ASN, aggregate and management block are the next free ones (what the inventory README says
the next town takes); the NOFBI handoff /31 is the next free one after every PoP's handoffs,
a placeholder until the operator's letter names the real one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError
from countynet.inventory.loader import Inventory
from countynet.inventory.model import Pop
from countynet.radio import formulas as fx

PRIVATE_ASN = (64512, 65534)
HQS = Path(__file__).with_name("kenya-county-hqs.csv")  # from shared/reference: 47 county HQ towns


@dataclass
class Header:
    name: str
    county: str
    lat: float
    lon: float
    elevation_m: float | None
    asn: int
    nofbi_pop: str
    aggregate: IPv4Network
    management: IPv4Network
    hub_name: str
    hub_lat: float
    hub_lon: float
    hub_elevation_m: float | None
    prefix: str
    handoff: IPv4Network | None = None  # set when nofbi.yml must gain one
    extra: dict[str, Any] = field(default_factory=dict)  # terrain, climate, wireless... kept from the stub
    reasons: list[str] = field(default_factory=list)


@dataclass
class Options:
    county: str | None = None
    lat: float | None = None
    lon: float | None = None
    pop: str | None = None
    prefix: str | None = None


def _used_nets(inv: Inventory) -> list[IPv4Network]:
    nets = [t.aggregate for t in inv.towns] + [t.management for t in inv.towns]
    nets += [p for s in inv.network.services.values() for p in s.prefixes]
    nets += [h.prefix for pop in inv.nofbi.pops for h in pop.handoffs]
    return nets


def next_free(pool: IPv4Network, prefixlen: int, used: list[IPv4Network]) -> IPv4Network:
    """The first free block after the highest one in use (towns are numbered in rollout order), else any free one."""
    inside = [u for u in used if u.overlaps(pool)]
    top = max((int(u.broadcast_address) for u in inside), default=-1)
    subnets = list(pool.subnets(new_prefix=prefixlen))
    for net in [n for n in subnets if int(n.network_address) > top] + subnets:
        if not any(net.overlaps(u) for u in used):
            return net
    raise CountynetError(f"no free /{prefixlen} left in {pool}", "widen the pool in network.yml")


def next_asn(inv: Inventory) -> int:
    used = {t.asn for t in inv.towns} | {p.asn for p in inv.nofbi.pops}
    private = [a for a in used if PRIVATE_ASN[0] <= a <= PRIVATE_ASN[1]]
    start = max(private) + 1 if private else 65101
    return next(a for a in range(start, PRIVATE_ASN[1] + 1) if a not in used)


def next_handoff(inv: Inventory) -> IPv4Network:
    handoffs = [h.prefix for pop in inv.nofbi.pops for h in pop.handoffs]
    if not handoffs:
        return IPv4Network("10.254.0.0/31")
    last = max(handoffs, key=lambda n: int(n.broadcast_address))
    used = _used_nets(inv)
    cand = IPv4Network((int(last.broadcast_address) + 1, 31))
    while any(cand.overlaps(u) for u in used):
        cand = IPv4Network((int(cand.broadcast_address) + 1, 31))
    return cand


def county_hq(name: str) -> tuple[str, float, float] | None:
    """(county, lat, lon) when NAME is a county HQ town in the reference list."""
    if not HQS.exists():
        return None
    with HQS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["hq_town"].strip().lower() == name.lower():
                return row["county"], float(row["lat"]), float(row["lon"])
    return None


def nearest_pop(inv: Inventory, lat: float, lon: float) -> Pop:
    return min(inv.nofbi.pops, key=lambda p: fx.haversine_km(lat, lon, p.location.lat, p.location.lon))


def _loc(d: Any) -> tuple[float | None, float | None, float | None]:
    if not isinstance(d, dict):
        return None, None, None
    return d.get("lat"), d.get("lon"), d.get("elevation_m")


def _numbers(inv: Inventory, stub: dict[str, Any], reasons: list[str]) -> tuple[int, IPv4Network, IPv4Network]:
    """ASN, aggregate and management block: the stub's, else the next free ones (with the reason)."""
    used = _used_nets(inv)
    net = inv.network
    asn = stub.get("asn") or next_asn(inv)
    if "asn" not in stub:
        reasons.append(f"asn: {asn}, the next free private ASN")
    agg = (
        IPv4Network(stub["aggregate"])
        if stub.get("aggregate")
        else next_free(net.pools.aggregates, net.planner.aggregate_prefix, used)
    )
    if not stub.get("aggregate"):
        reasons.append(f"aggregate: {agg}, the next free /{agg.prefixlen} of pools.aggregates")
    mgmt = (
        IPv4Network(stub["management"]) if stub.get("management") else next_free(net.pools.management, 24, [*used, agg])
    )
    if not stub.get("management"):
        reasons.append(f"management: {mgmt}, the next free /24 of pools.management")
    return int(asn), agg, mgmt


def build_header(
    inv: Inventory, name: str, stub: dict[str, Any], opts: Options, centroid: tuple[float, float]
) -> Header:
    """Fill the header from the stub first, then options, the county-HQ list, the sites' centroid, the pools."""
    reasons: list[str] = []
    lat, lon, elev = _loc(stub.get("location"))
    hq = county_hq(name)
    if lat is None or lon is None:
        if opts.lat is not None and opts.lon is not None:
            lat, lon = opts.lat, opts.lon
        elif hq is not None:
            lat, lon = hq[1], hq[2]
            reasons.append(f"location: the county HQ coordinates of {name} (kenya-county-hqs.csv)")
        else:
            lat, lon = centroid
            reasons.append("location: the centroid of the listed sites (no stub, no --lat/--lon)")
    county = stub.get("county") or opts.county or (hq[0] if hq else None)
    if not county:
        raise CountynetError(f"no county for '{name}'", "pass --county or write it in a stub towns/NAME.yml")
    pop_name = stub.get("nofbi_pop") or opts.pop
    if pop_name is None:
        pop = nearest_pop(inv, lat, lon)
        pop_name = pop.name
        km = fx.haversine_km(lat, lon, pop.location.lat, pop.location.lon)
        reasons.append(f"nofbi_pop: {pop.name}, the nearest PoP ({km:.0f} km); confirm with the NOFBI operator")
    pop_obj = next((p for p in inv.nofbi.pops if p.name == pop_name), None)
    if pop_obj is None:
        raise CountynetError(f"NOFBI PoP '{pop_name}' is not in nofbi.yml", "add it there first, or pass --pop")
    hub: dict[str, Any] = stub["hub"] if isinstance(stub.get("hub"), dict) else {}
    hlat, hlon, helev = _loc(hub.get("location"))
    prefix = opts.prefix or (str(hub["name"]).removesuffix("-hub") if hub.get("name") else name[:3].lower())
    asn, agg, mgmt = _numbers(inv, stub, reasons)
    handoff = None
    if not any(h.town == name for h in pop_obj.handoffs):
        handoff = next_handoff(inv)
        reasons.append(
            f"NOFBI handoff: {handoff} added to {pop_name} in nofbi.yml as a placeholder until the operator assigns one"
        )
    extra: dict[str, Any] = {k: stub[k] for k in ("terrain", "climate", "k_factor", "wireless") if k in stub}
    extra.setdefault("wireless", {"security": "wpa2-psk", "psk": {"env": "COUNTYNET_WIFI_PSK"}})
    return Header(
        name=name,
        county=str(county),
        lat=float(lat),
        lon=float(lon),
        elevation_m=elev,
        asn=int(asn),
        nofbi_pop=pop_name,
        aggregate=agg,
        management=mgmt,
        hub_name=str(hub.get("name") or f"{prefix}-hub"),
        hub_lat=float(hlat if hlat is not None else lat),
        hub_lon=float(hlon if hlon is not None else lon),
        hub_elevation_m=helev if helev is not None else elev,
        prefix=prefix,
        handoff=handoff,
        extra=extra,
        reasons=reasons,
    )
