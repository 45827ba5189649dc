"""Draft -> town data (what the YAML will say) and -> the commented town file."""

from __future__ import annotations

from typing import Any

from countynet.planner.draft import Draft, LinkDraft, SectorDraft, SiteDraft, Tower
from countynet.planner.emit import block_item, comment, flow, scalar
from countynet.planner.header import Header


def _loc(lat: float, lon: float, elev: float | None) -> dict[str, Any]:
    d: dict[str, Any] = {"lat": round(lat, 5), "lon": round(lon, 5)}
    if elev is not None:
        d["elevation_m"] = round(elev, 1)
    return d


def sector_dict(sec: SectorDraft) -> dict[str, Any]:
    if sec.kept is not None:
        return dict(sec.kept)
    d: dict[str, Any] = {
        "name": sec.name,
        "radio_model": sec.model,
        "azimuth_deg": round(sec.azimuth, 1),
        "frequency_mhz": sec.frequency_mhz,
        "width_mhz": 20,
        "tx_power_dbm": sec.power,
        "height_m": sec.height_m,
    }
    if sec.max_clients is not None:
        d["max_clients"] = sec.max_clients
    return d


def tower_dict(t: Tower, sectors: list[SectorDraft], known: bool) -> dict[str, Any]:
    if t.kept is not None:
        d = dict(t.kept)
        d["sectors"] = [sector_dict(s) for s in sectors]
        return d
    d = {
        "name": t.name,
        "location": _loc(t.spot.lat, t.spot.lon, t.spot.ground_m if known else None),
        "tower_height_m": t.height_m,
        "uplink": t.uplink,
        "sectors": [sector_dict(s) for s in sectors],
    }
    return d


def link_dict(lk: LinkDraft, ptp_model: str) -> dict[str, Any]:
    if lk.kept is not None:
        return dict(lk.kept)
    d: dict[str, Any] = {
        "name": lk.name,
        "frequency_mhz": lk.frequency_mhz,
        "width_mhz": 20,
        "a": {"device": lk.a, "radio_model": ptp_model, "tx_power_dbm": lk.power, "height_m": lk.a_height},
        "b": {"device": lk.b, "radio_model": ptp_model, "tx_power_dbm": lk.power, "height_m": lk.b_height},
    }
    if lk.obstacles:
        d["obstacles"] = lk.obstacles
    return d


def site_dict(s: SiteDraft, default_cpe: float) -> dict[str, Any]:
    r = s.row
    d: dict[str, Any] = {"name": s.name, "agency": r.agency, "kind": r.kind}
    if r.users is not None:
        d["users"] = r.users
    if r.services is not None:
        d["services"] = r.services
    d["location"] = _loc(s.spot.lat, s.spot.lon, s.spot.ground_m if s.elevation_known else None)
    if s.kept is not None:
        return {**d, **{k: v for k, v in s.kept.items() if k not in d}}
    d["connect"] = (
        {"sector": s.target}
        if s.how == "sector"
        else {"link": s.target}
        if s.how in ("ptp", "relay")
        else {"fibre": s.target}
    )
    cpe: dict[str, Any] = {}
    if s.cpe_height is not None and s.cpe_height != default_cpe:
        cpe["height_m"] = s.cpe_height
    if s.cpe_power is not None:
        cpe["tx_power_dbm"] = s.cpe_power
    if cpe:
        d["cpe"] = cpe
    if s.obstacles and s.how == "sector":
        d["obstacles"] = s.obstacles
    return d


def town_dict(hd: Header, draft: Draft, hub_known: bool, ptp_model: str, default_cpe: float) -> dict[str, Any]:
    """The town as data: validated with the schema before anything is written."""
    d: dict[str, Any] = {
        "name": hd.name,
        "county": hd.county,
        "location": _loc(hd.lat, hd.lon, hd.elevation_m),
        "asn": hd.asn,
        "nofbi_pop": hd.nofbi_pop,
        "aggregate": str(hd.aggregate),
        "management": str(hd.management),
        **hd.extra,
        "hub": {
            "name": hd.hub_name,
            "location": _loc(hd.hub_lat, hd.hub_lon, draft.hub.ground_m if hub_known else None),
        },
        "base_stations": [
            tower_dict(t, [s for s in draft.sectors if s.tower is t], t.elevation_known) for t in draft.towers
        ],
        "links": [link_dict(lk, ptp_model) for lk in draft.links],
        "sites": [site_dict(s, default_cpe) for s in draft.sites.values() if s.how != "none"],
    }
    d["base_stations"] = [
        b
        for b in d["base_stations"]
        if b["sectors"] or any(lk.a == b["name"] or lk.b == b["name"] for lk in draft.links)
    ]
    return d


# ------------------------------------------------------------------ text
def render(data: dict[str, Any], draft: Draft, intro: list[str]) -> str:
    out: list[str] = []
    for para in intro:
        out += comment(para) if para else ["#"]
    out.append("")
    for key in (
        "name",
        "county",
        "location",
        "asn",
        "nofbi_pop",
        "aggregate",
        "management",
        "terrain",
        "climate",
        "k_factor",
        "wireless",
    ):
        if key in data:
            out.append(f"{key}: {flow(data[key])}")
    out += ["", "hub:", f"  name: {scalar(data['hub']['name'])}", f"  location: {flow(data['hub']['location'])}", ""]
    out.append("base_stations:" if data["base_stations"] else "base_stations: []")
    towers = {t.name: t for t in draft.towers}
    for b in data["base_stations"]:
        t = towers.get(b["name"])
        if t is not None and t.reason:
            out += comment(t.reason, "  ")
        body = {k: v for k, v in b.items() if k != "sectors"}
        out += block_item(body, "  ")
        out.append("    sectors:" if b["sectors"] else "    sectors: []")
        for sd in b["sectors"]:
            sec = draft.sector(f"{b['name']}/{sd['name']}")
            if sec is not None and sec.reason:
                out += comment(sec.reason, "      ")
            out.append(f"      - {flow(sd)}")
    out += ["", "links:" if data["links"] else "links: []"]
    for ld in data["links"]:
        lk = draft.link(ld["name"])
        if lk is not None and lk.reason:
            out += comment(lk.reason, "  ")
        out += block_item(ld, "  ")
    out += ["", "sites:" if data["sites"] else "sites: []"]
    for sd in data["sites"]:
        s = draft.sites.get(sd["name"])
        if s is not None and s.reason:
            out += comment(s.reason, "  ")
        out += block_item(sd, "  ")
    return "\n".join(out) + "\n"
