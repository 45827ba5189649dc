"""Fresh assignment: towers, sectors, point-to-point links and relays for every site.

Greedy and explainable rather than optimal: the hub compound is always a tower; another tower
is added only when it brings at least `min_sites_per_tower` sites the chosen ones cannot serve.
Each site goes to the tower that gives it the best margin; a tower's sites are cut into the
fewest sectors whose beams hold them, split further while a sector is over its client limit
or air time. Whatever no sector serves gets a PtP link from the best tower, else a relay
through an already connected site.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from countynet.allocate.allocator import sector_prefix
from countynet.planner.draft import Draft, LinkDraft, SectorDraft, SiteDraft, Tower
from countynet.planner.hops import Hops, Spot
from countynet.radio import formulas as fx
from countynet.radio.plan import LinkPlan

BEAM_GUARD_DEG = 5.0  # keep stations this far inside the beam edge
POWER_HEADROOM_DB = 3.0  # room for a later site without re-planning the sector
HIGH_POINTS = 16
HIGH_POINT_SPACING_KM = 2.0


CLIENT_HEADROOM = 4  # stations a sector can take later within the address block it is given


def client_limit(stations: int, model_limit: int | None) -> int | None:
    """The most stations the sector's address block (sized for these plus headroom) holds, if below the model's.

    A sector's block is sized from max_clients (allocate.sector_prefix); a /26 per sector leaves
    room for only eight in a town's /23 of sector blocks, so small sectors get small blocks.
    """
    prefix = sector_prefix(stations + CLIENT_HEADROOM)
    limit = 2 ** (32 - prefix) - 3  # network, broadcast, base station
    return limit if model_limit is None or limit < model_limit else None


def min_power(ok: Callable[[float], bool], hi: float, lo: float = -10.0) -> float | None:
    """The lowest whole-dBm power at which `ok` holds, or None when even `hi` fails (ok is monotone)."""
    if not ok(hi):
        return None
    a, b = math.ceil(lo), math.floor(hi)
    while a < b:
        mid = (a + b) // 2
        if ok(float(mid)):
            b = mid
        else:
            a = mid + 1
    return float(b)


def _best_cpe(h: Hops, tower: Spot, site: SiteDraft, az: float, power: float, height: float, need: float):  # type: ignore[no-untyped-def]
    """(LinkPlan, obstacles, cpe height) of the first CPE mast height that makes the hop fit, else the default's."""
    first = None
    for cpe in (h.d.cpe_height_m, 15.0, 20.0):
        lp, obs = h.sector_hop(tower, site.spot, az, power, height, cpe)
        first = first or (lp, obs, cpe)
        if h.fits(lp, need):
            return lp, obs, cpe
        if not any("Fresnel" in r for r in lp.reasons):
            break
    return first


# ------------------------------------------------------------------ towers
def candidate_towers(h: Hops, draft: Draft, given: list[Tower] | None) -> list[Tower]:
    """The hub compound first, then the given towers or the highest sites (spread out)."""
    p = h.inv.network.planner
    hub = Tower(f"{draft.prefix}-bs1", draft.hub, p.tower_height_m, "hub compound")
    if given:
        return [hub, *given]
    out = [hub]
    known = [s for s in draft.sites.values() if s.elevation_known and s.how == "none"]
    for s in sorted(known, key=lambda s: (-s.spot.ground_m, s.name)):
        if all(fx.haversine_km(s.spot.lat, s.spot.lon, t.spot.lat, t.spot.lon) >= HIGH_POINT_SPACING_KM for t in out):
            out.append(
                Tower(
                    "",
                    Spot(s.name, s.spot.lat, s.spot.lon, s.spot.ground_m),
                    p.tower_height_m,
                    f"high point: the compound of {s.name} ({s.spot.ground_m:.0f} m)",
                )
            )
        if len(out) > HIGH_POINTS:
            break
    return out


def coverage(h: Hops, tower: Tower, sites: list[SiteDraft]) -> dict[str, LinkPlan]:
    """Sites a sector aimed straight at them from `tower` serves at full power (margin, clearance, capacity)."""
    p = h.inv.network.planner
    power = h.max_power(h.sector)
    out = {}
    for s in sites:
        if fx.haversine_km(tower.spot.lat, tower.spot.lon, s.spot.lat, s.spot.lon) > h.sector.max_range_km:
            continue
        az = fx.azimuth_deg(tower.spot.lat, tower.spot.lon, s.spot.lat, s.spot.lon)
        lp, _obs, _cpe = _best_cpe(h, tower.spot, s, az, power, p.sector_height_m, s.demand)
        if h.fits(lp, s.demand):
            out[s.name] = lp
    return out


def _backhaul(h: Hops, draft: Draft, tower: Tower, chosen: list[Tower], need: float) -> LinkDraft | None:
    """The best dish link to `tower` from the hub compound or a chosen tower that carries `need`."""
    best: tuple[float, LinkDraft] | None = None
    hi = h.max_power(h.ptp)
    for src_name, src, src_h in [(draft.hub_name, draft.hub, chosen[0].height_m - 2)]:  # a star: no chained load
        lp, obs = h.ptp_hop(src, src_h, tower.spot, tower.height_m - 2, hi)
        if h.fits(lp, need) and (best is None or lp.margin_db > best[0]):
            link = LinkDraft(
                "",
                src_name,
                tower.name,
                src_h,
                tower.height_m - 2,
                hi,
                "backhaul",
                lp=lp,
                obstacles=[o.model_dump(exclude_unset=True) for o in obs],
            )
            best = (lp.margin_db, link)
    return best[1] if best else None


PACKING = 0.75  # share of a tower's air time that sectors cut by direction actually fill


def _fill(
    h: Hops, draft: Draft, chosen: list[Tower], cov: dict[int, dict[str, LinkPlan]], sites: list[SiteDraft]
) -> tuple[dict[str, list[str]], list[str]]:
    """Each site to the best-margin tower that still has air time (and backhaul) for it; the rest left over."""
    p = h.inv.network.planner
    budget = p.max_sectors_per_tower * h.util * PACKING
    air = {t.name: 0.0 for t in chosen}
    load = {t.name: 0.0 for t in chosen}
    by_tower: dict[str, list[str]] = {t.name: [] for t in chosen}
    left = []
    options = {
        s.name: sorted(
            ((cov[id(t)][s.name].margin_db, i) for i, t in enumerate(chosen) if s.name in cov[id(t)]), reverse=True
        )
        for s in sites
    }
    for s in sorted(sites, key=lambda s: (len(options[s.name]), -(options[s.name][0][0] if options[s.name] else 0))):
        for _m, i in options[s.name]:
            t = chosen[i]
            lp = cov[id(t)][s.name]
            a = s.demand / lp.capacity_mbps
            if air[t.name] + a <= budget and load[t.name] + s.demand <= t.capacity_mbps * h.util:
                air[t.name] += a
                load[t.name] += s.demand
                by_tower[t.name].append(s.name)
                s.cpe_height = lp.b.height_m
                rest = [(m, chosen[j].name) for m, j in options[s.name] if j != i][:2]
                s.reason = ("also reached from " + ", ".join(f"{n} ({m:.1f} dB)" for m, n in rest)) if rest else ""
                break
        else:
            left.append(s.name)
    return by_tower, left


def select_towers(
    h: Hops, draft: Draft, cands: list[Tower], sites: list[SiteDraft], max_towers: int | None = None
) -> tuple[dict[str, list[str]], list[str]]:
    """Add the tower that takes the most sites the chosen ones cannot (reach or carry), while it is worth a tower.

    Returns each tower's sites and the sites no tower takes (for PtP links and relays).
    """
    p = h.inv.network.planner
    cov = {id(t): coverage(h, t, sites) for t in cands}
    chosen = [cands[0]]
    cands[0].name = f"{draft.prefix}-bs1"
    cands[0].reason = "the hub compound is always a tower: fibre to the hub router, dishes for the far sites"
    cands[0].uplink = {"fibre": draft.hub_name}
    rest = cands[1:]
    while True:
        by_tower, left = _fill(h, draft, chosen, cov, sites)
        if not left or len(chosen) >= (max_towers or p.max_towers) or not rest:
            break
        want = set(left)
        ranked = sorted(rest, key=lambda t: (-len(set(cov[id(t)]) & want), -t.spot.ground_m))
        pick = None
        for t in ranked:
            gain = set(cov[id(t)]) & want
            if len(gain) < p.min_sites_per_tower:
                break
            t.name = f"{draft.prefix}-bs{len(chosen) + 1}"
            bh = _backhaul(h, draft, t, chosen, sum(draft.sites[s].demand for s in gain) / 2)
            if bh is not None and bh.lp is not None:
                pick = t
                bh.name = f"{draft.prefix}-bb{len(chosen)}"
                t.uplink = {"link": bh.name}
                t.capacity_mbps = bh.lp.capacity_mbps
                t.reason = f"{t.source}; takes {len(gain)} sites the other towers cannot reach or carry"
                bh.reason = (
                    f"backhaul to {t.name}: {bh.lp.distance_km:.2f} km from {bh.a}, margin {bh.lp.margin_db:.1f} dB "
                    f"at MCS{bh.lp.mcs}, {bh.lp.capacity_mbps:g} Mbit/s"
                )
                draft.add_link(bh)
                break
            t.name = ""
        if pick is None:
            break
        chosen.append(pick)
        rest.remove(pick)
    draft.towers = chosen
    return by_tower, left


# ------------------------------------------------------------------ sectors
def _arcs(items: list[tuple[float, str]], width: float) -> list[list[tuple[float, str]]]:
    """Fewest arcs of `width` degrees covering every bearing (greedy from each possible start)."""
    items = sorted(items)
    n = len(items)
    if n == 0:
        return []
    gaps = sorted(range(n), key=lambda i: -((items[i][0] - items[i - 1][0]) % 360 if n > 1 else 360))
    starts = range(n) if n <= 150 else gaps[:30]
    best: list[list[tuple[float, str]]] | None = None
    for start in starts:
        order = items[start:] + items[:start]
        groups, cur = [], [order[0]]
        for item in order[1:]:
            if (item[0] - cur[0][0]) % 360 <= width:
                cur.append(item)
            else:
                groups.append(cur)
                cur = [item]
        groups.append(cur)
        if best is None or len(groups) < len(best):
            best = groups
    return best or []


def _centre(group: list[tuple[float, str]]) -> float:
    first, last = group[0][0], group[-1][0]
    return (first + ((last - first) % 360) / 2) % 360


def _sector_ok(h: Hops, draft: Draft, tower: Tower, group: list[tuple[float, str]], az: float, power: float) -> bool:
    p = h.inv.network.planner
    air = 0.0
    for _b, name in group:
        s = draft.sites[name]
        lp, _obs = h.sector_hop(tower.spot, s.spot, az, power, p.sector_height_m, s.cpe_height or h.d.cpe_height_m)
        need = draft.carried(name)
        if not h.fits(lp, need):
            return False
        air += need / lp.capacity_mbps
    return air <= h.util


def _place(h: Hops, draft: Draft, tower: Tower, group: list[tuple[float, str]], out: list[SectorDraft]) -> list[str]:
    """Make `group` one sector, or split it; returns the sites no sector of this tower can take."""
    limit = h.sector.max_clients or 10**6
    az = _centre(group)
    hi = h.max_power(h.sector)
    if len(group) <= limit and _sector_ok(h, draft, tower, group, az, hi):
        p = h.inv.network.planner
        power = min_power(lambda pw: _sector_ok(h, draft, tower, group, az, pw), hi) or hi
        power = min(hi, power + POWER_HEADROOM_DB)
        sec = SectorDraft(
            tower, "", round(az, 1), power, p.sector_height_m, [n for _b, n in group], model=h.sector_name
        )
        sec.max_clients = client_limit(len(group), h.sector.max_clients)
        out.append(sec)
        return []
    if len(group) == 1:
        return [group[0][1]]
    mid = len(group) // 2
    return _place(h, draft, tower, group[:mid], out) + _place(h, draft, tower, group[mid:], out)


def sectorise(h: Hops, draft: Draft, tower: Tower, names: list[str]) -> list[str]:
    """Sectors for a tower's sites; returns the sites left over (for PtP or a relay)."""
    width = (h.sector.beamwidth_deg or 120) - 2 * BEAM_GUARD_DEG
    items = [
        (fx.azimuth_deg(tower.spot.lat, tower.spot.lon, draft.sites[n].spot.lat, draft.sites[n].spot.lon), n)
        for n in names
    ]
    made: list[SectorDraft] = []
    left: list[str] = []
    for group in _arcs(items, width):
        left += _place(h, draft, tower, group, made)
    limit = h.inv.network.planner.max_sectors_per_tower
    if len(made) > limit:  # keep the fullest sectors; the others' sites look for a link instead
        made.sort(key=lambda s: -len(s.members))
        for extra in made[limit:]:
            left += extra.members
        made = made[:limit]
    made.sort(key=lambda s: s.azimuth)
    for i, sec in enumerate(made, 1):
        sec.name = f"s{i}"
        for n in sec.members:
            s = draft.sites[n]
            lp, obs = h.sector_hop(
                tower.spot, s.spot, sec.azimuth, sec.power, sec.height_m, s.cpe_height or h.d.cpe_height_m
            )
            s.how, s.target, s.lp = "sector", sec.id, lp
            why = (
                f"{sec.id}: {lp.distance_km:.2f} km at {lp.azimuth_a_deg:.0f} deg, margin {lp.margin_db:.1f} dB at "
                f"MCS{lp.mcs} ({lp.capacity_mbps:g} Mbit/s for its {draft.carried(n):g}), the best tower for it"
            )
            s.reason = f"{why}; {s.reason}" if s.reason else why
            s.obstacles = [o.model_dump(exclude_unset=True) for o in obs]
    draft.sectors += made
    return left
