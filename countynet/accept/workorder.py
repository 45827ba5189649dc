"""Installer work orders: one page per agency site, every figure from the model and the radio plan.

Where to go, what to mount how high, where to point it (azimuth and elevation from the plan's
per-hop figures), what level to expect and accept, the channel, which router port goes where
(platform interface names from the device intent) and the commands whose output accepts the hop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from countynet.accept import radio_platform
from countynet.accept.hops import HopPlan, hop_plans
from countynet.accept.recordings import file_name


@dataclass
class RadioOrder:
    hop: str
    kind: str  # sector or ptp
    mount: str  # radio model and vendor
    height_m: float
    tower: str
    tower_lat: float
    tower_lon: float
    sector: str | None
    azimuth_deg: float
    elevation_deg: float
    distance_km: float
    expected_dbm: float
    accept_low_dbm: float
    accept_high_dbm: float
    mcs: int
    frequency_mhz: float
    width_mhz: int
    ssid: str
    security: str
    package: str
    unit: str
    commands: list[tuple[str, str]] = field(default_factory=list)  # (command, file to save it as)


@dataclass
class WorkOrder:
    site: str
    town: str
    agency: str
    kind: str
    lat: float
    lon: float
    elevation_m: float
    contact: str | None
    connect: str  # "sector mwg-bs1/s1", "PtP link mwg-ptp-x", "fibre from mwg-hub"
    router: str  # platform and model
    radio: RadioOrder | None
    ports: list[dict[str, str]] = field(default_factory=list)


def _radio_order(hp: HopPlan, security: str) -> RadioOrder:
    lp, tol = hp.lp, hp.tolerance_db
    rx = round(lp.ab.rx_dbm, 1)
    cmds = radio_platform(lp.b.model).collect.radio[hp.package]
    b = lp.b
    return RadioOrder(
        lp.name,
        lp.kind,
        f"{b.model_name} ({b.model.vendor or 'radio'})",
        b.height_m,
        hp.tower,
        lp.a.lat,
        lp.a.lon,
        hp.sector,
        round(lp.azimuth_b_deg, 1),
        round(lp.elevation_b_deg, 2),
        round(lp.distance_km, 2),
        rx,
        round(rx - tol, 1),
        round(rx + tol, 1),
        lp.ab.mcs,
        lp.frequency_mhz,
        lp.width_mhz,
        hp.ssid,
        security,
        hp.package,
        hp.unit,
        [(c, f"{hp.unit}/{file_name(c)}") for c in cmds.commands],
    )


def _ports(intent: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for i in intent.get("interfaces", []):
        peer = i.get("peer") or ""
        what = i.get("description") or i.get("kind", "")
        if i.get("kind") == "loopback":
            continue
        port = str(i.get("name"))
        if i.get("parent"):
            port += f" (VLAN {i.get('vlan')} on {i.get('parent')})"
        out.append({"port": port, "role": str(i.get("kind")), "what": str(what), "to": str(peer)})
    return out


def work_orders(ctx: Any, town: str, site: str | None = None) -> list[WorkOrder]:
    """Work orders of one town's agency sites (or one site), in inventory order."""
    from countynet.intent.build import build_intents

    inv, topo, plan = ctx.inv, ctx.topo, ctx.radio
    d = inv.network.defaults
    t = inv.town(town)
    sites = [s for s in t.sites if site is None or s.name == site]
    hops = {hp.site: hp for hp in hop_plans(plan, d.accept_tolerance_db, d.accept_settle_s, set(topo.sites), {town})}
    intents = build_intents(inv, topo, ctx.alloc, plan, hosts=[s.name for s in sites])
    out = []
    for s in sites:
        dev = topo.devices[s.name]
        c = s.connect
        connect = f"sector {c.sector}" if c.sector else f"PtP link {c.link}" if c.link else f"fibre from {c.fibre}"
        hp = hops.get(s.name)
        out.append(
            WorkOrder(
                s.name,
                town,
                s.agency,
                s.kind,
                s.location.lat,
                s.location.lon,
                s.location.elevation_m,
                getattr(s, "contact", None),
                connect,
                f"{dev.platform} {dev.model}",
                _radio_order(hp, t.wireless.security) if hp is not None else None,
                _ports(intents.get(s.name, {})),
            )
        )
    return out
