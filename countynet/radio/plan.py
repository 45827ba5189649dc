"""The radio plan: per-link budget, modulation, clearance, availability, and a channel plan per tower.

Built once per inventory (O(links + stations), plus pairwise tower checks inside each town),
read by the CN3xx rules, by device intent (planned channel, power, capacity) and by the lab
(rate, latency). Objects whose radio model is unknown are skipped: CN113 reports them.

Which MCS is planned: each direction takes the highest MCS whose fade margin is at least
`fade_margin_warning_db` (15 dB by default), else MCS0. Planning at the warning level means
the capacity we promise (and shape the lab to) survives ordinary fades; adaptive modulation
drops lower in a deep fade. `margin_db` is the margin at the planned MCS, so it is below the
warning level only when even MCS0 lacks 15 dB (a warning), and below `fade_margin_error_db`
(10 dB) when MCS0 lacks that too (an error). We did not plan at the error target: the
reported margin would then always sit at 10-13 dB and every link would warn.
"""

# size: data shapes plus the builder; the builder's split into its own module is the next step (the planner built on it this session)

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from countynet.errors import Pos
from countynet.inventory.loader import Inventory
from countynet.inventory.model import Node, Obstacle, PtpLink, RadioEnd, RadioModel, Sector, Site, Town
from countynet.inventory.topology import Topology
from countynet.radio import formulas as fx
from countynet.radio.mcs import MODULATION, capacity_mbps, choose_mcs, phy_rate_mbps
from countynet.radio.spectrum import Band, band_of, channel_edges, is_dfs, overlaps

Place = Literal["sector", "station", "ptp"]
Verdict = Literal["ok", "warning", "error"]

# Fixed one-way delay per radio hop, on top of air time and propagation: PtP TDMA frames
# (MikroTik Nv2, airFiber) add about 1 ms; PtMP polling of many stations about 2 ms.
HOP_LATENCY_MS: dict[str, float] = {"ptp": 1.0, "sector": 2.0}
FRAME_BITS = 1500 * 8  # air time of one full-size IP packet at the planned capacity
MIN_CLEARANCE_PCT = 60.0  # ITU-R P.530 §2.2.2: 60 % of F1 clear (k = 4/3)
FULL_CLEARANCE_PCT = 100.0


@dataclass
class Radio:
    """One radio as planned: model and resolved settings (defaults applied), and where they came from."""

    device: str
    town: str
    place: Place
    label: str  # e.g. "sector rru-bs1/s1", "link rru-bb1 end a", "station rru-school"
    model_name: str
    model: RadioModel = field(repr=False)
    tx_power_dbm: float
    gain_dbi: float
    cable_loss_db: float
    height_m: float  # above ground
    ground_m: float  # ground elevation above sea level
    lat: float
    lon: float
    frequency_mhz: float
    width_mhz: int
    node: Node = field(repr=False)  # the object the settings were written on (Sector, RadioEnd, Site)
    owner: Node = field(repr=False)  # where the channel is written (Sector or PtpLink)

    @property
    def eirp_dbm(self) -> float:
        return fx.eirp_dbm(self.tx_power_dbm, self.gain_dbi, self.cable_loss_db)

    @property
    def asl_m(self) -> float:
        return self.ground_m + self.height_m

    @property
    def edges(self) -> tuple[float, float]:
        return channel_edges(self.frequency_mhz, self.width_mhz)

    @property
    def band(self) -> Band | None:
        """The Kenyan licence-exempt band holding the channel (None: not exempt)."""
        return band_of(self.frequency_mhz, self.width_mhz)

    @property
    def dfs(self) -> bool:
        return is_dfs(self.frequency_mhz, self.width_mhz)

    def pos_of(self, key: str) -> Pos | None:
        """Where `key` (tx_power_dbm, radio_model, height_m...) is written, or the nearest place it would go."""
        if isinstance(self.node, Site):
            cpe = self.node.cpe
            if key in type(cpe).model_fields and getattr(cpe, key) is not None:
                return cpe.pos_of(key)
            return self.node.pos_of("connect")
        return self.node.pos_of(key)


@dataclass
class Direction:
    """One direction of a link: what the receiver gets and what it can do with it."""

    tx: str
    rx: str
    eirp_dbm: float
    rx_dbm: float
    mcs: int
    margin_db: float
    capacity_mbps: float
    margins_db: tuple[float, ...] = ()


@dataclass
class PathPoint:
    label: str
    distance_km: float  # from end a
    height_m: float  # ground or obstacle top above sea level
    f1_m: float
    bulge_m: float
    clearance_pct: float
    node: Node | None = None


@dataclass
class LinkPlan:
    """A planned radio hop: a PtP link, or one station of a sector (a = base station, b = station).

    `ab` is the a -> b direction (downlink for a sector), `ba` the reverse; the link-level
    figures (margin, MCS, capacity) are those of the weaker direction.
    """

    id: str  # "ptp:<link>" or "sector:<bs>/<sector>><site>"
    kind: Literal["ptp", "sector"]
    segment: str  # topology segment id
    town: str
    a: Radio
    b: Radio
    frequency_mhz: float
    width_mhz: int
    streams: int
    distance_km: float
    azimuth_a_deg: float  # from a towards b
    azimuth_b_deg: float  # from b towards a
    ab: Direction
    ba: Direction
    points: list[PathPoint]
    availability_pct: float
    latency_ms: float
    verdict: Verdict = "ok"
    reasons: list[str] = field(default_factory=list)
    off_axis_deg: float | None = None  # sector only: station bearing off the sector's boresight
    beamwidth_deg: float | None = None
    elevation_a_deg: float = 0.0  # tilt of a's antenna towards b (negative: down), Earth curvature included
    elevation_b_deg: float = 0.0  # tilt of b's antenna towards a

    @property
    def station(self) -> str | None:
        return self.b.device if self.kind == "sector" else None

    @property
    def name(self) -> str:
        return self.b.device if self.kind == "sector" else self.id.removeprefix("ptp:")

    @property
    def margin_db(self) -> float:
        return min(self.ab.margin_db, self.ba.margin_db)

    @property
    def mcs(self) -> int:
        return min(self.ab.mcs, self.ba.mcs)

    @property
    def modulation(self) -> str:
        return MODULATION[self.mcs] if self.mcs >= 0 else "none"

    @property
    def capacity_mbps(self) -> float:
        return min(self.ab.capacity_mbps, self.ba.capacity_mbps)

    @property
    def phy_rate_mbps(self) -> float:
        return phy_rate_mbps(self.mcs, self.width_mhz, self.streams) if self.mcs >= 0 else 0.0

    @property
    def clearance_pct(self) -> float:
        return min((p.clearance_pct for p in self.points), default=math.inf)

    @property
    def max_range_km(self) -> float:
        return min(self.a.model.max_range_km, self.b.model.max_range_km)

    def as_dict(self) -> dict[str, object]:
        def num(x: float, nd: int = 1) -> float | None:
            return round(x, nd) if math.isfinite(x) else None

        return {
            "id": self.id,
            "kind": self.kind,
            "segment": self.segment,
            "town": self.town,
            "a": self.a.device,
            "b": self.b.device,
            "name": self.name,
            "frequency_mhz": self.frequency_mhz,
            "width_mhz": self.width_mhz,
            "distance_km": num(self.distance_km, 3),
            "azimuth_a_deg": num(self.azimuth_a_deg),
            "azimuth_b_deg": num(self.azimuth_b_deg),
            "elevation_a_deg": num(self.elevation_a_deg, 2),
            "elevation_b_deg": num(self.elevation_b_deg, 2),
            "eirp_a_dbm": num(self.a.eirp_dbm),
            "eirp_b_dbm": num(self.b.eirp_dbm),
            "rx_a_dbm": num(self.ba.rx_dbm),
            "rx_b_dbm": num(self.ab.rx_dbm),
            "margin_db": num(self.margin_db),
            "mcs": self.mcs,
            "modulation": self.modulation,
            "phy_rate_mbps": num(self.phy_rate_mbps),
            "capacity_mbps": num(self.capacity_mbps),
            "capacity_ab_mbps": num(self.ab.capacity_mbps),
            "capacity_ba_mbps": num(self.ba.capacity_mbps),
            "clearance_pct": num(self.clearance_pct),
            "points": [
                {
                    "label": p.label,
                    "distance_km": num(p.distance_km, 3),
                    "f1_m": num(p.f1_m, 2),
                    "bulge_m": num(p.bulge_m, 2),
                    "clearance_pct": num(p.clearance_pct),
                }
                for p in self.points
            ],
            "availability_pct": num(self.availability_pct, 5),
            "latency_ms": num(self.latency_ms, 2),
            "verdict": self.verdict,
            "reasons": list(self.reasons),
        }


@dataclass
class SectorPlan:
    segment: str
    base_station: str
    sector: Sector
    radio: Radio
    stations: list[LinkPlan]
    max_clients: int | None

    @property
    def aggregate_mbps(self) -> float:
        """Sector throughput when every station gets equal air time: n / sum(1 / c_i)."""
        caps = [s.capacity_mbps for s in self.stations]
        if not caps or min(caps) <= 0:
            return 0.0
        return round(len(caps) / sum(1 / c for c in caps), 1)


@dataclass
class Conflict:
    """Two radios whose channels overlap: on one tower, or on towers of one town within range."""

    kind: Literal["same-tower", "neighbour"]
    first: Radio
    second: Radio
    distance_km: float
    over_noise_db: float | None = None  # neighbour: interference above the victim's noise floor
    victim: str = ""  # neighbour: the receiver that hears it


@dataclass
class RadioPlan:
    links: dict[str, LinkPlan] = field(default_factory=dict)
    sectors: dict[str, SectorPlan] = field(default_factory=dict)
    radios: list[Radio] = field(default_factory=list)  # every transmitter (sector, PtP end, station)
    conflicts: list[Conflict] = field(default_factory=list)
    _by_segment: dict[str, list[LinkPlan]] = field(default_factory=dict)
    _by_station: dict[str, LinkPlan] = field(default_factory=dict)
    _by_device: dict[str, list[Radio]] = field(default_factory=dict)

    def for_link(self, seg_id: str) -> LinkPlan | None:
        """The plan of a PtP link, by segment id ("ptp:rru-bb1") or link name ("rru-bb1")."""
        return self.links.get(seg_id if seg_id.startswith("ptp:") else f"ptp:{seg_id}")

    def for_segment(self, seg_id: str) -> list[LinkPlan]:
        """Every hop of a radio segment: one for a PtP link, one per station for a sector."""
        return self._by_segment.get(seg_id, [])

    def for_station(self, site: str, seg_id: str | None = None) -> LinkPlan | None:
        """The hop from a station (agency site) to its sector; `seg_id` optionally pins the sector."""
        lp = self._by_station.get(site)
        if lp is not None and seg_id is not None and lp.segment != seg_id:
            return None
        return lp

    def for_sector(self, seg_id: str) -> SectorPlan | None:
        return self.sectors.get(seg_id)

    def for_device(self, device: str) -> list[Radio]:
        """The radios a device carries (its sectors, PtP ends, or its CPE), with planned channel and power."""
        return self._by_device.get(device, [])

    def select(self, town: str | None = None, link: str | None = None) -> list[LinkPlan]:
        """Hops of one town and/or one link (by link name, station name, segment id or hop id)."""
        out = []
        for lp in self.links.values():
            if town is not None and lp.town != town:
                continue
            if link is not None and link not in (lp.name, lp.id, lp.segment, lp.id.removeprefix("ptp:")):
                continue
            out.append(lp)
        return out


# ------------------------------------------------------------------ building
class _Env:
    """Per-town settings resolved once: defaults, models, propagation factors."""

    def __init__(self, inv: Inventory, town: Town) -> None:
        d = inv.network.defaults
        self.d = d
        self.models = inv.network.radio_models
        self.k = town.k_factor or d.k_factor
        self.terrain = town.terrain or d.terrain
        self.climate = town.climate or d.climate


def _sector_radio(env: _Env, town: Town, topo: Topology, bs_name: str, sec: Sector) -> Radio | None:
    model = env.models.get(sec.radio_model)
    dev = topo.devices.get(bs_name)
    if model is None or dev is None:
        return None
    loc = dev.location
    return Radio(
        bs_name,
        town.name,
        "sector",
        f"sector {bs_name}/{sec.name}",
        sec.radio_model,
        model,
        sec.tx_power_dbm,
        sec.antenna_gain_dbi if sec.antenna_gain_dbi is not None else model.antenna_gain_dbi,
        sec.cable_loss_db if sec.cable_loss_db is not None else env.d.cable_loss_db,
        sec.height_m,
        loc.elevation_m,
        loc.lat,
        loc.lon,
        sec.frequency_mhz,
        sec.width_mhz,
        sec,
        sec,
    )


def _station_radio(env: _Env, town: Town, site: Site, sector: Radio) -> Radio | None:
    cpe = site.cpe
    name = cpe.radio_model or env.d.cpe_radio_model
    model = env.models.get(name)
    if model is None:
        return None
    loc = site.location
    return Radio(
        site.name,
        town.name,
        "station",
        f"station {site.name}",
        name,
        model,
        cpe.tx_power_dbm if cpe.tx_power_dbm is not None else env.d.cpe_tx_power_dbm,
        cpe.antenna_gain_dbi if cpe.antenna_gain_dbi is not None else model.antenna_gain_dbi,
        cpe.cable_loss_db if cpe.cable_loss_db is not None else env.d.cable_loss_db,
        cpe.height_m if cpe.height_m is not None else env.d.cpe_height_m,
        loc.elevation_m,
        loc.lat,
        loc.lon,
        sector.frequency_mhz,
        sector.width_mhz,
        site,
        sector.owner,
    )


def _ptp_radio(env: _Env, town: Town, topo: Topology, link: PtpLink, side: str) -> Radio | None:
    end: RadioEnd = getattr(link, side)
    model = env.models.get(end.radio_model)
    dev = topo.devices.get(end.device)
    if model is None or dev is None:
        return None
    loc = dev.location
    return Radio(
        end.device,
        town.name,
        "ptp",
        f"link {link.name} end {side}",
        end.radio_model,
        model,
        end.tx_power_dbm,
        end.antenna_gain_dbi if end.antenna_gain_dbi is not None else model.antenna_gain_dbi,
        end.cable_loss_db if end.cable_loss_db is not None else env.d.cable_loss_db,
        end.height_m,
        loc.elevation_m,
        loc.lat,
        loc.lon,
        link.frequency_mhz,
        link.width_mhz,
        end,
        link,
    )


def _direction(env: _Env, tx: Radio, rx: Radio, fspl: float, streams: int) -> Direction:
    level = fx.rx_level_dbm(tx.tx_power_dbm, tx.gain_dbi, tx.cable_loss_db, fspl, rx.gain_dbi, rx.cable_loss_db)
    choice = choose_mcs(level, tx.width_mhz, streams, rx.model.sensitivity_dbm, env.d.fade_margin_warning_db)
    cap = capacity_mbps(choice.mcs, tx.width_mhz, streams) if choice.mcs >= 0 else 0.0
    return Direction(tx.device, rx.device, tx.eirp_dbm, level, choice.mcs, choice.margin_db, cap, choice.margins_db)


def _points(env: _Env, a: Radio, b: Radio, dist: float, obstacles: list[Obstacle]) -> list[PathPoint]:
    """Mid-path over the straight ground line between the two ends, then every declared obstacle."""
    f = a.frequency_mhz

    def point(label: str, d1: float, top: float, node: Node | None) -> PathPoint:
        d1 = min(max(d1, 0.0), dist)
        d2 = dist - d1
        return PathPoint(
            label,
            d1,
            top,
            fx.fresnel_radius_m(d1, d2, f),
            fx.earth_bulge_m(d1, d2, env.k),
            fx.clearance_pct(a.asl_m, b.asl_m, dist, d1, top, f, env.k),
            node,
        )

    out = [point("mid-path", dist / 2, (a.ground_m + b.ground_m) / 2, None)] if dist > 0 else []
    for ob in obstacles:
        out.append(point(ob.note or f"obstacle at {ob.distance_km:g} km", ob.distance_km, ob.height_m, ob))
    return out


def _link(
    env: _Env, kind: Literal["ptp", "sector"], lid: str, seg: str, a: Radio, b: Radio, obstacles: list[Obstacle]
) -> LinkPlan:
    dist = fx.haversine_km(a.lat, a.lon, b.lat, b.lon)
    fspl = fx.fspl_db(a.frequency_mhz, dist)
    streams = min(a.model.streams, b.model.streams)
    ab = _direction(env, a, b, fspl, streams)
    ba = _direction(env, b, a, fspl, streams)
    margin = min(ab.margin_db, ba.margin_db)
    avail = fx.availability_pct(a.frequency_mhz, dist, margin, env.terrain, env.climate)
    cap = min(ab.capacity_mbps, ba.capacity_mbps)
    latency = fx.propagation_ms(dist) + HOP_LATENCY_MS[kind] + (FRAME_BITS / (cap * 1000.0) if cap > 0 else 0.0)
    lp = LinkPlan(
        lid,
        kind,
        seg,
        a.town,
        a,
        b,
        a.frequency_mhz,
        a.width_mhz,
        streams,
        dist,
        fx.azimuth_deg(a.lat, a.lon, b.lat, b.lon),
        fx.azimuth_deg(b.lat, b.lon, a.lat, a.lon),
        ab,
        ba,
        _points(env, a, b, dist, obstacles),
        avail,
        latency,
    )
    lp.elevation_a_deg = fx.elevation_deg(a.asl_m, b.asl_m, dist, env.k)
    lp.elevation_b_deg = fx.elevation_deg(b.asl_m, a.asl_m, dist, env.k)
    if kind == "sector" and isinstance(a.node, Sector):
        lp.beamwidth_deg = a.node.beamwidth_deg or a.model.beamwidth_deg
        lp.off_axis_deg = fx.angle_off(lp.azimuth_a_deg, a.node.azimuth_deg)
    _judge(env, lp)
    return lp


def _judge(env: _Env, lp: LinkPlan) -> None:
    """Verdict of the physical link: margin, clearance, range, beam coverage."""
    errors: list[str] = []
    warnings: list[str] = []
    if lp.mcs < 0 or lp.margin_db < env.d.fade_margin_error_db:
        errors.append(f"fade margin {lp.margin_db:.1f} dB < {env.d.fade_margin_error_db:g} dB")
    elif lp.margin_db < env.d.fade_margin_warning_db:
        warnings.append(f"fade margin {lp.margin_db:.1f} dB < {env.d.fade_margin_warning_db:g} dB")
    clr = lp.clearance_pct
    if clr < MIN_CLEARANCE_PCT:
        errors.append(f"Fresnel clearance {clr:.0f} % < {MIN_CLEARANCE_PCT:g} %")
    elif clr < FULL_CLEARANCE_PCT:
        warnings.append(f"Fresnel clearance {clr:.0f} % < {FULL_CLEARANCE_PCT:g} %")
    if lp.distance_km > lp.max_range_km:
        errors.append(f"{lp.distance_km:.2f} km > radio range {lp.max_range_km:g} km")
    if lp.off_axis_deg is not None and lp.beamwidth_deg is not None and lp.off_axis_deg > lp.beamwidth_deg / 2:
        errors.append(f"station {lp.off_axis_deg:.0f} deg off the sector axis (beam +/- {lp.beamwidth_deg / 2:g})")
    lp.reasons = errors + warnings
    lp.verdict = "error" if errors else "warning" if warnings else "ok"


def _pair(kind: Literal["same-tower", "neighbour"], r1: Radio, r2: Radio, dist: float) -> Conflict:
    """A conflict whose `second` is the radio written later in the files: findings point at the newcomer."""
    p1, p2 = r1.owner.pos, r2.owner.pos
    if p1 is not None and p2 is not None and p2 < p1:
        r1, r2 = r2, r1
    return Conflict(kind, r1, r2, dist)


def _conflicts(plan: RadioPlan, towers: dict[str, list[Radio]]) -> None:
    """Overlapping channels on one tower, and between channel owners that hear each other (radio.interference)."""
    for radios in towers.values():
        for i, r1 in enumerate(radios):
            for r2 in radios[i + 1 :]:
                if overlaps(r1.edges, r2.edges):
                    plan.conflicts.append(_pair("same-tower", r1, r2, 0.0))
    from countynet.radio.interference import neighbour_conflicts  # needs the finished plan

    for first, second, level, _tx, rx in neighbour_conflicts(plan):
        c = _pair("neighbour", first.anchor, second.anchor, 0.0)
        c.distance_km = fx.haversine_km(c.first.lat, c.first.lon, c.second.lat, c.second.lon)
        c.over_noise_db, c.victim = level, rx.device
        plan.conflicts.append(c)


def plan_radio(inv: Inventory, topo: Topology, conflicts: bool = True) -> RadioPlan:
    """Plan every PtP link and every sector station of the inventory (see the module docstring).

    `conflicts=False` skips the channel-conflict search (the planner's draft, before it has channels).
    """
    plan = RadioPlan()
    towers: dict[str, list[Radio]] = {}  # device -> radios mounted there (sectors and PtP ends)

    def add(r: Radio, tower: bool) -> None:
        plan.radios.append(r)
        plan._by_device.setdefault(r.device, []).append(r)
        if tower:
            towers.setdefault(r.device, []).append(r)

    for town in inv.towns:
        env = _Env(inv, town)
        for link in town.links:
            ptp_id = f"ptp:{link.name}"
            ra = _ptp_radio(env, town, topo, link, "a")
            rb = _ptp_radio(env, town, topo, link, "b")
            for r in (ra, rb):
                if r is not None:
                    add(r, True)
            if ra is None or rb is None or ra.device == rb.device or ptp_id in plan.links:
                continue
            lp = _link(env, "ptp", ptp_id, ptp_id, ra, rb, link.obstacles)
            plan.links[ptp_id] = lp
            plan._by_segment.setdefault(ptp_id, []).append(lp)
        for bs in town.base_stations:
            for sec in bs.sectors:
                seg_id = f"sector:{bs.name}/{sec.name}"
                seg = topo.segments.get(seg_id)
                if seg is None or seg.sector is not sec:
                    continue  # a duplicate sector name: CN104 reports it
                radio = _sector_radio(env, town, topo, bs.name, sec)
                if radio is None:
                    continue
                add(radio, True)
                sp = SectorPlan(seg_id, bs.name, sec, radio, [], sec.max_clients or radio.model.max_clients)
                plan.sectors[seg_id] = sp
                for member in seg.members[1:]:
                    entry = topo.sites.get(member)
                    if entry is None or member in plan._by_station:
                        continue
                    site = entry[1]
                    station = _station_radio(env, town, site, radio)
                    if station is None:
                        continue
                    add(station, False)
                    lp = _link(env, "sector", f"{seg_id}>{site.name}", seg_id, radio, station, site.obstacles)
                    plan.links[lp.id] = lp
                    plan._by_segment.setdefault(seg_id, []).append(lp)
                    plan._by_station[site.name] = lp
                    sp.stations.append(lp)
    if conflicts:
        _conflicts(plan, towers)
    return plan


# ------------------------------------------------------------------ single hops (the planner's what-if)
def hop_env(inv: Inventory, town: Town) -> _Env:
    """The per-town settings a hop is planned with (defaults, models, k, terrain, climate)."""
    return _Env(inv, town)


def plan_hop(
    env: _Env, kind: Literal["ptp", "sector"], a: Radio, b: Radio, obstacles: list[Obstacle] | None = None
) -> LinkPlan:
    """Plan one candidate hop exactly as plan_radio would: the planner tries options with this."""
    lid = f"candidate:{a.device}>{b.device}"
    return _link(env, kind, lid, lid, a, b, obstacles or [])
