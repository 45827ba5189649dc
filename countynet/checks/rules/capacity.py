"""CN601-CN603: demand against planned capacity (network.yml `demand`, countynet.inventory.demand).

A hop that links at MCS0 still "works" in the link budget; these rules ask whether it carries
what the sites behind it need in the busy hour. A sector shares its air time: a station at
capacity c that needs d Mbit/s takes d / c of it, so the sector is over when the shares sum
past 1 (its capacity for this mix of stations is sum(d) / sum(d / c)).
"""

from __future__ import annotations

from collections.abc import Iterator

from countynet.checks.finding import Severity
from countynet.checks.registry import Issue, rule
from countynet.inventory.demand import carried_mbps, site_class_mbps
from countynet.model import Model


def _severity(used: float, warn_at: float) -> Severity | None:
    if used > 1.0 + 1e-9:
        return "error"
    if used > warn_at:
        return "warning"
    return None


@rule(
    "CN601",
    "sector-capacity",
    "error",
    "a sector's stations need more air time than it has (error) or > warning_utilisation",
)
def sector_capacity(ctx: Model) -> Iterator[Issue]:
    """A sector shares its air time among its stations; when their busy-hour demand needs more than it has, every site
    on the sector slows, not only the last one added."""
    carried = ctx.carried
    warn_at = ctx.inv.network.demand.warning_utilisation
    for sp in ctx.radio.sectors.values():
        need = [(carried.get(lp.id, 0.0), lp.capacity_mbps) for lp in sp.stations]
        total = sum(d for d, _c in need)
        if not need or total <= 0 or any(c <= 0 for _d, c in need):
            continue  # a station that does not link at all: CN301
        air = sum(d / c for d, c in need)
        sev = _severity(air, warn_at)
        if sev is None:
            continue
        yield Issue(
            sp.sector.pos,
            f"{sp.radio.label}: its {len(need)} stations need {total:.1f} Mbit/s in the busy hour; at their planned "
            f"rates the sector carries {total / air:.1f} Mbit/s (air time {air * 100:.0f} %)",
            "move stations to another sector, give far stations their own link, or raise their MCS",
            severity=sev,
        )


@rule("CN602", "hop-capacity", "error", "a radio hop's capacity is below the summed demand of the sites behind it")
def hop_capacity(ctx: Model) -> Iterator[Issue]:
    """A hop carries the demand of every site behind it; below that sum the hop congests in the busy hour and all those
    agencies slow together."""
    carried = ctx.carried
    warn_at = ctx.inv.network.demand.warning_utilisation
    for lp in ctx.radio.links.values():
        need = carried.get(lp.id, 0.0)
        if need <= 0 or lp.capacity_mbps <= 0:
            continue  # no demand behind it, or no link at all (CN301)
        sev = _severity(need / lp.capacity_mbps, warn_at)
        if sev is None:
            continue
        what = f"station '{lp.b.device}' on {lp.a.label}" if lp.kind == "sector" else f"link '{lp.name}'"
        at = lp.b.node.pos if lp.kind == "sector" else lp.a.owner.pos
        yield Issue(
            at,
            f"{what} carries {need:.1f} Mbit/s of busy-hour demand but runs at MCS{lp.mcs}: "
            f"{lp.capacity_mbps:.1f} Mbit/s ({need / lp.capacity_mbps * 100:.0f} %)",
            "raise its margin for a higher MCS (power, antenna, shorter hop) or give it a point-to-point link",
            severity=sev,
        )


@rule(
    "CN603",
    "critical-floor",
    "error",
    "a radio hop's guaranteed critical share (qos) is below the critical-service demand of the sites behind it",
)
def critical_floor(ctx: Model) -> Iterator[Issue]:
    """The QoS queue on a hop guarantees critical traffic `critical_share` of `shape_ratio` x its
    capacity; below the busy-hour critical demand behind it, payroll waits even with QoS."""
    net = ctx.inv.network
    q = net.qos
    need_of = carried_mbps(net, ctx.topo, lambda site: site_class_mbps(net, site, "critical"))
    share = round(q.critical_share * 100)
    for lp in ctx.radio.links.values():
        need = need_of.get(lp.id, 0.0)
        if need <= 0 or lp.capacity_mbps <= 0:
            continue  # no critical demand behind it, or no link at all (CN301)
        floor = lp.capacity_mbps * q.shape_ratio * share / 100
        if floor >= need:
            continue
        what = f"station '{lp.b.device}' on {lp.a.label}" if lp.kind == "sector" else f"link '{lp.name}'"
        at = lp.b.node.pos if lp.kind == "sector" else lp.a.owner.pos
        yield Issue(
            at,
            f"{what} guarantees the critical class {floor:.1f} Mbit/s ({share} % of {q.shape_ratio * 100:.0f} % of "
            f"{lp.capacity_mbps:.1f} Mbit/s at MCS{lp.mcs}) but the sites behind it need {need:.1f} Mbit/s of "
            f"critical services in the busy hour",
            "raise the hop's MCS (margin), give it a point-to-point link, or raise qos.critical_share in network.yml",
        )
