"""Stability: adopt an already planned town so a re-plan only touches what changed.

Every tower, sector (azimuth, channel, power) and link stays as written; every site still in
the list keeps its connection; a removed site takes its own link (and relays through it) away;
new sites, and sites that lost their relay, are connected as newcomers (connect.join_sector, a
new PtP link, or a relay). Like the allocation lock, `--replan` is the explicit way to start over.
"""

from __future__ import annotations

from typing import Any

from countynet.inventory.model import Town
from countynet.planner.draft import Draft, LinkDraft, SectorDraft, Tower
from countynet.planner.hops import Spot
from countynet.radio.plan import RadioPlan

SITE_DATA = ("agency", "kind", "users", "services", "location")


def _dump(node: Any, exclude: set[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = node.model_dump(mode="json", exclude_unset=True, exclude=exclude)
    return data


def adopt(draft: Draft, town: Town, plan: RadioPlan) -> list[str]:
    """Take over `town`'s structure into `draft`; returns the site names that need connecting."""
    _towers(draft, town)
    gone = {s.name for s in town.sites} - set(draft.sites)
    dropped = _links(draft, town, plan, gone)
    todo = _sites(draft, town, plan, dropped)
    if gone:
        links = f" (links {', '.join(sorted(dropped))})" if dropped else ""
        draft.notes.append(f"removed: {', '.join(sorted(gone))}{links}")
    return todo


def _towers(draft: Draft, town: Town) -> None:
    for bs in town.base_stations:
        loc = bs.location
        t = Tower(
            bs.name,
            Spot(bs.name, loc.lat, loc.lon, loc.elevation_m),
            bs.tower_height_m,
            "kept",
            uplink=_dump(bs.uplink),
            kept=_dump(bs, {"sectors"}),
            elevation_known=loc.surveyed,
        )
        draft.towers.append(t)
        for sec in bs.sectors:
            draft.sectors.append(
                SectorDraft(
                    t,
                    sec.name,
                    sec.azimuth_deg,
                    sec.tx_power_dbm,
                    sec.height_m,
                    frequency_mhz=sec.frequency_mhz,
                    max_clients=sec.max_clients,
                    model=sec.radio_model,
                    fixed=True,
                    kept=_dump(sec),
                )
            )


def _links(draft: Draft, town: Town, plan: RadioPlan, gone: set[str]) -> set[str]:
    """Keep every link whose ends are still there; returns the names of those dropped."""
    dropped: set[str] = set()
    for link in town.links:
        if link.a.device in gone or link.b.device in gone:
            dropped.add(link.name)
            continue
        lp = plan.for_link(link.name)
        draft.add_link(
            LinkDraft(
                link.name,
                link.a.device,
                link.b.device,
                link.a.height_m,
                link.b.height_m,
                link.a.tx_power_dbm,
                "agency",
                frequency_mhz=link.frequency_mhz,
                fixed=True,
                kept=_dump(link),
                lp=lp,
            )
        )
    return dropped


def _sites(draft: Draft, town: Town, plan: RadioPlan, dropped: set[str]) -> list[str]:
    """Keep each listed site's connection; returns the new ones and those whose link was dropped."""
    todo = [n for n in draft.sites if n not in {s.name for s in town.sites}]
    for site in town.sites:
        s = draft.sites.get(site.name)
        if s is None:
            continue
        c = site.connect
        if c.link in dropped:
            todo.append(site.name)
            continue
        s.kept = {k: v for k, v in _dump(site).items() if k not in SITE_DATA}
        if c.sector:
            s.how, s.target, s.lp = "sector", c.sector, plan.for_station(site.name)
            home = draft.sector(c.sector)
            if home is not None:
                home.members.append(site.name)
        elif c.link:
            s.how, s.target, s.lp = "ptp", c.link, plan.for_link(c.link)
        elif c.fibre:
            s.how, s.target = "fibre", c.fibre
    return todo
