"""CN1xx: names, uniqueness, references between objects, and the topology they form.

A dangling reference is normal input here: each rule skips what it cannot resolve, so
one mistake gives one finding instead of a cascade, and no rule ever raises on it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator

from countynet.checks.registry import Issue, rule
from countynet.checks.rules._common import known_platforms, nodes, repeats, role_of
from countynet.inventory.loader import Inventory
from countynet.inventory.model import BaseStation, Coordinates, Hub, Node, Site, Town
from countynet.inventory.topology import site_services
from countynet.model import Model

HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
PRIVATE_ASN = ((64512, 65534), (4200000000, 4294967294))
KENYA_LAT, KENYA_LON = (-4.8, 5.1), (33.9, 41.95)


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    choices = sorted(set(choices))
    close = difflib.get_close_matches(name, choices, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    if not choices:
        return "none are defined"
    shown = ", ".join(choices[:8]) + (", ..." if len(choices) > 8 else "")
    return f"known: {shown}"


def _where(node: Node) -> str:
    return str(node.pos) if node.pos else "elsewhere"


def _local_names(town: Town) -> list[str]:
    """Device names of one town as written (hub, base stations, sites): `nodes` filtered to the town."""
    return [town.hub.name, *(b.name for b in town.base_stations), *(s.name for s in town.sites)]


def _town_of(inv: Inventory) -> dict[str, Town]:
    """Device name -> its town (first definition wins, as in the topology)."""
    out: dict[str, Town] = {}
    for town, node in nodes(inv):
        out.setdefault(node.name, town)
    return out


# ------------------------------------------------------------------------ names
@rule("CN101", "duplicate-town", "error", "two towns have the same name")
def duplicate_town(ctx: Model) -> Iterator[Issue]:
    """Towns are keyed by name everywhere (files, ASNs, addresses, lab namespaces); with two of one name the second
    silently shadows the first and its sites render into the wrong town."""
    for town, first in repeats(ctx.inv.towns, lambda t: t.name.lower()):
        yield Issue(
            town.pos_of("name"),
            f"town '{town.name}' is already defined at {first.pos_of('name')}",
            "give each town a unique name (one towns/<town>.yml per town)",
        )


@rule("CN102", "duplicate-device", "error", "two devices (hub, base station, site) share a hostname network-wide")
def duplicate_device(ctx: Model) -> Iterator[Issue]:
    """The hostname is the device's key in Nornir, the lab, the allocation lock and the reports; two devices of one name
    get each other's addresses and one of them is pushed the other's config."""
    seen: dict[str, tuple[Town, Hub | BaseStation | Site]] = {}
    for town, node in nodes(ctx.inv):
        key = node.name.lower()
        if key not in seen:
            seen[key] = (town, node)
            continue
        other_town, other = seen[key]
        same = "" if other.name == node.name else f" (hostnames ignore case: '{other.name}')"
        yield Issue(
            node.pos_of("name"),
            f"{role_of(node)} name '{node.name}' is already used by the {role_of(other)} of town "
            f"'{other_town.name}' at {other.pos_of('name')}{same}",
            "device names become hostnames and must be unique across the whole network; rename one",
        )


@rule("CN103", "invalid-hostname", "error", "a device name is not a valid hostname label (RFC 1123)")
def invalid_hostname(ctx: Model) -> Iterator[Issue]:
    """The hostname becomes a DNS label, a Nornir host, a RouterOS identity and a Linux namespace name; a name outside
    RFC 1123 is refused by one of them halfway through a rollout."""
    for _town, node in nodes(ctx.inv):
        if not HOSTNAME.match(node.name):
            bad = sorted({c for c in node.name if not (c.isascii() and (c.isalnum() or c == "-"))})
            why = f"contains {', '.join(repr(c) for c in bad)}" if bad else "starts or ends with '-'"
            yield Issue(
                node.pos_of("name"),
                f"{role_of(node)} name '{node.name}' is not a valid hostname: {why}",
                "use letters, digits and inner hyphens only, at most 63 characters (e.g. 'rru-bs1')",
            )


@rule(
    "CN104",
    "duplicate-name",
    "error",
    "two PoPs, two PtP links (network-wide) or two sectors of a base station share a name",
)
def duplicate_name(ctx: Model) -> Iterator[Issue]:
    """PoPs, PtP links and sectors are referenced by name from sites and uplinks; a duplicate makes those references
    ambiguous, so a site can end up attached to the wrong radio or handoff."""
    inv = ctx.inv
    for pop, first in repeats(inv.nofbi.pops, lambda p: p.name):
        yield Issue(
            pop.pos_of("name"),
            f"PoP '{pop.name}' is already defined at {first.pos_of('name')}",
            "rename or merge the two PoPs",
        )
    all_links = (link for town in inv.towns for link in town.links)
    for link, first_link in repeats(all_links, lambda lk: lk.name):
        yield Issue(
            link.pos_of("name"),
            f"link name '{link.name}' is already used at {first_link.pos_of('name')}",
            "link names key the address lock and must be unique network-wide; rename one",
        )
    for town in inv.towns:
        for bs in town.base_stations:
            for sec, first_sec in repeats(bs.sectors, lambda sc: sc.name):
                yield Issue(
                    sec.pos_of("name"),
                    f"base station '{bs.name}' has two sectors named '{sec.name}' (first at {first_sec.pos_of('name')})",
                    "give each sector of a base station its own name (s1, s2, ...)",
                )


# ------------------------------------------------------------------------ ASNs
@rule("CN105", "duplicate-asn", "error", "two towns use the same BGP ASN")
def duplicate_asn(ctx: Model) -> Iterator[Issue]:
    """Each town is its own BGP AS towards NOFBI; two towns with one ASN drop each other's routes (eBGP loop prevention)
    and cannot reach each other's agencies."""
    for town, first in repeats(ctx.inv.towns, lambda t: t.asn):
        yield Issue(
            town.pos_of("asn"),
            f"town '{town.name}' uses ASN {town.asn}, already used by town '{first.name}' at {first.pos_of('asn')}",
            "give each town its own private ASN (64512-65534)",
        )


@rule("CN106", "asn-equals-pop", "error", "a town's ASN equals its NOFBI PoP's ASN (eBGP needs two ASNs)")
def asn_equals_pop(ctx: Model) -> Iterator[Issue]:
    """eBGP with the NOFBI PoP needs two different ASNs; with the PoP's own ASN the session comes up as iBGP or not at
    all, and the town never learns the shared-service routes."""
    pops = {p.name: p for p in ctx.inv.nofbi.pops}
    for town in ctx.inv.towns:
        pop = pops.get(town.nofbi_pop)
        if pop is not None and pop.asn == town.asn:
            yield Issue(
                town.pos_of("asn"),
                f"town '{town.name}' uses ASN {town.asn}, the ASN of its NOFBI PoP '{pop.name}'",
                "the hub peers with NOFBI over eBGP: pick a private ASN (64512-65534) for the town",
            )


@rule("CN107", "asn-not-private", "error", "a town's ASN is not in a private range")
def asn_not_private(ctx: Model) -> Iterator[Issue]:
    """A public ASN we do not own, announced to NOFBI, can collide with a real network and get filtered or hijack its
    routes; town ASNs must come from the private ranges (RFC 6996)."""
    for town in ctx.inv.towns:
        if not any(lo <= town.asn <= hi for lo, hi in PRIVATE_ASN):
            yield Issue(
                town.pos_of("asn"),
                f"town '{town.name}' uses ASN {town.asn}, which is not a private ASN",
                "use 64512-65534 (or 4200000000-4294967294); public ASNs belong to their holders",
            )


# ------------------------------------------------------------------------ NOFBI
@rule("CN108", "unknown-pop", "error", "a town's nofbi_pop names no PoP in nofbi.yml")
def unknown_pop(ctx: Model) -> Iterator[Issue]:
    """A town's uplink, BGP peer and handoff addresses come from its NOFBI PoP; a town pointing at no PoP renders a hub
    with no way out of the town."""
    names = [p.name for p in ctx.inv.nofbi.pops]
    for town in ctx.inv.towns:
        if town.nofbi_pop not in names:
            yield Issue(
                town.pos_of("nofbi_pop"),
                f"town '{town.name}': NOFBI PoP '{town.nofbi_pop}' is not in nofbi.yml",
                _did_you_mean(town.nofbi_pop, names),
            )


@rule("CN109", "handoff-unknown-town", "error", "a NOFBI handoff names a town that does not exist")
def handoff_unknown_town(ctx: Model) -> Iterator[Issue]:
    """A handoff for a town that does not exist is address space and a BGP peer configured on the NOFBI side for
    nothing, usually a typo that leaves the intended town without its handoff."""
    towns = [t.name for t in ctx.inv.towns]
    for pop in ctx.inv.nofbi.pops:
        for h in pop.handoffs:
            if h.town not in towns:
                yield Issue(
                    h.pos_of("town"),
                    f"PoP '{pop.name}' has a handoff for town '{h.town}', which has no towns/ file",
                    _did_you_mean(h.town, towns),
                )


@rule("CN110", "missing-handoff", "error", "a town has no handoff (or more than one) at its NOFBI PoP")
def missing_handoff(ctx: Model) -> Iterator[Issue]:
    """Each hub needs exactly one handoff at its PoP: with none the town has no route to NOFBI and shared services, with
    two the hub's BGP peer and uplink address are ambiguous."""
    pops = {p.name: p for p in ctx.inv.nofbi.pops}
    for town in ctx.inv.towns:
        pop = pops.get(town.nofbi_pop)
        if pop is None:
            continue  # CN108
        mine = [h for h in pop.handoffs if h.town == town.name]
        if not mine:
            elsewhere = [p.name for p in ctx.inv.nofbi.pops if any(h.town == town.name for h in p.handoffs)]
            extra = f" (there is one at {', '.join(elsewhere)})" if elsewhere else ""
            yield Issue(
                town.pos_of("nofbi_pop"),
                f"town '{town.name}' has no handoff at its PoP '{pop.name}'{extra}",
                f"add `- {{town: {town.name}, prefix: <the /30 or /31 NOFBI assigned>}}` to that PoP's handoffs",
            )
        for h in mine[1:]:
            yield Issue(
                h.pos_of("town"),
                f"PoP '{pop.name}' lists a second handoff for town '{town.name}' (first at {mine[0].pos_of('town')})",
                "a town has exactly one handoff; remove one",
            )


# ------------------------------------------------------------------------ catalogue references
@rule("CN111", "unknown-agency-kind", "error", "a site's kind is not in network.yml agency_kinds")
def unknown_agency_kind(ctx: Model) -> Iterator[Issue]:
    """A site's agency kind decides its services, LANs and demand; an unknown kind renders a site without the VLANs and
    filters the agency expects."""
    kinds = ctx.inv.network.agency_kinds
    for town in ctx.inv.towns:
        for site in town.sites:
            if site.kind not in kinds:
                yield Issue(
                    site.pos_of("kind"),
                    f"site '{site.name}': agency kind '{site.kind}' is not defined",
                    _did_you_mean(site.kind, kinds) + "; agency kinds are listed in network.yml",
                )


@rule("CN112", "unknown-service", "error", "a site, agency kind or PoP names a service not in network.yml")
def unknown_service(ctx: Model) -> Iterator[Issue]:
    """Services become firewall rules, QoS classes and routes; an unknown service name renders no rule, so the agency's
    traffic to it is silently dropped."""
    services = ctx.inv.network.services

    def check(owner: str, node: Node, names: list[str] | None) -> Iterator[Issue]:
        for i, name in enumerate(names or []):
            if name not in services:
                yield Issue(
                    node.pos_of("services", i),
                    f"{owner}: service '{name}' is not defined",
                    _did_you_mean(name, services) + "; services are listed in network.yml",
                )

    for kname, kind in ctx.inv.network.agency_kinds.items():
        yield from check(f"agency kind '{kname}'", kind, kind.services)
    for pop in ctx.inv.nofbi.pops:
        yield from check(f"PoP '{pop.name}'", pop, pop.services)
    for town in ctx.inv.towns:
        for site in town.sites:
            yield from check(f"site '{site.name}'", site, site.services)


@rule("CN113", "unknown-radio-model", "error", "a sector, PtP link end or CPE names a radio model not in network.yml")
def unknown_radio_model(ctx: Model) -> Iterator[Issue]:
    """The radio model carries the gain, power, range and modulation table the link budget needs; without it the hop
    cannot be planned and its config cannot be rendered."""
    models = ctx.inv.network.radio_models
    hint = lambda m: _did_you_mean(m, models) + "; radio models are listed in network.yml"  # noqa: E731
    for town in ctx.inv.towns:
        for bs in town.base_stations:
            for sec in bs.sectors:
                if sec.radio_model not in models:
                    yield Issue(
                        sec.pos_of("radio_model"),
                        f"sector '{bs.name}/{sec.name}': radio model '{sec.radio_model}' is not defined",
                        hint(sec.radio_model),
                    )
        for link in town.links:
            for end_name, end in (("a", link.a), ("b", link.b)):
                if end.radio_model not in models:
                    yield Issue(
                        end.pos_of("radio_model"),
                        f"link '{link.name}' end {end_name}: radio model '{end.radio_model}' is not defined",
                        hint(end.radio_model),
                    )
        for site in town.sites:
            if site.cpe.radio_model is not None and site.cpe.radio_model not in models:
                yield Issue(
                    site.cpe.pos_of("radio_model"),
                    f"site '{site.name}': CPE radio model '{site.cpe.radio_model}' is not defined",
                    hint(site.cpe.radio_model),
                )
    d = ctx.inv.network.defaults
    uses_default = any(s.connect.sector and s.cpe.radio_model is None for t in ctx.inv.towns for s in t.sites)
    if uses_default and d.cpe_radio_model not in models:
        yield Issue(
            d.pos_of("cpe_radio_model"),
            f"default CPE radio model '{d.cpe_radio_model}' is not defined",
            hint(d.cpe_radio_model),
        )


@rule("CN121", "service-not-at-pop", "error", "a site uses a service that its town's NOFBI PoP does not carry")
def service_not_at_pop(ctx: Model) -> Iterator[Issue]:
    """Shared services (IFMIS, payroll/HR, population register, ...) are reached through the town's NOFBI PoP; a site
    that expects a service its PoP does not carry gets a firewall rule for traffic that can never arrive."""
    inv = ctx.inv
    pops = {p.name: p for p in inv.nofbi.pops}
    for town in inv.towns:
        pop = pops.get(town.nofbi_pop)
        if pop is None:
            continue
        for site in town.sites:
            for name in site_services(inv, site):
                if name in inv.network.services and name not in pop.services:
                    at = (
                        site.pos_of("services", site.services.index(name))
                        if site.services is not None
                        else site.pos_of("kind")
                    )
                    how = "" if site.services is not None else f" (from agency kind '{site.kind}')"
                    yield Issue(
                        at,
                        f"site '{site.name}' uses service '{name}'{how}, which PoP '{pop.name}' does not carry",
                        f"add '{name}' to the services of PoP '{pop.name}' in nofbi.yml, or drop it from the site",
                    )


@rule("CN122", "unknown-platform", "error", "a device or default names a platform countynet cannot render")
def unknown_platform(ctx: Model) -> Iterator[Issue]:
    """Platforms are rows of data (driver, templates, validator); a device on a platform countynet does not know cannot
    be rendered, validated or deployed."""
    known = known_platforms()
    d = ctx.inv.network.defaults
    for key in ("hub_platform", "base_station_platform", "agency_platform"):
        value = getattr(d, key)
        if value not in known:
            yield Issue(d.pos_of(key), f"defaults.{key} '{value}' is not a known platform", _did_you_mean(value, known))
    for _town, node in nodes(ctx.inv):
        if node.platform is not None and node.platform not in known:
            yield Issue(
                node.pos_of("platform"),
                f"{role_of(node)} '{node.name}': platform '{node.platform}' is not known",
                _did_you_mean(node.platform, known),
            )


def _locations(inv: Inventory) -> Iterator[tuple[str, Coordinates]]:
    for pop in inv.nofbi.pops:
        yield f"PoP '{pop.name}'", pop.location
    for town in inv.towns:
        yield f"town '{town.name}'", town.location
    for _town, node in nodes(inv):
        yield f"{role_of(node)} '{node.name}'", node.location


@rule("CN123", "bad-coordinates", "error", "coordinates outside the globe (error) or outside Kenya (warning)")
def bad_coordinates(ctx: Model) -> Iterator[Issue]:
    """Coordinates drive path length, Fresnel clearance and sector azimuth; a point off the globe breaks the radio plan,
    and one outside Kenya is almost always swapped latitude/longitude that plans a hop of hundreds of kilometres."""
    for owner, loc in _locations(ctx.inv):
        lat, lon = loc.lat, loc.lon
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            yield Issue(
                loc.pos_of("lat"),
                f"{owner}: lat {lat}, lon {lon} is not a place on Earth",
                "write decimal degrees, latitude first (e.g. lat: -1.15, lon: 36.96)",
            )
        elif not (KENYA_LAT[0] <= lat <= KENYA_LAT[1] and KENYA_LON[0] <= lon <= KENYA_LON[1]):
            swapped = KENYA_LAT[0] <= lon <= KENYA_LAT[1] and KENYA_LON[0] <= lat <= KENYA_LON[1]
            yield Issue(
                loc.pos_of("lat"),
                f"{owner}: lat {lat}, lon {lon} is outside Kenya",
                "lat and lon look swapped"
                if swapped
                else "check the sign and the order (Kenya: lat -4.8..5.1, lon 33.9..41.95)",
                severity="warning",
            )
