"""`countynet plan town`: a site list in, a proposed towns/NAME.yml out (see docs/planner.md).

Steps: read the list (and towers, terrain) -> header from the stub, options and pools -> sites on
the hub compound get fibre -> fresh plan (towers, sectors, PtP, relays) or, when the town is
already planned, adopt it and connect only newcomers -> channels and power -> the file, with a
backup of what it replaces.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError
from countynet.inventory.demand import demand_mbps
from countynet.inventory.loader import NOFBI_FILE, TOWNS_DIR, Inventory
from countynet.inventory.model import Town
from countynet.inventory.topology import build
from countynet.planner import assign, connect
from countynet.planner.channels import Vertex, build_graph, colour
from countynet.planner.dem import Dem, load_dem
from countynet.planner.draft import Draft, SiteDraft, Tower
from countynet.planner.existing import adopt
from countynet.planner.files import others, read_existing, with_handoff, write_with_backup
from countynet.planner.header import Header, Options, build_header
from countynet.planner.hops import PLAN_MHZ, Hops, Spot
from countynet.planner.layout import render, town_dict
from countynet.planner.power import finish_power, make_feasible
from countynet.planner.sites import Row, read_rows
from countynet.planner.stats import TownStats, town_stats
from countynet.radio import formulas as fx
from countynet.radio.interference import owners
from countynet.radio.plan import RadioPlan, plan_radio

ATTEMPTS = 4  # plans tried with fewer towers when channels run out
TOWER_PER_SITES = 40  # a big town may use a tower per this many sites beyond planner.max_towers


@dataclass
class PlanResult:
    path: Path
    text: str
    backup: Path | None
    nofbi_backup: Path | None
    header: Header
    stats: TownStats
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    mode: str = "fresh"


def hostname(prefix: str, raw: str) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-")
    name = re.sub(r"-{2,}", "-", name)
    if not name.startswith(f"{prefix}-"):
        name = f"{prefix}-{name}"
    return name[:63].rstrip("-")


def _sites(inv: Inventory, draft: Draft, rows: list[Row], dem: Dem | None, fibre_m: float) -> None:
    kinds = inv.network.agency_kinds
    for r in rows:
        _check_row(inv, r)
        name = hostname(draft.prefix, r.name)
        if name in draft.sites:
            raise CountynetError(f"'{r.name}' and another row both become device name '{name}'", "rename one", r.pos)
        known = r.elevation_m is not None
        ground = r.elevation_m
        if ground is None and dem is not None:
            ground = dem.height(r.lat, r.lon)
            known = ground is not None
            r.elevation_source = "dem"
        if not known:
            draft.findings.append(
                f"{name}: no elevation in the list{' nor in the DEM' if dem else ''}; planned at 0 m "
                "(survey it, or pass --dem FILE.hgt)"
            )
        k = kinds.get(r.kind)
        users = r.users if r.users is not None else (k.users if k else 20)
        services = r.services if r.services is not None else (list(k.services) if k else [])
        s = SiteDraft(
            r, name, Spot(name, r.lat, r.lon, ground or 0.0), demand_mbps(inv.network, r.kind, users, services), known
        )
        draft.sites[name] = s
        if fx.haversine_km(r.lat, r.lon, draft.hub.lat, draft.hub.lon) * 1000 <= fibre_m:
            s.how, s.target = "fibre", draft.hub_name
            s.reason = f"on the hub compound (within {fibre_m:g} m of the hub): fibre to {draft.hub_name}"


def _check_row(inv: Inventory, r: Row) -> None:
    """A kind or service network.yml does not know would only fail later, in `countynet validate`: say it now."""
    net = inv.network
    if r.kind not in net.agency_kinds:
        raise CountynetError(
            f"'{r.name}': unknown kind '{r.kind}'", "use one of: " + ", ".join(sorted(net.agency_kinds)), r.pos
        )
    unknown = [s for s in r.services or [] if s not in net.services]
    if unknown:
        raise CountynetError(
            f"'{r.name}': unknown service(s) {', '.join(unknown)}", "use: " + ", ".join(sorted(net.services)), r.pos
        )


def _towers_file(inv: Inventory, draft: Draft, path: Path, dem: Dem | None) -> list[Tower]:
    out = []
    height = inv.network.planner.tower_height_m
    for r in read_rows(path, inv.network.planner.columns, towers=True):
        ground = r.elevation_m if r.elevation_m is not None else (dem.height(r.lat, r.lon) if dem else None)
        if ground is None:
            draft.findings.append(f"tower {r.name}: no elevation; planned at 0 m (survey it, or pass --dem FILE.hgt)")
        t = Tower("", Spot(r.name, r.lat, r.lon, ground or 0.0), r.height_m or height, f"candidate {r.name} (--towers)")
        t.elevation_known = ground is not None
        out.append(t)
    return out


def _fresh(h: Hops, draft: Draft, given: list[Tower] | None, max_towers: int | None = None) -> None:
    todo = [s for s in draft.sites.values() if s.how == "none"]
    cands = assign.candidate_towers(h, draft, given)
    by_tower, far = assign.select_towers(h, draft, cands, todo, max_towers)
    for t in draft.towers:
        far += assign.sectorise(h, draft, t, by_tower[t.name])
    connect.connect_far(h, draft, far)


def _incremental(h: Hops, draft: Draft, town: Town, inv: Inventory) -> None:
    full = Inventory(inv.root, inv.network, inv.nofbi, [*inv.towns, town], inv.lock, inv.smap)
    plan = plan_radio(full, build(full), conflicts=False)
    for name in adopt(draft, town, plan):
        s = draft.sites[name]
        if s.how == "fibre":
            continue
        if not connect.join_sector(h, draft, s):
            connect.connect_far(h, draft, [name])


def _plan_of(inv: Inventory, data: dict[str, Any], conflicts: bool) -> tuple[Town, RadioPlan]:
    town = Town.model_validate(data)
    full = Inventory(inv.root, inv.network, inv.nofbi, [*inv.towns, town], inv.lock, inv.smap)
    return town, plan_radio(full, build(full), conflicts=conflicts)


def _channels(h: Hops, draft: Draft, inv: Inventory, hd: Header, hub_known: bool) -> None:
    for sec in draft.sectors:
        sec.frequency_mhz = sec.frequency_mhz or PLAN_MHZ
    for lk in draft.links:
        lk.frequency_mhz = lk.frequency_mhz or PLAN_MHZ
    data = town_dict(hd, draft, hub_known, h.ptp_name, h.d.cpe_height_m)
    _town, plan = _plan_of(inv, data, conflicts=False)
    mine: dict[str, Vertex] = {}
    theirs = []
    for o in owners(plan).values():
        if o.anchor.town != hd.name:
            theirs.append(o)
            continue
        d = (
            draft.sector(o.key.removeprefix("sector "))
            if o.key.startswith("sector ")
            else draft.link(o.key.removeprefix("link "))
        )
        if d is not None:
            mine[o.key] = Vertex(o.key, d, o, fixed=d.frequency_mhz if d.fixed else None)
    build_graph(mine, theirs)
    colour(mine, make_feasible(h, draft), inv.network.planner.dfs == "allow", draft)
    finish_power(h, draft, mine)


def plan_town(
    root: Path,
    name: str,
    sites: Path,
    towers: Path | None = None,
    dem_path: Path | None = None,
    replan: bool = False,
    out: Path | None = None,
    opts: Options | None = None,
) -> PlanResult:
    """Plan (or re-plan) one town from a site list and write the proposal; see the module docstring."""
    start = time.perf_counter()
    path = root / TOWNS_DIR / f"{name}.yml"
    target = out or path
    raw = read_existing(path)
    with others(root, path) as inv:
        rows = read_rows(sites, inv.network.planner.columns)
        dem = load_dem(dem_path) if dem_path else None
        centroid = (sum(r.lat for r in rows) / len(rows), sum(r.lon for r in rows) / len(rows))
        hd = build_header(inv, name, raw, opts or Options(), centroid)
        existing = _as_town(raw) if not replan else None
        text, draft, stats = _plan(inv, hd, rows, dem, towers, existing)
    nofbi = with_handoff(root, hd.nofbi_pop, name, hd.handoff) if hd.handoff is not None and out is None else None
    backup = write_with_backup(target, text)
    nofbi_backup = write_with_backup(root / NOFBI_FILE, nofbi) if nofbi is not None else None
    return PlanResult(
        target,
        text,
        backup,
        nofbi_backup,
        hd,
        stats,
        draft.findings,
        draft.notes,
        time.perf_counter() - start,
        "re-plan (kept)" if existing is not None else "fresh",
    )


def _as_town(raw: dict[str, Any]) -> Town | None:
    """The existing file as a planned town, or None when it is a stub (or absent)."""
    if not raw.get("sites") and not raw.get("base_stations"):
        return None
    try:
        return Town.model_validate(raw)
    except ValueError as exc:
        raise CountynetError(
            f"the existing town file does not pass the schema: {str(exc).splitlines()[0]}",
            "run `countynet validate`, or pass --replan to start over from the list",
        ) from None


# size: the planning steps in their order (towers, sectors, links and relays, channels, power); each is a call
def _plan(
    inv: Inventory, hd: Header, rows: list[Row], dem: Dem | None, towers: Path | None, existing: Town | None
) -> tuple[str, Draft, TownStats]:
    hub_ground = (
        hd.hub_elevation_m if hd.hub_elevation_m is not None else (dem.height(hd.hub_lat, hd.hub_lon) if dem else None)
    )
    note = ""
    if hub_ground is None:  # a listed site on the hub compound stands on the same ground
        radius_km = inv.network.planner.fibre_radius_m / 1000
        near = [(fx.haversine_km(r.lat, r.lon, hd.hub_lat, hd.hub_lon), r) for r in rows if r.elevation_m is not None]
        close = min(near, key=lambda x: x[0], default=None)
        if close is not None and close[0] <= radius_km:
            hub_ground = close[1].elevation_m
            note = f"hub elevation {hub_ground:g} m: that of {close[1].name}, listed on the hub compound"
    draft = Draft(Spot(hd.hub_name, hd.hub_lat, hd.hub_lon, hub_ground or 0.0), hd.hub_name, hd.prefix)
    if note:
        draft.notes.append(note)
    if hub_ground is None:
        draft.findings.append(
            f"{hd.hub_name}: no elevation for the hub; planned at 0 m (write it in the stub, or pass --dem)"
        )
    hd.hub_elevation_m = hub_ground
    base = {
        "name": hd.name,
        "county": hd.county,
        "location": {"lat": hd.lat, "lon": hd.lon},
        "asn": hd.asn,
        "nofbi_pop": hd.nofbi_pop,
        "aggregate": str(hd.aggregate),
        "management": str(hd.management),
        **hd.extra,
        "hub": {"name": hd.hub_name, "location": {"lat": hd.hub_lat, "lon": hd.hub_lon}},
    }
    h = Hops(inv, Town.model_validate(base), dem)
    given = _towers_file(inv, draft, towers, dem) if towers and existing is None else None
    best: tuple[tuple[int, int, int], Draft] | None = None
    limit: int | None = (
        None if existing is not None else max(inv.network.planner.max_towers, len(rows) // TOWER_PER_SITES)
    )
    for _attempt in range(ATTEMPTS):  # fewer towers when sectors of towers that face each other run out of channels
        d = Draft(draft.hub, draft.hub_name, draft.prefix, findings=list(draft.findings), notes=list(draft.notes))
        _sites(inv, d, rows, dem, inv.network.planner.fibre_radius_m)
        if existing is not None:
            _incremental(h, d, existing, inv)
        else:
            _fresh(h, d, [Tower("", t.spot, t.height_m, t.source) for t in given] if given else None, limit)
        for t in d.towers:
            if t.spot is d.hub:
                t.elevation_known = hub_ground is not None
        _channels(h, d, inv, hd, hub_ground is not None)
        score = (sum(s.how == "none" for s in d.sites.values()), d.shared, len(d.towers))
        if best is None or score < best[0]:
            best = (score, d)
        if d.shared == 0 or limit is None or min(limit, len(d.towers)) <= 1:
            break
        limit = min(limit, len(d.towers)) - 1 - len(d.towers) // 4
    assert best is not None
    draft = best[1]
    data = town_dict(hd, draft, hub_ground is not None, h.ptp_name, h.d.cpe_height_m)
    town, plan = _plan_of(inv, data, conflicts=True)
    stats = town_stats(inv.network, town, plan)
    from countynet.planner.intro import intro

    return render(data, draft, intro(hd, draft, stats, rows, existing is not None)), draft, stats
