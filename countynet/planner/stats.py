"""Figures of a town's radio plan, for the planner's summary and the benchmark's comparison."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from countynet.inventory.demand import site_demand_mbps
from countynet.inventory.model import Network, Town
from countynet.radio.plan import RadioPlan


@dataclass
class TownStats:
    town: str
    sites: int
    towers: int
    sectors: int
    fibre: int
    sector_sites: int
    ptp_sites: int
    hops: int
    hops_meeting_target: int
    lowest_margin_db: float
    sites_per_sector: float
    max_sites_per_sector: int
    channels_used: int
    conflicts: int
    demand_mbps: float = 0.0  # busy-hour demand of the town's sites

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def town_stats(net: Network, town: Town, plan: RadioPlan) -> TownStats:
    target = net.defaults.fade_margin_warning_db
    hops = [lp for lp in plan.links.values() if lp.town == town.name]
    sectors = [sp for sp in plan.sectors.values() if sp.radio.town == town.name]
    chans = {r.frequency_mhz for r in plan.radios if r.town == town.name}
    conflicts = [c for c in plan.conflicts if town.name in (c.first.town, c.second.town)]
    per = [len(sp.stations) for sp in sectors]
    return TownStats(
        town=town.name,
        sites=len(town.sites),
        towers=len(town.base_stations),
        sectors=len(sectors),
        fibre=sum(1 for s in town.sites if s.connect.fibre),
        sector_sites=sum(1 for s in town.sites if s.connect.sector),
        ptp_sites=sum(1 for s in town.sites if s.connect.link),
        hops=len(hops),
        hops_meeting_target=sum(1 for lp in hops if lp.margin_db >= target and lp.mcs >= 0),
        lowest_margin_db=round(min((lp.margin_db for lp in hops), default=math.inf), 1),
        sites_per_sector=round(sum(per) / len(per), 1) if per else 0.0,
        max_sites_per_sector=max(per, default=0),
        channels_used=len(chans),
        conflicts=len(conflicts),
        demand_mbps=round(sum(site_demand_mbps(net, s) for s in town.sites), 1),
    )
