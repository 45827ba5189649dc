"""CN3xx: radio links and spectrum, read from the radio plan (countynet.radio.plan).

Link budgets and clearance decide whether a hop works; the spectrum rules decide whether it
is lawful in Kenya (CA SRD guidelines 2022) and whether towers will interfere. Objects whose
radio model is unknown are absent from the plan (CN113 reports them), so nothing here crashes.
"""

from __future__ import annotations

from collections.abc import Iterator

from countynet.checks.registry import Issue, rule
from countynet.errors import Pos
from countynet.findings import Severity
from countynet.model import Model
from countynet.radio.plan import FULL_CLEARANCE_PCT, MIN_CLEARANCE_PCT, LinkPlan, Radio, RadioPlan
from countynet.radio.spectrum import BANDS, band_of, density_dbm_mhz, is_dfs, limited_eirp_dbm

PLACE_WORDS = {"sector": "a sector", "station": "a station (CPE)", "ptp": "a point-to-point end"}


def _at(lp: LinkPlan) -> Pos | None:
    """Where a link finding points: the station's site entry, or the PtP link entry."""
    return lp.b.node.pos if lp.kind == "sector" else lp.a.owner.pos


def _what(lp: LinkPlan) -> str:
    if lp.kind == "sector":
        return f"station '{lp.b.device}' on {lp.a.label}"
    return f"link '{lp.name}'"


def _towers(plan: RadioPlan) -> Iterator[Radio]:
    """Radios whose channel is written on them (sectors, PtP ends): one per channel owner."""
    seen: set[int] = set()
    for r in plan.radios:
        if r.place != "station" and id(r.owner) not in seen:
            seen.add(id(r.owner))
            yield r


def _chan(r: Radio) -> str:
    lo, hi = r.edges
    return f"{lo:g}-{hi:g} MHz"


def _owner_name(r: Radio) -> str:
    return r.label if r.place == "sector" else f"link {r.label.split()[1]}"


# ------------------------------------------------------------------ link budget
@rule("CN301", "fade-margin", "error", "fade margin below the error target (error) or the warning level (warning)")
def fade_margin(ctx: Model) -> Iterator[Issue]:
    """Below the fade-margin target the hop drops in ordinary rain and multipath fades at 5.8 GHz (ITU-R P.530 outage),
    and the agency behind it loses IFMIS payroll access for the duration."""
    d = ctx.inv.network.defaults
    for lp in ctx.radio.links.values():
        weak = lp.ab if lp.ab.margin_db <= lp.ba.margin_db else lp.ba
        sev: Severity
        if lp.mcs < 0 or lp.margin_db < d.fade_margin_error_db:
            sev, target = "error", d.fade_margin_error_db
        elif lp.margin_db < d.fade_margin_warning_db:
            sev, target = "warning", d.fade_margin_warning_db
        else:
            continue
        mcs = f"MCS{weak.mcs}" if weak.mcs >= 0 else "MCS0"
        yield Issue(
            _at(lp),
            f"{_what(lp)}: fade margin {lp.margin_db:.1f} dB at {mcs} ({weak.tx} -> {weak.rx}: "
            f"{weak.rx_dbm:.1f} dBm over {lp.distance_km:.2f} km) is below {target:g} dB",
            "raise tx power within the EIRP limit, use higher-gain antennas, or a narrower channel",
            severity=sev,
        )


@rule("CN302", "fresnel-clearance", "error", "first Fresnel zone less than 60 % clear (error) or 100 % (warning)")
def fresnel_clearance(ctx: Model) -> Iterator[Issue]:
    """With less than 60 % of the first Fresnel zone clear (ITU-R P.530) terrain or buildings add diffraction loss the
    link budget does not count, so the hop fades far more often than planned."""
    for lp in ctx.radio.links.values():
        for p in lp.points:
            if p.clearance_pct >= FULL_CLEARANCE_PCT:
                continue
            sev: Severity = "error" if p.clearance_pct < MIN_CLEARANCE_PCT else "warning"
            yield Issue(
                p.node.pos if p.node is not None else _at(lp),
                f"{_what(lp)}: {p.clearance_pct:.0f} % of the first Fresnel zone clear at {p.label} "
                f"({p.distance_km:.2f} km; F1 {p.f1_m:.1f} m, earth bulge {p.bulge_m:.1f} m)",
                f"raise the antennas so at least {MIN_CLEARANCE_PCT:g} % (better 100 %) of F1 is clear",
                severity=sev,
            )


@rule("CN308", "link-too-long", "error", "a radio hop is longer than its radio model's max_range_km")
def link_too_long(ctx: Model) -> Iterator[Issue]:
    """Beyond the radio model's rated range its timing (ACK timeout, TDMA) and link budget no longer hold, so the hop
    links poorly or not at all."""
    for lp in ctx.radio.links.values():
        if lp.distance_km > lp.max_range_km:
            yield Issue(
                _at(lp),
                f"{_what(lp)} is {lp.distance_km:.2f} km long; the radios reach {lp.max_range_km:g} km",
                "use a longer-range radio model, or relay through a nearer tower",
            )


@rule("CN309", "station-outside-sector", "error", "a station lies outside its sector's azimuth +/- beamwidth/2")
def station_outside_sector(ctx: Model) -> Iterator[Issue]:
    """A station outside its sector's beam gets only side-lobe gain, far below what the link budget assumed, so it links
    at a low rate or not at all."""
    for lp in ctx.radio.links.values():
        if lp.off_axis_deg is None or lp.beamwidth_deg is None or lp.off_axis_deg <= lp.beamwidth_deg / 2:
            continue
        sec = lp.a.node
        yield Issue(
            lp.b.node.pos_of("connect"),
            f"station '{lp.b.device}' is at bearing {lp.azimuth_a_deg:.0f} deg from {lp.a.device}, "
            f"{lp.off_axis_deg:.0f} deg off {lp.a.label} (azimuth {getattr(sec, 'azimuth_deg', 0):g}, "
            f"beam +/- {lp.beamwidth_deg / 2:g} deg)",
            "connect it to a sector that faces it, or turn the sector",
        )


# ------------------------------------------------------------------ spectrum
@rule("CN303", "eirp-limit", "error", "EIRP or EIRP density above the Kenyan licence-exempt band limit")
def eirp_limit(ctx: Model) -> Iterator[Issue]:
    """Licence-exempt operation in Kenya is conditional on the EIRP limits of the CA SRD guidelines 2022; a radio above
    them is unlicensed transmission the Communications Authority can order switched off."""
    for r in ctx.radio.radios:
        band = band_of(r.frequency_mhz, r.width_mhz)
        if band is None:
            continue  # CN304
        eirp = r.eirp_dbm
        limited = limited_eirp_dbm(band, eirp, r.width_mhz)
        if limited > band.max_eirp_dbm + 1e-9:
            share = f", {limited:.1f} dBm in any {band.per_mhz:g} MHz," if band.per_mhz and limited != eirp else ""
            yield Issue(
                r.pos_of("tx_power_dbm"),
                f"{r.label}: EIRP {eirp:.1f} dBm ({r.tx_power_dbm:g} dBm + {r.gain_dbi:g} dBi - "
                f"{r.cable_loss_db:g} dB){share} exceeds {band.max_eirp_dbm:.0f} dBm in {band.label}",
                f"lower tx_power_dbm to {r.tx_power_dbm - (limited - band.max_eirp_dbm):.1f} or less; "
                "CA Kenya SRD guidelines 2022, 5.8",
            )
        elif band.max_density_dbm_mhz is not None:
            dens = density_dbm_mhz(eirp, r.width_mhz)
            if dens > band.max_density_dbm_mhz + 1e-9:
                yield Issue(
                    r.pos_of("tx_power_dbm"),
                    f"{r.label}: EIRP density {dens:.1f} dBm/MHz over {r.width_mhz} MHz exceeds "
                    f"{band.max_density_dbm_mhz:.0f} dBm/MHz in {band.label}",
                    "lower tx_power_dbm or widen the channel; CA Kenya SRD guidelines 2022, 5.8",
                )


@rule("CN304", "band-not-exempt", "error", "a channel is not wholly inside a Kenyan licence-exempt outdoor band")
def band_not_exempt(ctx: Model) -> Iterator[Issue]:
    """Only the bands the CA SRD guidelines 2022 exempt may be used outdoors without a licence; a channel partly outside
    them is unlicensed transmission."""
    allowed = ", ".join(b.label for b in BANDS if b.outdoor)
    for r in _towers(ctx.radio):
        band = band_of(r.frequency_mhz, r.width_mhz)
        if band is None:
            yield Issue(
                r.owner.pos_of("frequency_mhz"),
                f"{_owner_name(r)}: channel {_chan(r)} is not inside one licence-exempt band",
                f"pick a channel inside {allowed}, or license the frequency with CA",
            )
        elif not band.outdoor:
            yield Issue(
                r.owner.pos_of("frequency_mhz"),
                f"{_owner_name(r)}: channel {_chan(r)} is in {band.label}, which is for indoor use only",
                f"outdoor links must use {allowed}",
            )


@rule("CN305", "dfs-channel", "warning", "a channel overlaps a DFS range (5250-5350, 5470-5725 MHz)")
def dfs_channel(ctx: Model) -> Iterator[Issue]:
    """In DFS ranges the radio must vacate the channel when it detects radar, so the hop can go silent for minutes
    without warning; use them only where that is acceptable."""
    for r in _towers(ctx.radio):
        if is_dfs(r.frequency_mhz, r.width_mhz) and band_of(r.frequency_mhz, r.width_mhz) is not None:
            yield Issue(
                r.owner.pos_of("frequency_mhz"),
                f"{_owner_name(r)}: channel {_chan(r)} needs DFS; radar detection can take the link "
                "off the air for a minute or more",
                "prefer 5725-5875 MHz for backhaul; if DFS is unavoidable, plan a fallback channel",
            )


@rule("CN306", "tower-channel-overlap", "error", "two radios on one tower use overlapping channels")
def tower_channel_overlap(ctx: Model) -> Iterator[Issue]:
    """Two radios on one tower with overlapping channels deafen each other at a few metres' distance; both hops lose
    throughput or drop."""
    for c in ctx.radio.conflicts:
        if c.kind == "same-tower":
            yield Issue(
                c.second.owner.pos_of("frequency_mhz"),
                f"{_owner_name(c.second)}: channel {_chan(c.second)} overlaps {_owner_name(c.first)} "
                f"at {_chan(c.first)} on the same tower {c.first.device}",
                "give each radio on a tower its own, non-overlapping channel",
            )


@rule(
    "CN307",
    "neighbour-channel-reuse",
    "warning",
    "a reused channel is heard at or above the noise floor by another tower's or station's receiver",
)
def neighbour_channel_reuse(ctx: Model) -> Iterator[Issue]:
    """A reused channel heard at or above the noise floor raises the interference floor of another tower's receiver,
    eating the fade margin its link budget assumed."""
    for c in ctx.radio.conflicts:
        if c.kind == "neighbour":
            yield Issue(
                c.second.owner.pos_of("frequency_mhz"),
                f"{_owner_name(c.second)} on {c.second.device}: channel {_chan(c.second)} overlaps "
                f"{_owner_name(c.first)} at {_chan(c.first)} on {c.first.device}, {c.distance_km:.2f} km away; "
                f"{c.victim} hears it {c.over_noise_db or 0.0:.0f} dB over its noise floor",
                "use a different channel, or turn the antennas away from each other",
            )


# ------------------------------------------------------------------ radio model fit
@rule("CN310", "tx-power-over-model", "error", "tx power above the radio model's max_tx_power_dbm")
def tx_power_over_model(ctx: Model) -> Iterator[Issue]:
    """A radio cannot transmit above its hardware maximum; a plan that assumes more overstates the link budget, so the
    hop fades more than planned."""
    for r in ctx.radio.radios:
        if r.tx_power_dbm > r.model.max_tx_power_dbm:
            yield Issue(
                r.pos_of("tx_power_dbm"),
                f"{r.label}: tx power {r.tx_power_dbm:g} dBm is above {r.model_name}'s maximum "
                f"{r.model.max_tx_power_dbm:g} dBm",
                f"set tx_power_dbm to {r.model.max_tx_power_dbm:g} or less",
            )


@rule("CN311", "radio-model-kind", "error", "a radio model is used in a place of the wrong kind (sector/station/ptp)")
def radio_model_kind(ctx: Model) -> Iterator[Issue]:
    """Sector, station and PtP radios differ in antenna and firmware role; a model in the wrong place cannot be
    configured as the plan assumes."""
    for r in ctx.radio.radios:
        if r.model.kind != r.place:
            yield Issue(
                r.pos_of("radio_model"),
                f"{r.label}: radio model '{r.model_name}' is a {r.model.kind} radio, used as {PLACE_WORDS[r.place]}",
                f"choose a radio model of kind '{r.place}'",
            )


@rule("CN312", "sector-clients", "error", "more stations on a sector than its max_clients (sector or model)")
def sector_clients(ctx: Model) -> Iterator[Issue]:
    """A sector serves a bounded number of clients; past it stations fail to associate or share air time so thinly that
    every site behind it slows."""
    for sp in ctx.radio.sectors.values():
        n = len(sp.stations)
        if sp.max_clients is not None and n > sp.max_clients:
            yield Issue(
                sp.sector.pos_of("max_clients") if sp.sector.max_clients is not None else sp.sector.pos,
                f"{sp.radio.label} serves {n} stations; its limit is {sp.max_clients}",
                "move stations to another sector or add a sector",
            )


@rule("CN313", "width-unsupported", "error", "a channel width the radio model does not support")
def width_unsupported(ctx: Model) -> Iterator[Issue]:
    """A channel width the radio cannot set is refused by the device at deploy time, or silently replaced, changing the
    capacity and spectrum the plan assumed."""
    for r in ctx.radio.radios:
        if r.width_mhz not in r.model.widths_mhz:
            widths = ", ".join(str(w) for w in r.model.widths_mhz)
            at = r.pos_of("radio_model") if r.place == "station" else r.owner.pos_of("width_mhz")
            yield Issue(
                at,
                f"{r.label}: radio model '{r.model_name}' does not support {r.width_mhz} MHz channels",
                f"use one of {widths} MHz, or another radio model",
            )


@rule("CN314", "frequency-outside-model", "error", "a channel outside the radio model's min_mhz..max_mhz")
def frequency_outside_model(ctx: Model) -> Iterator[Issue]:
    """A channel outside the radio's tuning range cannot be set on the hardware, so the radio stays on another channel
    or refuses the config."""
    for r in ctx.radio.radios:
        lo, hi = r.edges
        if lo < r.model.min_mhz or hi > r.model.max_mhz:
            at = r.pos_of("radio_model") if r.place == "station" else r.owner.pos_of("frequency_mhz")
            yield Issue(
                at,
                f"{r.label}: channel {_chan(r)} is outside radio model '{r.model_name}' "
                f"({r.model.min_mhz:g}-{r.model.max_mhz:g} MHz)",
                "pick a channel the radio can tune, or another radio model",
            )
