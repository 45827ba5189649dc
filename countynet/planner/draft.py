"""The planner's working state: towers, sectors, links and each site's choice, with the reason for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from countynet.planner.hops import Spot
from countynet.planner.sites import Row
from countynet.radio.plan import LinkPlan

How = Literal["fibre", "sector", "ptp", "relay", "none"]


@dataclass
class SiteDraft:
    row: Row
    name: str
    spot: Spot
    demand: float
    elevation_known: bool
    how: How = "none"
    target: str = ""  # sector id "bs/s", link name, or hub name
    lp: LinkPlan | None = None
    reason: str = ""
    kept: dict[str, Any] | None = None  # the site as the existing town file writes it (stability)
    cpe_height: float | None = None
    cpe_power: float | None = None
    obstacles: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Tower:
    name: str
    spot: Spot
    height_m: float
    source: str
    uplink: dict[str, str] = field(default_factory=dict)
    kept: dict[str, Any] | None = None
    reason: str = ""
    elevation_known: bool = True
    capacity_mbps: float = float("inf")  # what its backhaul carries (the hub compound: fibre)


@dataclass
class SectorDraft:
    tower: Tower
    name: str
    azimuth: float
    power: float
    height_m: float
    members: list[str] = field(default_factory=list)
    frequency_mhz: float | None = None
    max_clients: int | None = None
    model: str = ""
    fixed: bool = False  # kept from the existing file: channel, power and azimuth stay
    kept: dict[str, Any] | None = None
    reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.tower.name}/{self.name}"


@dataclass
class LinkDraft:
    name: str
    a: str
    b: str
    a_height: float
    b_height: float
    power: float
    role: Literal["backhaul", "agency", "relay"]
    frequency_mhz: float | None = None
    obstacles: list[dict[str, Any]] = field(default_factory=list)
    fixed: bool = False
    kept: dict[str, Any] | None = None
    reason: str = ""
    lp: LinkPlan | None = None


@dataclass
class Draft:
    hub: Spot
    hub_name: str
    prefix: str
    sites: dict[str, SiteDraft] = field(default_factory=dict)
    towers: list[Tower] = field(default_factory=list)
    sectors: list[SectorDraft] = field(default_factory=list)
    links: list[LinkDraft] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shared: int = 0  # channel owners that had to share a channel with one they hear
    _relayed: dict[str, list[str]] = field(default_factory=dict)  # link a-end -> b-ends, for carried()

    def sector(self, sid: str) -> SectorDraft | None:
        return next((s for s in self.sectors if s.id == sid), None)

    def link(self, name: str) -> LinkDraft | None:
        return next((lk for lk in self.links if lk.name == name), None)

    def add_link(self, link: LinkDraft) -> None:
        self.links.append(link)
        self._relayed.setdefault(link.a, []).append(link.b)

    def carried(self, site: str) -> float:
        """Demand a site's hop carries: its own plus every site relayed through it."""
        total = self.sites[site].demand
        for b in self._relayed.get(site, ()):
            if b in self.sites and b != site:
                total += self.carried(b)
        return total
