"""CN114-CN120: how devices connect (uplinks, connects, PtP link ends, fibre) and whether every
device reaches its town's hub: a connection that names nothing real renders a device that routes
to nowhere."""

from __future__ import annotations

from collections.abc import Iterator

from countynet.checks.registry import Issue, rule
from countynet.checks.rules._common import nodes, role_of
from countynet.checks.rules.references import _did_you_mean, _local_names, _town_of
from countynet.inventory.model import BaseStation, Connect, Hub, Node, Site, Town, Uplink
from countynet.inventory.topology import Topology
from countynet.model import Model


def _options(obj: Connect | Uplink) -> list[str]:
    return [k for k in type(obj).model_fields if getattr(obj, k)]


@rule("CN114", "one-connection", "error", "a site's connect or a base station's uplink sets none or several options")
def one_connection(ctx: Model) -> Iterator[Issue]:
    """A site or base station reaches the network by exactly one path; with none it is cut off, with several the
    renderer cannot tell which interface carries its default route."""
    for town in ctx.inv.towns:
        for bs in town.base_stations:
            opts = _options(bs.uplink)
            if len(opts) != 1:
                got = " and ".join(opts) if opts else "none"
                yield Issue(
                    bs.pos_of("uplink"),
                    f"base station '{bs.name}': uplink must set exactly one of fibre, link (got {got})",
                    "keep the one way this tower reaches the hub, e.g. `uplink: {fibre: <hub>}`",
                )
        for site in town.sites:
            opts = _options(site.connect)
            if len(opts) != 1:
                got = " and ".join(opts) if opts else "none"
                yield Issue(
                    site.pos_of("connect"),
                    f"site '{site.name}': connect must set exactly one of sector, link, fibre (got {got})",
                    "keep the one way this site reaches the network, e.g. `connect: {sector: <bs>/<sector>}`",
                )


@rule("CN115", "unknown-sector", "error", "connect.sector is not `base-station/sector` of this town")
def unknown_sector(ctx: Model) -> Iterator[Issue]:
    """A site on a sector that does not exist has no access point to associate with, so it renders a CPE that never
    links and the site stays dark."""
    for town in ctx.inv.towns:
        keys = [f"{bs.name}/{s.name}" for bs in town.base_stations for s in bs.sectors]
        for site in town.sites:
            ref = site.connect.sector
            if not ref or ref in keys:
                continue
            at = site.connect.pos_of("sector")
            if ref.count("/") != 1 or not all(ref.split("/")):
                yield Issue(
                    at,
                    f"site '{site.name}': sector '{ref}' is not of the form base-station/sector",
                    "write e.g. `sector: rru-bs1/s1`",
                )
                continue
            bs_name = ref.split("/")[0]
            elsewhere = [
                t.name for t in ctx.inv.towns if t is not town and any(b.name == bs_name for b in t.base_stations)
            ]
            if elsewhere:
                msg = f"site '{site.name}': sector '{ref}' belongs to town '{elsewhere[0]}', not '{town.name}'"
                yield Issue(
                    at, msg, "a site connects to a base station of its own town; move the site or pick a local sector"
                )
            else:
                yield Issue(
                    at,
                    f"site '{site.name}': sector '{ref}' does not exist in town '{town.name}'",
                    _did_you_mean(ref, keys),
                )


@rule("CN116", "unknown-link", "error", "connect.link or uplink.link names no PtP link of this town")
def unknown_link(ctx: Model) -> Iterator[Issue]:
    """An uplink on an unknown PtP link has no radio at the other end; the device renders a route over a link that never
    comes up."""
    for town in ctx.inv.towns:
        names = [link.name for link in town.links]
        refs: list[tuple[str, Node, str | None]] = [
            (f"base station '{b.name}'", b.uplink, b.uplink.link) for b in town.base_stations
        ]
        refs += [(f"site '{s.name}'", s.connect, s.connect.link) for s in town.sites]
        for owner, node, ref in refs:
            if ref and ref not in names:
                yield Issue(
                    node.pos_of("link"),
                    f"{owner}: link '{ref}' is not a link of town '{town.name}'",
                    _did_you_mean(ref, names) + "; links are listed in the town file",
                )


@rule(
    "CN117", "bad-fibre-target", "error", "a fibre connection names an unknown device, one in another town, or itself"
)
def bad_fibre_target(ctx: Model) -> Iterator[Issue]:
    """Fibre connects two real devices of one town; a fibre to an unknown or foreign device, or to itself, renders an
    interface and route that lead nowhere."""
    town_of = _town_of(ctx.inv)
    for town in ctx.inv.towns:
        local = _local_names(town)
        refs: list[tuple[BaseStation | Site, Node, str | None]] = [
            (b, b.uplink, b.uplink.fibre) for b in town.base_stations
        ]
        refs += [(s, s.connect, s.connect.fibre) for s in town.sites]
        for owner, node, target in refs:
            if not target:
                continue
            at, who = node.pos_of("fibre"), f"{role_of(owner)} '{owner.name}'"
            if target == owner.name:
                yield Issue(
                    at,
                    f"{who} has a fibre to itself",
                    "name the device at the other end of the fibre (usually the hub)",
                )
            elif target not in town_of:
                yield Issue(at, f"{who}: fibre target '{target}' is not a device", _did_you_mean(target, local))
            elif town_of[target] is not town:
                yield Issue(
                    at,
                    f"{who}: fibre target '{target}' is in town '{town_of[target].name}', not '{town.name}'",
                    "fibre runs stay inside a town; connect to a device of this town",
                )


@rule("CN118", "not-a-link-end", "error", "a device uses a PtP link that it is not an end of")
def not_a_link_end(ctx: Model) -> Iterator[Issue]:
    """A device that is not an end of the PtP link it uses has no radio on that link, so its traffic is routed into a
    link it cannot transmit on."""
    for town in ctx.inv.towns:
        links = {link.name: link for link in town.links}
        refs: list[tuple[BaseStation | Site, Node, str | None]] = [
            (b, b.uplink, b.uplink.link) for b in town.base_stations
        ]
        refs += [(s, s.connect, s.connect.link) for s in town.sites]
        for owner, node, ref in refs:
            link = links.get(ref or "")
            if link is None or owner.name in (link.a.device, link.b.device):
                continue
            yield Issue(
                node.pos_of("link"),
                f"{role_of(owner)} '{owner.name}' uses link '{link.name}', whose ends are '{link.a.device}' and '{link.b.device}'",
                f"set a.device or b.device of link '{link.name}' to '{owner.name}', or use the right link",
            )


@rule("CN119", "bad-link-end", "error", "a PtP link end is unknown, in another town, or both ends are one device")
def bad_link_end(ctx: Model) -> Iterator[Issue]:
    """A PtP link needs two distinct ends in one town to carry traffic; an unknown, foreign or looped end leaves a radio
    with no partner and a hop that never links."""
    town_of = _town_of(ctx.inv)
    for town in ctx.inv.towns:
        local = _local_names(town)
        for link in town.links:
            if link.a.device == link.b.device:
                yield Issue(
                    link.b.pos_of("device"),
                    f"link '{link.name}' has device '{link.a.device}' at both ends",
                    "set b.device to the device at the far end",
                )
                continue
            for end_name, end in (("a", link.a), ("b", link.b)):
                at = end.pos_of("device")
                if end.device not in town_of:
                    yield Issue(
                        at,
                        f"link '{link.name}' end {end_name}: device '{end.device}' does not exist",
                        _did_you_mean(end.device, local),
                    )
                elif town_of[end.device] is not town:
                    yield Issue(
                        at,
                        f"link '{link.name}' end {end_name}: device '{end.device}' is in town '{town_of[end.device].name}'",
                        "PtP links stay inside a town; define the link in the town file of both ends",
                    )


def _resolves(ctx: Model, town: Town, node: Hub | BaseStation | Site) -> bool:
    """Whether a device's own connection names something real (else CN114-CN119 already said so)."""
    topo = ctx.topo
    conn = node.uplink if isinstance(node, BaseStation) else node.connect if isinstance(node, Site) else None
    if conn is None or len(_options(conn)) != 1:
        return conn is None
    sector = getattr(conn, "sector", None)
    if sector:
        return f"sector:{sector}" in topo.segments and topo.segments[f"sector:{sector}"].town == town.name
    if conn.link:
        link = next((x for x in town.links if x.name == conn.link), None)
        return (
            link is not None
            and node.name in (link.a.device, link.b.device)
            and all(e in topo.devices and topo.devices[e].town == town.name for e in (link.a.device, link.b.device))
        )
    return conn.fibre in topo.devices and topo.devices[conn.fibre].town == town.name


@rule("CN120", "unreachable", "error", "a device has no path to its town's hub and NOFBI")
def unreachable(ctx: Model) -> Iterator[Issue]:
    """Every site must reach its town hub and through it NOFBI; a device with no path renders fine but carries no agency
    traffic once deployed."""
    topo: Topology = ctx.topo
    lost = set(topo.unreachable())
    for town, node in nodes(ctx.inv):
        dev = topo.devices.get(node.name)
        if node.name not in lost or dev is None or dev.node is not node or not _resolves(ctx, town, node):
            continue
        conn = "uplink" if isinstance(node, BaseStation) else "connect"
        via = _via(town, node)
        yield Issue(
            node.pos_of(conn),
            f"{role_of(node)} '{node.name}' has no path to hub '{town.hub.name}' (and so to NOFBI)"
            + (f": it connects through '{via}', which has none either" if via else ""),
            "follow the chain of uplinks/connects towards the hub and connect it there (a loop never reaches the hub)",
        )


def _via(town: Town, node: Hub | BaseStation | Site) -> str | None:
    """The device a base station or site connects through, for the unreachable message."""
    conn = node.uplink if isinstance(node, BaseStation) else node.connect if isinstance(node, Site) else None
    if conn is None:
        return None
    sector = getattr(conn, "sector", None)
    if sector:
        return str(sector).split("/")[0]
    if conn.link:
        link = next((x for x in town.links if x.name == conn.link), None)
        if link is not None:
            return link.b.device if link.a.device == node.name else link.a.device
    return conn.fibre


