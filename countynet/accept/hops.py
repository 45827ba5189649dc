"""Planned hops as acceptance sees them, and the result of judging one.

Every figure of a `HopPlan` is read from the radio plan (countynet.radio.plan): levels, MCS,
margins, angles are never computed here. A hop is measured at its far radio (the station of
a sector hop, end b of a PtP link); that radio's view covers both directions on the legacy
package and the downlink on the wifi package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from countynet.allocate.addressing import ptp_ssid, sector_ssid
from countynet.radio.plan import LinkPlan, RadioPlan

HopStatus = Literal["pass", "fail", "not measured", "not measurable"]


@dataclass(frozen=True)
class HopPlan:
    lp: LinkPlan
    unit: str  # the radio the measurement comes from (recordings folder name)
    ssid: str
    tower: str  # the device end a (base station, hub or tower) the far radio points at
    sector: str | None
    tolerance_db: float
    settle_s: int
    site: str | None = None  # the agency site this hop connects (end b), if it is one

    @property
    def package(self) -> str:
        return self.lp.b.model.package or "wireless"

    def planned(self) -> dict[str, Any]:
        lp = self.lp
        return {
            "ssid": self.ssid,
            "frequency_mhz": lp.frequency_mhz,
            "width_mhz": lp.width_mhz,
            "streams": lp.streams,
            "distance_km": round(lp.distance_km, 3),
            "rx_b_dbm": round(lp.ab.rx_dbm, 1),
            "rx_a_dbm": round(lp.ba.rx_dbm, 1),
            "mcs_ab": lp.ab.mcs,
            "mcs_ba": lp.ba.mcs,
            "margin_db": round(lp.margin_db, 1),
            "azimuth_b_deg": round(lp.azimuth_b_deg, 1),
            "elevation_b_deg": round(lp.elevation_b_deg, 2),
        }


@dataclass
class Finding:
    check: str  # registration, sector, channel, signal, chain, rate, streams, uptime
    ok: bool
    detail: str
    cause: str = ""  # what a rigger does about it (failures only)


@dataclass
class HopResult:
    hop: HopPlan
    status: HopStatus
    findings: list[Finding] = field(default_factory=list)
    measured: dict[str, Any] = field(default_factory=dict)
    realised_margin_db: float | None = None
    note: str = ""

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    def as_dict(self) -> dict[str, Any]:
        lp = self.hop.lp
        return {
            "id": lp.id,
            "town": lp.town,
            "kind": lp.kind,
            "name": lp.name,
            "a": lp.a.device,
            "b": lp.b.device,
            "site": self.hop.site,
            "unit": self.hop.unit,
            "package": self.hop.package,
            "status": self.status,
            "planned": self.hop.planned(),
            "measured": self.measured,
            "realised_margin_db": self.realised_margin_db,
            "findings": [vars(f) for f in self.findings],
            "note": self.note,
        }


def hop_plans(
    plan: RadioPlan, tolerance_db: float, settle_s: int, agencies: set[str], towns: set[str] | None = None
) -> list[HopPlan]:
    """One HopPlan per planned hop (every PtP link, every sector station), in plan order.

    `agencies` names the agency sites, so a hop ending at one counts for that site's acceptance.
    """
    out = []
    for lp in plan.links.values():
        if towns is not None and lp.town not in towns:
            continue
        if lp.kind == "sector":
            sec = lp.a.node.name  # type: ignore[attr-defined]  # a sector hop's end a is its Sector
            unit, ssid, sector = lp.b.device, sector_ssid(lp.a.device, sec), sec
        else:
            unit, ssid, sector = f"{lp.name}.b", ptp_ssid(lp.name), None
        site = lp.b.device if lp.b.device in agencies else None
        hp = HopPlan(lp, unit, ssid, lp.a.device, sector, tolerance_db, settle_s, site)
        out.append(hp)
    return out
