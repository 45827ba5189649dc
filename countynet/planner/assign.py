"""Fresh assignment: towers, sectors, point-to-point links and relays for every site.

Greedy and explainable rather than optimal: the hub compound is always a tower; another tower
is added only when it brings at least `min_sites_per_tower` sites the chosen ones cannot serve.
Each site goes to the tower that gives it the best margin; a tower's sites are cut into the
fewest sectors whose beams hold them, split further while a sector is over its client limit
or air time. Whatever no sector serves gets a PtP link from the best tower, else a relay
through an already connected site.
"""

from __future__ import annotations

from collections.abc import Callable

from countynet.planner.draft import Draft, LinkDraft, SectorDraft, SiteDraft, Tower
from countynet.planner.hops import Hops, Spot
from countynet.radio import formulas as fx
from countynet.radio.plan import LinkPlan

BEAM_GUARD_DEG = 5.0  # keep stations this far inside the beam edge
POWER_HEADROOM_DB = 3.0  # room for a later site without re-planning the sector
HIGH_POINTS = 16
HIGH_POINT_SPACING_KM = 2.0


def min_power(ok: Callable[[float], bool], hi: float, lo: float = -10.0) -> float | None:
    """The lowest power (0.5 dB grid) at which `ok` holds, or None when even `hi` fails (ok is monotone)."""
    if not ok(hi):
        return None
    a, b = int(lo * 2), int(hi * 2)
    while a < b:
        mid = (a + b) // 2
        if ok(mid / 2):
            b = mid
        else:
            a = mid + 1
    return b / 2


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
    for src_name, src, src_h in [(draft.hub_name, draft.hub, chosen[0].height_m - 2)] + [
        (t.name, t.spot, t.height_m - 2) for t in chosen[1:]
    ]:
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


def select_towers(h: Hops, draft: Draft, cands: list[Tower], sites: list[SiteDraft]) -> dict[str, dict[str, LinkPlan]]:
    """Greedy cover: add the tower that serves the most sites nobody serves yet, while it is worth a tower."""
    p = h.inv.network.planner
    cov = {id(t): coverage(h, t, sites) for t in cands}
    chosen = [cands[0]]
    cands[0].reason = "the hub compound is always a tower: fibre to the hub router, dishes for the far sites"
    covered = set(cov[id(cands[0])])
    rest = cands[1:]
    while len(chosen) < p.max_towers and rest:
        ranked = sorted(rest, key=lambda t: (-len(set(cov[id(t)]) - covered), -t.spot.ground_m))
        pick = None
        for t in ranked:
            gain = set(cov[id(t)]) - covered
            if len(gain) < p.min_sites_per_tower:
                break
            t.name = f"{draft.prefix}-bs{len(chosen) + 1}"
            bh = _backhaul(h, draft, t, chosen, sum(draft.sites[s].demand for s in cov[id(t)]))
            if bh is not None:
                pick = t
                bh.name = f"{draft.prefix}-bb{len(chosen)}"
                t.uplink = {"link": bh.name}
                t.reason = f"{t.source}; serves {len(gain)} sites no other tower reaches"
                bh.reason = (
                    f"backhaul to {t.name}: {bh.lp.distance_km:.2f} km, margin {bh.lp.margin_db:.1f} dB"
                    if bh.lp
                    else ""
                )
                draft.links.append(bh)
                break
            t.name = ""
        if pick is None:
            break
        chosen.append(pick)
        rest.remove(pick)
        covered |= set(cov[id(pick)])
    chosen[0].uplink = {"fibre": draft.hub_name}
    draft.towers = chosen
    return {t.name: cov[id(t)] for t in chosen}


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
