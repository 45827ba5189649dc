"""Co-channel coupling: how loud one channel owner's transmitters are at another's receivers.

A channel owner is a sector (its base-station radio and its stations) or a PtP link (both
ends). Coupling from a transmitter to a receiver is the ordinary link budget (formulas.rx_level_dbm)
with each antenna's gain reduced by how far the other lies off its boresight (3GPP TR 36.814
pattern, `formulas.discrimination_db`), and nothing beyond the radio horizon. Two owners
interfere when that level reaches a receiver's noise floor (it would raise the floor by 3 dB
or more, eating into the fade margin). The CN307 rule and the planner's channel colouring use
this one definition, so a planned town validates without channel findings by construction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from countynet.radio import formulas as fx
from countynet.radio.plan import Radio, RadioPlan

NOISE_FIGURE_DB = 5.0  # a typical 5 GHz 802.11ac receiver front end
# Antenna discrimination behind the beam when the radio model gives none: sectors and
# CPE panels about 25 dB, 30 dBi dishes 35 dB or more (vendor pattern files, ETSI EN 302 326-3 classes).
FRONT_TO_BACK_DB: dict[str, float] = {"sector": 25.0, "station": 25.0, "ptp": 35.0}
INTERFERENCE_OVER_NOISE_DB = 0.0  # I/N at or above this is a conflict
HORIZON_KM = 60.0  # owners whose anchors lie farther apart than their reaches plus this are never judged


@dataclass(frozen=True)
class Point:
    """What coupling needs of one radio, read once (the planner compares thousands of pairs)."""

    radio: Radio
    lat: float
    lon: float
    azimuth: float
    beam: float
    ftb: float
    limit: float
    station: bool


@dataclass
class Owner:
    """The radios that share one channel: a sector and its stations, or the two ends of a link."""

    key: str
    radios: list[Radio] = field(default_factory=list)
    boresight: dict[int, float] = field(default_factory=dict)  # id(radio) -> azimuth the antenna faces
    _points: list[Point] | None = None

    @property
    def points(self) -> list[Point]:
        if self._points is None:
            self._points = [
                Point(
                    r,
                    r.lat,
                    r.lon,
                    self.boresight.get(id(r), 0.0),
                    _beam(r),
                    _ftb(r),
                    limit_dbm(r),
                    r.place == "station",
                )
                for r in self.radios
            ]
        return self._points

    @property
    def towers(self) -> set[str]:
        return {r.device for r in self.radios if r.place != "station"}

    @property
    def anchor(self) -> Radio:
        return next((r for r in self.radios if r.place != "station"), self.radios[0])


def _key(r: Radio) -> str:
    return r.label if r.place == "sector" else f"link {getattr(r.owner, 'name', r.device)}"


def owners(plan: RadioPlan, towns: Iterable[str] | None = None) -> dict[int, Owner]:
    """Channel owners of the plan (optionally of some towns), keyed by id() of the owning object."""
    keep = set(towns) if towns is not None else None
    out: dict[int, Owner] = {}
    for r in plan.radios:  # a sector's radio comes before its stations
        if keep is None or r.town in keep:
            out.setdefault(id(r.owner), Owner(_key(r))).radios.append(r)
    for lp in plan.links.values():
        o = out.get(id(lp.a.owner))
        if o is not None:
            o.boresight[id(lp.a)] = (
                lp.azimuth_a_deg if lp.kind == "ptp" else float(getattr(lp.a.node, "azimuth_deg", 0.0))
            )
            o.boresight[id(lp.b)] = lp.azimuth_b_deg
    for o in out.values():
        for r in o.radios:
            if r.place == "sector":
                o.boresight[id(r)] = float(getattr(r.node, "azimuth_deg", 0.0))
    return out


def reach_km(o: Owner) -> float:
    """How far the owner's radios lie from its anchor (a sector's farthest station, a link's length)."""
    a = o.anchor
    return max((fx.haversine_km(a.lat, a.lon, r.lat, r.lon) for r in o.radios), default=0.0)


def may_reach(first: Owner, second: Owner, reach: dict[int, float], horizon_km: float) -> bool:
    """Cheap gate before `worst`: anchors closer than both reaches plus the radio horizon."""
    a, b = first.anchor, second.anchor
    d = fx.haversine_km(a.lat, a.lon, b.lat, b.lon)
    return d <= reach[id(first)] + reach[id(second)] + horizon_km


def _beam(r: Radio) -> float:
    return float(getattr(r.node, "beamwidth_deg", None) or r.model.beamwidth_deg)


def _ftb(r: Radio) -> float:
    return r.model.front_to_back_db if r.model.front_to_back_db is not None else FRONT_TO_BACK_DB[r.place]


def coupling_dbm(tx: Radio, az_tx: float, rx: Radio, az_rx: float, k: float = 4 / 3) -> float:
    """Level of `tx`'s signal at `rx`'s receiver, antennas facing `az_tx` and `az_rx` (-inf beyond the horizon)."""
    return _coupling(
        Point(tx, tx.lat, tx.lon, az_tx, _beam(tx), _ftb(tx), 0.0, False),
        Point(rx, rx.lat, rx.lon, az_rx, _beam(rx), _ftb(rx), 0.0, False),
        k,
    )


def _coupling(t: Point, r: Point, k: float = 4 / 3) -> float:
    tx, rx = t.radio, r.radio
    dist = fx.haversine_km(t.lat, t.lon, r.lat, r.lon)
    if dist > fx.radio_horizon_km(tx.height_m, rx.height_m, k):
        return -math.inf
    off_tx = fx.angle_off(fx.azimuth_deg(t.lat, t.lon, r.lat, r.lon), t.azimuth) if dist > 0 else 0.0
    off_rx = fx.angle_off(fx.azimuth_deg(r.lat, r.lon, t.lat, t.lon), r.azimuth) if dist > 0 else 0.0
    return fx.rx_level_dbm(
        tx.tx_power_dbm,
        tx.gain_dbi - fx.discrimination_db(off_tx, t.beam, t.ftb),
        tx.cable_loss_db,
        fx.fspl_db(tx.frequency_mhz, dist),
        rx.gain_dbi - fx.discrimination_db(off_rx, r.beam, r.ftb),
        rx.cable_loss_db,
    )


def limit_dbm(rx: Radio) -> float:
    return fx.noise_floor_dbm(rx.width_mhz, NOISE_FIGURE_DB) + INTERFERENCE_OVER_NOISE_DB


def worst(first: Owner, second: Owner, stop_at: float = math.inf) -> tuple[float, Radio | None, Radio | None]:
    """(I - limit at the receiver) of the loudest transmitter->receiver pair across the two owners, both ways.

    Station-to-station paths are left out: both ends aim narrow beams at their own towers, so
    the towers' radios are the ones that hear (and are heard by) the other owner. Stops as soon
    as a pair reaches `stop_at` dB over the limit (the caller then only needs to know that).
    """
    best: tuple[float, Radio | None, Radio | None] = (-math.inf, None, None)
    for src, dst in ((first, second), (second, first)):
        for t in src.points:
            for r in dst.points:
                if t.station and r.station:
                    continue
                level = _coupling(t, r) - r.limit
                if level > best[0]:
                    best = (level, t.radio, r.radio)
                    if level >= stop_at:
                        return best
    return best


def interferes(first: Owner, second: Owner) -> bool:
    """Whether either owner's transmitters reach the other's receivers at or above the noise floor."""
    if first.towers & second.towers:
        return True  # one tower: always, whatever the antennas face
    return worst(first, second, stop_at=0.0)[0] >= 0.0


def neighbour_conflicts(
    plan: RadioPlan, horizon_km: float = HORIZON_KM
) -> list[tuple[Owner, Owner, float, Radio, Radio]]:
    """Pairs of owners on different towers whose overlapping channels reach each other's receivers.

    (first, second, dB over the noise floor, loudest transmitter, its victim); `first` is the owner
    written earlier, so a finding points at the newcomer.
    """
    return conflicts_among(list(owners(plan).values()), horizon_km)


def conflicts_among(
    owns: list[Owner], horizon_km: float = HORIZON_KM, pair: Callable[[Owner, Owner], bool] | None = None
) -> list[tuple[Owner, Owner, float, Radio, Radio]]:
    """`neighbour_conflicts` over given owners, in their order; `pair` (when given) picks the pairs to judge.

    Whether two owners conflict depends on the two alone, so the plan cache (countynet.plancache)
    judges only pairs across towns with this same code.
    """
    from countynet.radio.spectrum import overlaps

    reach = {id(o): reach_km(o) for o in owns}
    owns = sorted(owns, key=lambda o: o.anchor.edges)
    out = []
    for i, first in enumerate(owns):
        for second in owns[i + 1 :]:
            if second.anchor.edges[0] >= first.anchor.edges[1]:
                break  # sorted by channel: nothing further overlaps
            if not overlaps(first.anchor.edges, second.anchor.edges) or first.towers & second.towers:
                continue
            if pair is not None and not pair(first, second):
                continue
            if not may_reach(first, second, reach, horizon_km):
                continue
            level, tx, rx = worst(first, second)
            if level >= 0.0 and tx is not None and rx is not None:
                out.append((first, second, level, tx, rx))
    return out
