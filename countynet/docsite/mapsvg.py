"""A town's radio map as inline SVG: hub, towers, sector beams, hops coloured by fade margin, sites by state.

Positions are projected flat around the hub (a town is a few km across, so an equirectangular
projection is within a fraction of a pixel). Every figure shown comes from the radio plan
(margins, azimuths, distances); nothing is recomputed here. Each element carries data-kind and
data-name so the browser tests (and scripts) can count them; hops are focusable and their
figures sit in data-figures for the page's inline script.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from countynet.docsite.svg import MARGIN_COLOUR, STATE_COLOUR, attrs, esc, margin_band, n, open_svg, slug
from countynet.inventory.model import Coordinates, Town
from countynet.inventory.topology import Topology
from countynet.radio.plan import LinkPlan, RadioPlan, SectorPlan

W, H, PAD = 960, 640, 48
KM_PER_DEG = 111.195
POP_NEAR_KM = 25.0  # a PoP farther than this is drawn at the map edge, in its direction


@dataclass(frozen=True)
class MapInput:
    town: Town
    topo: Topology
    radio: RadioPlan
    pop_name: str | None
    pop_at: Coordinates | None
    states: dict[str, dict[str, str]]  # target (lab, field...) -> device -> rollout state
    default: str | None  # the target shown first
    error_db: float
    warning_db: float
    device_href: str = "../devices/{}.html"


class _Proj:
    """lat/lon -> SVG pixels, fitted to the points given, north up, same scale both ways."""

    def __init__(self, centre: Coordinates, points: list[tuple[float, float]]) -> None:
        self.lat0, self.lon0 = centre.lat, centre.lon
        self.kx = KM_PER_DEG * math.cos(math.radians(self.lat0))
        xs = [p[0] for p in points] or [0.0]
        ys = [p[1] for p in points] or [0.0]
        self.scale = min((W - 2 * PAD) / max(max(xs) - min(xs), 1.0), (H - 2 * PAD) / max(max(ys) - min(ys), 1.0))
        self.ox = W / 2 - self.scale * (max(xs) + min(xs)) / 2
        self.oy = H / 2 + self.scale * (max(ys) + min(ys)) / 2

    def km(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * KM_PER_DEG

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self.km(lat, lon)
        return self.ox + x * self.scale, self.oy - y * self.scale


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Labels:
    """Places name labels beside their markers, avoiding the labels already placed (a hub and a
    tower on one compound, or the PoP next to the hub, would otherwise print over each other)."""

    NEAR = ((12, -8, "start"), (12, 18, "start"), (-12, -8, "end"), (-12, 18, "end"))
    SPOTS = (
        *NEAR,
        *((2 * dx, dy, anchor) for dx, dy, anchor in NEAR),
        (0, -18, "middle"),
        (0, 30, "middle"),
        (0, -32, "middle"),
        (0, 44, "middle"),
    )

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []  # markers to keep visible
        self.placed: list[tuple[float, float, float, float]] = []  # labels already placed
        self.texts: list[str] = []  # drawn last, over every marker

    def place(self, x: float, y: float, text: str) -> None:
        w, h = 7.2 * len(text), 17.0
        best: tuple[int, int, int, str, tuple[float, float, float, float]] | None = None
        for dx, dy, anchor in self.SPOTS:  # the first free spot, else the one hiding the fewest things
            left = x + dx - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
            box = (left, y + dy - h + 4, left + w, y + dy + 4)
            hits = sum(_overlap(box, b) for b in self.boxes) + 10 * sum(_overlap(box, b) for b in self.placed)
            if best is None or hits < best[0]:
                best = (hits, dx, dy, anchor, box)
            if not hits:
                break
        assert best is not None
        _hits, dx, dy, anchor, box = best
        self.placed.append(box)
        self.texts.append(
            f'<text class="label" x="{n(x + dx)}" y="{n(y + dy)}" text-anchor="{anchor}">{esc(text)}</text>'
        )


def _beamwidth(sp: SectorPlan) -> float:
    return sp.sector.beamwidth_deg if sp.sector.beamwidth_deg is not None else sp.radio.model.beamwidth_deg


def _reach_km(sp: SectorPlan) -> float:
    """How far the drawn beam reaches: a little past its farthest station (2 km with none)."""
    return max((lp.distance_km for lp in sp.stations), default=2.0) * 1.15 or 2.0


def _wedge(cx: float, cy: float, r: float, az: float, bw: float) -> str:
    if bw >= 359.9:
        return f"M{n(cx - r)},{n(cy)}a{n(r)},{n(r)} 0 1,0 {n(2 * r)},0a{n(r)},{n(r)} 0 1,0 {n(-2 * r)},0Z"
    a0, a1 = math.radians(az - bw / 2), math.radians(az + bw / 2)
    x0, y0 = cx + r * math.sin(a0), cy - r * math.cos(a0)
    x1, y1 = cx + r * math.sin(a1), cy - r * math.cos(a1)
    large = 1 if bw > 180 else 0
    return f"M{n(cx)},{n(cy)}L{n(x0)},{n(y0)}A{n(r)},{n(r)} 0 {large},1 {n(x1)},{n(y1)}Z"


def hop_figures(lp: LinkPlan) -> dict[str, object]:
    """What a click on a hop shows: the plan's own figures for it."""
    d = lp.as_dict()
    keys: tuple[str, ...] = ("name", "kind", "a", "b", "distance_km", "azimuth_a_deg", "azimuth_b_deg")
    keys += ("frequency_mhz", "width_mhz", "rx_a_dbm", "rx_b_dbm", "margin_db", "mcs", "modulation")
    keys += ("capacity_mbps", "clearance_pct", "availability_pct", "verdict")
    return {k: d[k] for k in keys}


def _sectors(m: MapInput, p: _Proj, out: list[str]) -> None:
    for bs in m.town.base_stations:
        for sec in bs.sectors:
            sp = m.radio.for_sector(f"sector:{bs.name}/{sec.name}")
            if sp is None:
                continue
            cx, cy = p.xy(bs.location.lat, bs.location.lon)
            bw, r = _beamwidth(sp), _reach_km(sp) * p.scale
            label = (
                f"{bs.name}/{sec.name}: azimuth {n(sec.azimuth_deg)}°, beamwidth {n(bw)}°, "
                f"{n(sec.frequency_mhz)} MHz / {sec.width_mhz} MHz, {len(sp.stations)} station(s)"
            )
            out.append(
                f'<path class="sector"{attrs(data_kind="sector", data_name=f"{bs.name}/{sec.name}")}'
                f' d="{_wedge(cx, cy, r, sec.azimuth_deg, bw)}"><title>{esc(label)}</title></path>'
            )


def _hops(m: MapInput, p: _Proj, out: list[str]) -> None:
    for lp in sorted(m.radio.select(town=m.town.name), key=lambda x: x.id):
        band = margin_band(lp.margin_db, m.error_db, m.warning_db)
        (x0, y0), (x1, y1) = p.xy(lp.a.lat, lp.a.lon), p.xy(lp.b.lat, lp.b.lon)
        label = (
            f"{lp.kind} hop {lp.name} ({lp.a.device} - {lp.b.device}): {lp.distance_km:.2f} km, "
            f"fade margin {lp.margin_db:.1f} dB, MCS {lp.mcs} {lp.modulation}, {lp.capacity_mbps:.1f} Mbit/s"
        )
        figures = json.dumps(hop_figures(lp), sort_keys=True, separators=(",", ":"))
        out.append(
            f'<line class="hop hop-{lp.kind} m-{band}"'
            + attrs(
                data_kind="hop", data_name=lp.id, data_figures=figures, tabindex="0", role="button", aria_label=label
            )
            + f' x1="{n(x0)}" y1="{n(y0)}" x2="{n(x1)}" y2="{n(y1)}" stroke="{MARGIN_COLOUR[band]}">'
            f"<title>{esc(label)}</title></line>"
        )


def _device(m: MapInput, name: str, kind: str, shape: str, label: str) -> str:
    state = m.states[m.default].get(name, "planned") if m.default else "planned"
    per_target = {f"data_state_{t}": m.states[t].get(name, "planned") for t in sorted(m.states)}
    status = ", ".join(f"{t}: {v}" for t, v in zip(sorted(m.states), per_target.values(), strict=True)) or "planned"
    return (
        f'<a href="{esc(m.device_href.format(slug(name)))}"'
        + attrs(data_kind=kind, data_name=name, data_state=state, **per_target)
        + f">{shape}<title>{esc(label)} ({esc(status)})</title></a>"
    )


def _pop(m: MapInput, p: _Proj, out: list[str], labels: _Labels) -> None:
    if m.pop_at is None:
        return
    hx, hy = p.xy(m.town.hub.location.lat, m.town.hub.location.lon)
    kx, ky = p.km(m.pop_at.lat, m.pop_at.lon)
    hkx, hky = p.km(m.town.hub.location.lat, m.town.hub.location.lon)
    dist = math.hypot(kx - hkx, ky - hky)
    if dist <= POP_NEAR_KM:
        x, y = p.xy(m.pop_at.lat, m.pop_at.lon)
        note = f"{dist:.1f} km"
    else:  # at the edge of the map, towards it
        ang = math.atan2(kx - hkx, ky - hky)
        x = min(max(hx + math.sin(ang) * W, PAD / 2), W - PAD / 2)
        y = min(max(hy - math.cos(ang) * H, PAD / 2), H - PAD / 2)
        note = f"{dist:.0f} km away, off the map"
    label = f"NOFBI PoP {m.pop_name} ({note}): eBGP handoff from {m.town.hub.name}"
    labels.place(x, y, m.pop_name or "")
    out.append(
        f'<line class="handoff" x1="{n(hx)}" y1="{n(hy)}" x2="{n(x)}" y2="{n(y)}"><title>{esc(label)}</title></line>'
    )
    out.append(
        f"<g{attrs(data_kind='pop', data_name=m.pop_name, class_='pop')}>"
        f'<polygon points="{n(x)},{n(y - 10)} {n(x + 10)},{n(y)} {n(x)},{n(y + 10)} {n(x - 10)},{n(y)}"/>'
        f"<title>{esc(label)}</title></g>"
    )


def _scale_bar(p: _Proj, out: list[str]) -> None:
    km = next((k for k in (0.5, 1, 2, 5, 10, 20, 50) if k * p.scale >= 80), 100)
    px = km * p.scale
    out.append(
        f'<g class="scale" aria-hidden="true"><line x1="16" y1="{H - 16}" x2="{n(16 + px)}" y2="{H - 16}"/>'
        f'<text x="16" y="{H - 22}">{n(km)} km</text></g>'
        '<g class="north" aria-hidden="true"><path d="M932,44 l8,-22 l8,22 l-8,-6z"/><text x="935" y="58">N</text></g>'
    )


def _projection(m: MapInput) -> _Proj:
    """A projection that fits every device, every sector's beam and a nearby NOFBI PoP."""
    town = m.town
    pts = [(town.hub.location.lat, town.hub.location.lon)]
    pts += [(b.location.lat, b.location.lon) for b in town.base_stations]
    pts += [(s.location.lat, s.location.lon) for s in town.sites]
    probe = _Proj(town.hub.location, [])
    km = [probe.km(*q) for q in pts]
    for bs in town.base_stations:  # room for the beams
        bx, by = probe.km(bs.location.lat, bs.location.lon)
        for sec in bs.sectors:
            sp = m.radio.for_sector(f"sector:{bs.name}/{sec.name}")
            if sp is not None and _beamwidth(sp) < 359.9:
                r, a = _reach_km(sp), math.radians(sec.azimuth_deg)
                km.append((bx + r * math.sin(a), by + r * math.cos(a)))
    if m.pop_at is not None:
        pk = probe.km(m.pop_at.lat, m.pop_at.lon)
        if math.hypot(*pk) <= POP_NEAR_KM:
            km.append(pk)
    return _Proj(town.hub.location, km)


def _fibre(m: MapInput, p: _Proj, out: list[str]) -> None:
    for seg in sorted(m.topo.segments.values(), key=lambda s: s.id):
        if seg.kind == "fibre" and seg.town == m.town.name and all(x in m.topo.devices for x in seg.members):
            (x0, y0), (x1, y1) = (
                p.xy(m.topo.devices[x].location.lat, m.topo.devices[x].location.lon) for x in seg.members
            )
            label = f"fibre {seg.members[0]} - {seg.members[1]}"
            out.append(
                f'<line class="fibre" x1="{n(x0)}" y1="{n(y0)}" x2="{n(x1)}" y2="{n(y1)}"><title>{esc(label)}</title></line>'
            )


def town_map(m: MapInput) -> str:
    """The map of one town as an inline <svg> element."""
    town = m.town
    p = _projection(m)
    hops = m.radio.select(town=town.name)
    out = open_svg(
        W,
        H,
        f"Radio map of {town.name}",
        f"{len(town.base_stations)} towers, {sum(len(b.sectors) for b in town.base_stations)} sectors, "
        f"{len(hops)} radio hops and {len(town.sites)} agency sites around the hub {town.hub.name}.",
        "town-map",
    )
    _scale_bar(p, out)
    out.append('<g class="sectors">')
    _sectors(m, p, out)
    out.append('</g><g class="wired">')
    _fibre(m, p, out)
    hx, hy = p.xy(town.hub.location.lat, town.hub.location.lon)
    labels = _Labels()
    labels.boxes.append((hx - 10, hy - 10, hx + 10, hy + 10))  # keep the hub marker itself clear
    for site in town.sites:  # and every site marker (a failed site must stay visible)
        sx, sy = p.xy(site.location.lat, site.location.lon)
        labels.boxes.append((sx - 7, sy - 7, sx + 7, sy + 7))
    labels.place(hx, hy, town.hub.name)
    _pop(m, p, out, labels)
    out.append('</g><g class="hops">')
    _hops(m, p, out)
    out.append('</g><g class="devices">')
    for s in town.sites:
        x, y = p.xy(s.location.lat, s.location.lon)
        out.append(_device(m, s.name, "site", f'<circle cx="{n(x)}" cy="{n(y)}" r="6"/>', f"{s.name} ({s.agency})"))
    for bs in town.base_stations:
        x, y = p.xy(bs.location.lat, bs.location.lon)
        tri = f'<polygon points="{n(x)},{n(y - 11)} {n(x + 10)},{n(y + 7)} {n(x - 10)},{n(y + 7)}"/>'
        out.append(_device(m, bs.name, "tower", tri, f"tower {bs.name}"))
        labels.place(x, y, bs.name)
    sq = f'<rect x="{n(hx - 9)}" y="{n(hy - 9)}" width="18" height="18"/>'
    out.append(_device(m, town.hub.name, "hub", sq, f"hub {town.hub.name}"))
    out.append('</g><g class="labels" aria-hidden="true">' + "".join(labels.texts))
    out.append("</g></svg>")
    return "\n".join(out)


def legend() -> str:
    """The map's key, as an HTML list (readable by screen readers, unlike colours)."""
    items = [f'<li><span class="sw" style="background:{c}"></span>site {s}</li>' for s, c in STATE_COLOUR.items()]
    items += [
        f'<li><span class="ln" style="background:{MARGIN_COLOUR[b]}"></span>hop, margin {w}</li>'
        for b, w in (("ok", "≥ warning"), ("low", "< warning"), ("poor", "< error"))
    ]
    items += ["<li>■ hub · ▲ tower · ◆ NOFBI PoP · dashed: fibre / handoff · wedge: sector beam</li>"]
    return '<ul class="legend">' + "".join(items) + "</ul>"
