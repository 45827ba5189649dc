"""Connecting one site: into an existing sector, by a PtP link from a tower, or relayed through a site.

Used for the far sites of a fresh plan and for every new site of a re-plan (stability: the
existing sectors keep their azimuth, channel and power, so a newcomer joins one only if it
fits as the sector stands).
"""

from __future__ import annotations

from countynet.planner.assign import min_power
from countynet.planner.channels import LOWER, UPPER
from countynet.planner.draft import Draft, LinkDraft, SectorDraft, SiteDraft
from countynet.planner.hops import Hops, Spot
from countynet.planner.power import tower_demand
from countynet.radio import formulas as fx
from countynet.radio.plan import LinkPlan

PTP_HEADROOM_DB = 3.0


def _short(draft: Draft, name: str) -> str:
    return name.removeprefix(f"{draft.prefix}-")


def join_sector(h: Hops, draft: Draft, site: SiteDraft) -> bool:
    """Put `site` on the existing sector that gives it the best margin, if one fits as it stands."""
    best: tuple[float, str, LinkPlan, list[dict[str, object]]] | None = None
    for sec in draft.sectors:
        limit = sec.max_clients or h.sector.max_clients or 10**6
        if len(sec.members) + 1 > limit:
            continue
        cpe = site.cpe_height or h.d.cpe_height_m
        lp, obs = h.sector_hop(
            sec.tower.spot, site.spot, sec.azimuth, sec.power, sec.height_m, cpe, sec.frequency_mhz or 5785.0
        )
        if not h.fits(lp, site.demand) or (best is not None and lp.margin_db <= best[0]):
            continue
        air = site.demand / lp.capacity_mbps
        for m in sec.members:
            other = draft.sites[m]
            if other.lp is not None and other.lp.capacity_mbps > 0:
                air += draft.carried(m) / other.lp.capacity_mbps
        if air <= h.util:
            best = (lp.margin_db, sec.id, lp, [o.model_dump(exclude_unset=True) for o in obs])
    if best is None:
        return False
    home = draft.sector(best[1])
    assert home is not None
    home.members.append(site.name)
    site.how, site.target, site.lp, site.obstacles = "sector", home.id, best[2], best[3]
    site.reason = f"joins {home.id} (azimuth {home.azimuth:g}) as it stands: best margin of the sectors that reach it"
    return True


def _towers(h: Hops, draft: Draft) -> list[tuple[str, Spot, float, bool]]:
    """Where a dish for an agency link can hang: the hub compound and every tower, while it has channels.

    The last item says the compound's 5.8 GHz channels are taken: a further link must then work
    at 200 mW in 5150-5250 MHz (four more channels, for short links).
    """
    p = h.inv.network.planner
    hub_h = next((t.height_m for t in draft.towers if t.spot.name == draft.hub.name), p.tower_height_m) - 2
    out = [(draft.hub_name, draft.hub, hub_h)]
    out += [(t.name, t.spot, t.height_m - 2) for t in draft.towers if t.spot is not draft.hub]
    limit = min(len(UPPER) + len(LOWER), p.max_links_per_tower + p.max_sectors_per_tower)
    return [(*o, radios_at(draft, o[0]) >= len(UPPER)) for o in out if radios_at(draft, o[0]) < limit]


def radios_at(draft: Draft, dev: str) -> int:
    """Radios (sectors and dishes) on the compound of `dev`: each needs its own channel, 7 without DFS."""
    hub_side = {draft.hub_name, *(t.name for t in draft.towers if t.spot is draft.hub)}
    devs = hub_side if dev in hub_side else {dev}
    return sum(s.tower.name in devs for s in draft.sectors) + sum(bool({lk.a, lk.b} & devs) for lk in draft.links)


def path_ok(h: Hops, draft: Draft, site: SiteDraft, extra: float) -> bool:
    """Whether every hop from `site` up to the hub (its sector's air time, the tower's backhaul) takes `extra` more."""
    seen: set[str] = set()
    while site.how in ("sector", "ptp", "relay") and site.name not in seen:
        seen.add(site.name)
        lp = site.lp
        if lp is None or lp.capacity_mbps * h.util < draft.carried(site.name) + extra:
            return False
        if site.how == "sector":
            sec = draft.sector(site.target)
            if sec is None or sector_air(draft, sec) + extra / lp.capacity_mbps > h.util:
                return False
            return room(h, draft, sec.tower.name, extra)
        link = draft.link(site.target)
        if link is None:
            return False
        if link.a not in draft.sites:
            return room(h, draft, link.a, extra)
        site = draft.sites[link.a]
    return site.how == "fibre"


def sector_air(draft: Draft, sec: SectorDraft) -> float:
    """Share of the sector's air time its stations (and what they relay) need in the busy hour."""
    total = 0.0
    for m in sec.members:
        lp = draft.sites[m].lp
        if lp is not None and lp.capacity_mbps > 0:
            total += draft.carried(m) / lp.capacity_mbps
    return total


def room(h: Hops, draft: Draft, tower: str, need: float) -> bool:
    """Whether a tower's backhaul still carries `need` more (the hub compound is on fibre)."""
    t = next((t for t in draft.towers if t.name == tower), None)
    if t is None or t.capacity_mbps == float("inf"):
        return True
    return tower_demand(draft, tower) + need <= t.capacity_mbps * h.util


def tower_of(draft: Draft, site: SiteDraft) -> str | None:
    """The tower a connected site hangs from (through its sector or its link's far end)."""
    if site.how == "sector":
        return site.target.split("/")[0]
    link = draft.link(site.target)
    if link is None:
        return None
    if link.a in draft.sites:
        return tower_of(draft, draft.sites[link.a])
    return link.a


RELAY_CANDIDATES = 40  # nearest connected sites tried as a relay
MAST_STEPS_M = (0.0, 6.0, 12.0, 18.0)  # taller site masts tried, in turn, for Fresnel clearance


def _link(
    h: Hops, a_spot: Spot, a_h: float, b: SiteDraft, b_h: float, relay: bool = False
) -> tuple[LinkPlan, list[dict[str, object]], float, float] | None:
    """A dish link at full power that meets the target and carries the far site: (plan, obstacles, a_h, b_h)."""
    if fx.haversine_km(a_spot.lat, a_spot.lon, b.spot.lat, b.spot.lon) > h.ptp.max_range_km:
        return None
    for extra in MAST_STEPS_M:
        ah, bh = (a_h + extra if relay else a_h), b_h + extra
        lp, obs = h.ptp_hop(a_spot, ah, b.spot, bh, h.max_power(h.ptp))
        if h.fits(lp, b.demand):
            return lp, [o.model_dump(exclude_unset=True) for o in obs], ah, bh
        if not any("Fresnel" in r for r in lp.reasons):
            return None
    return None


def _power(h: Hops, a_spot: Spot, a_h: float, b: SiteDraft, b_h: float, need: float) -> float:
    hi = h.max_power(h.ptp)
    low = min_power(lambda pw: h.fits(h.ptp_hop(a_spot, a_h, b.spot, b_h, pw)[0], need), hi)
    return min(hi, (low if low is not None else hi) + PTP_HEADROOM_DB)


def ptp_from_tower(h: Hops, draft: Draft, site: SiteDraft) -> bool:
    p = h.inv.network.planner
    best: tuple[float, str, Spot, LinkPlan, list[dict[str, object]], float, float] | None = None
    for dev, spot, height, lower in _towers(h, draft):
        if not room(h, draft, dev, site.demand):
            continue
        got = _link(h, spot, height, site, p.ptp_site_height_m)
        if (
            got is not None
            and lower
            and not h.fits(
                h.ptp_hop(spot, got[2], site.spot, got[3], h.max_power(h.ptp, LOWER[-1]), LOWER[-1])[0], site.demand
            )
        ):
            continue
        if got is not None and (best is None or got[0].margin_db > best[0]):
            best = (got[0].margin_db, dev, spot, *got)
    if best is None:
        return False
    _, dev, spot, lp, obs, ah, bh = best
    name = f"{draft.prefix}-ptp-{_short(draft, site.name)}"
    power = _power(h, spot, ah, site, bh, site.demand)
    link = LinkDraft(name, dev, site.name, ah, bh, power, "agency", obstacles=obs, lp=lp)
    link.reason = f"{site.name}: {lp.distance_km:.2f} km from {dev}, margin {lp.margin_db:.1f} dB at MCS{lp.mcs}"
    draft.add_link(link)
    site.how, site.target, site.lp = "ptp", name, lp
    site.reason = f"no sector serves it; own PtP link from {dev}, the tower with the best margin"
    return True


def relay(h: Hops, draft: Draft, site: SiteDraft) -> bool:
    """A PtP link from an already connected site whose own hop can carry both."""
    p = h.inv.network.planner
    best: tuple[float, SiteDraft, LinkPlan, list[dict[str, object]], float, float] | None = None
    near = sorted(
        (fx.haversine_km(r.spot.lat, r.spot.lon, site.spot.lat, site.spot.lon), r.name)
        for r in draft.sites.values()
        if r is not site and r.how != "none" and (r.lp is not None or r.how == "fibre")
    )
    for dist, rname in near[:RELAY_CANDIDATES]:
        r = draft.sites[rname]
        if dist > h.ptp.max_range_km:
            break
        if not path_ok(h, draft, r, site.demand):
            continue
        got = _link(h, r.spot, p.ptp_site_height_m, site, p.ptp_site_height_m, relay=True)
        if got is not None and (best is None or got[0].margin_db > best[0]):
            best = (got[0].margin_db, r, *got)
    if best is None:
        return False
    _, r, lp, obs, ah, bh = best
    name = f"{draft.prefix}-relay-{_short(draft, site.name)}"
    power = _power(h, r.spot, ah, site, bh, site.demand)
    link = LinkDraft(name, r.name, site.name, ah, bh, power, "relay", obstacles=obs, lp=lp)
    link.reason = f"{site.name} relayed through {r.name}: {lp.distance_km:.2f} km, margin {lp.margin_db:.1f} dB"
    draft.add_link(link)
    site.how, site.target, site.lp = "relay", name, lp
    site.reason = f"no tower reaches it; relayed through {r.name}, whose own hop carries both"
    return True


def connect_far(h: Hops, draft: Draft, names: list[str]) -> None:
    """PtP from the best tower, else a relay, nearest sites first (so relays can chain outwards)."""
    hub = draft.hub
    for n in sorted(
        names, key=lambda n: fx.haversine_km(hub.lat, hub.lon, draft.sites[n].spot.lat, draft.sites[n].spot.lon)
    ):
        s = draft.sites[n]
        if ptp_from_tower(h, draft, s) or relay(h, draft, s):
            continue
        s.how = "none"
        draft.findings.append(f"{n}: no sector, PtP link or relay meets the margin target and its demand; not planned")
