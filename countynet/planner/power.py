"""Which channels an owner's hops can work on, and the power each radio ends with.

Power was planned in 5725-5875 MHz as the lowest that meets the margin target plus headroom;
a channel in a band with a lower EIRP limit is usable only if every hop still fits at that
band's ceiling (checked with the radio plan again), and then the power is capped to it.
"""

from __future__ import annotations

from collections.abc import Callable

from countynet.planner.channels import Vertex
from countynet.planner.draft import Draft, LinkDraft, SectorDraft
from countynet.planner.hops import Hops, Spot
from countynet.radio.plan import Radio
from countynet.radio.spectrum import band_of


def _spot(r: Radio) -> Spot:
    return Spot(r.device, r.lat, r.lon, r.ground_m)


def tower_demand(draft: Draft, tower: str) -> float:
    """Busy-hour demand behind a tower: its sectors' sites and the links it feeds."""
    total = sum(draft.carried(m) for s in draft.sectors if s.tower.name == tower for m in s.members)
    total += sum(draft.carried(lk.b) for lk in draft.links if lk.a == tower and lk.b in draft.sites)
    return total


def _sector_ok(h: Hops, draft: Draft, sec: SectorDraft, f: float) -> bool:
    model = h.inv.network.radio_models.get(sec.model) or h.sector
    cap = h.max_power(model, f)
    air = 0.0
    for m in sec.members:
        s = draft.sites[m]
        lp, _ = h.sector_hop(
            sec.tower.spot, s.spot, sec.azimuth, min(sec.power, cap), sec.height_m, s.cpe_height or h.d.cpe_height_m, f
        )
        if not h.fits(lp, draft.carried(m)):
            return False
        air += draft.carried(m) / lp.capacity_mbps
    return air <= h.util


def _link_ok(h: Hops, draft: Draft, lk: LinkDraft, f: float) -> bool:
    cap = h.max_power(h.ptp, f)
    if lk.lp is None:
        return False
    need = draft.carried(lk.b) if lk.b in draft.sites else tower_demand(draft, lk.b)
    lp, _ = h.ptp_hop(_spot(lk.lp.a), lk.a_height, _spot(lk.lp.b), lk.b_height, min(lk.power, cap), f)
    return h.fits(lp, need)


def make_feasible(h: Hops, draft: Draft) -> Callable[[Vertex, float], bool]:
    """feasible(vertex, frequency): every hop of the owner meets the target on that channel (cached)."""
    cache: dict[tuple[str, float], bool] = {}

    def ok(v: Vertex, f: float) -> bool:
        if band_of(f, 20) is None:
            return False
        key = (v.key, f)
        if key not in cache:
            d = v.draft
            cache[key] = _sector_ok(h, draft, d, f) if isinstance(d, SectorDraft) else _link_ok(h, draft, d, f)
        return cache[key]

    return ok


def finish_power(h: Hops, draft: Draft, mine: dict[str, Vertex]) -> None:
    """Write the chosen channels, capping power (and CPE power) to the chosen band's EIRP limit."""
    for v in mine.values():
        if v.colour is None:
            continue
        d = v.draft
        d.frequency_mhz = v.colour
        if isinstance(d, SectorDraft):
            model = h.inv.network.radio_models.get(d.model) or h.sector
            d.power = min(d.power, h.max_power(model, v.colour))
            cpe = h.cpe_power(v.colour)
            if cpe < h.d.cpe_tx_power_dbm:
                for m in d.members:
                    draft.sites[m].cpe_power = cpe
            d.reason = _sector_reason(h, draft, d)
        else:
            d.power = min(d.power, h.max_power(h.ptp, v.colour))


def _sector_reason(h: Hops, draft: Draft, sec: SectorDraft) -> str:
    lps = [draft.sites[m].lp for m in sec.members]
    margins = [lp.margin_db for lp in lps if lp is not None]
    air = sum(
        draft.carried(m) / lp.capacity_mbps for m, lp in zip(sec.members, lps, strict=True) if lp and lp.capacity_mbps
    )
    low = f"lowest margin {min(margins):.1f} dB" if margins else "no stations"
    return (
        f"{sec.name}: azimuth {sec.azimuth:g} holds {len(sec.members)} stations inside the beam, {low}, "
        f"busy-hour air time {air * 100:.0f} %; {sec.power:g} dBm meets the {h.target:g} dB target with headroom"
    )
