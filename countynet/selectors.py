"""The device selectors every command shares: --town, --site, --host and --limit.

`--limit` takes Nornir/Ansible-style patterns over hosts and groups (`town_<t>`, `role_<r>`,
`platform_<p>`): terms separated by `:` or `,` are a union, `&term` intersects, `!term` excludes,
and a term may be a glob (`thk-*`). Example: `town_thika:&role_agency:!platform_ios`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from countynet.errors import CountynetError

if TYPE_CHECKING:
    from countynet.model import Model


def groups_of(model: Model, device: str) -> list[str]:
    """The groups a device belongs to (the same for Nornir, Ansible and --limit)."""
    d = model.topo.devices[device]
    return [f"town_{d.town}", f"role_{d.role}", f"platform_{d.platform}"]


def _path_to_hub(model: Model, site: str) -> set[str]:
    topo = model.topo
    chosen: set[str] = set()
    cur: str | None = site
    while cur is not None and cur not in chosen:
        chosen.add(cur)
        seg = topo.segments.get(topo.parent.get(cur, ""))
        cur = seg.members[0] if seg is not None and seg.members[0] != cur else None
    return chosen


def _match(model: Model, term: str, members: dict[str, set[str]]) -> set[str]:
    if term in members:
        return set(members[term])
    if term in model.topo.devices:
        return {term}
    if any(c in term for c in "*?["):
        hits = {d for d in model.topo.devices if fnmatch.fnmatchcase(d, term)}
        hits |= {d for g, ds in members.items() if fnmatch.fnmatchcase(g, term) for d in ds}
        if hits:
            return hits
    raise CountynetError(
        f"--limit term {term!r} matches no host or group",
        "use a device name, a glob, or a group: town_<town>, role_<hub|base_station|agency>, platform_<name>",
    )


def limit(model: Model, pattern: str, devices: Iterable[str] | None = None) -> set[str]:
    """Devices (of `devices`, default all) that `pattern` selects."""
    pool = set(model.topo.devices if devices is None else devices)
    members: dict[str, set[str]] = {}
    for d in model.topo.devices:
        for g in groups_of(model, d):
            members.setdefault(g, set()).add(d)
    terms = [t.strip() for t in re.split(r"[:,]", pattern) if t.strip()]
    if not terms:
        raise CountynetError("--limit is empty", "give a pattern such as town_thika:&role_agency")
    union: set[str] = set()
    plain = [t for t in terms if t[0] not in "&!"]
    for t in plain:
        union |= _match(model, t, members)
    chosen = union if plain else set(model.topo.devices)
    for t in terms:
        if t.startswith("&"):
            chosen &= _match(model, t[1:], members)
        elif t.startswith("!"):
            chosen -= _match(model, t[1:], members)
    return chosen & pool


def select(
    model: Model,
    towns: Iterable[str] | None = None,
    sites: Iterable[str] | None = None,
    hosts: Iterable[str] | None = None,
    limit_pattern: str | None = None,
) -> set[str]:
    """Union of --town, --site (with its path to the hub) and --host; all devices when none is
    given; then narrowed by --limit."""
    towns, sites, hosts = list(towns or []), list(sites or []), list(hosts or [])
    known_towns = set(model.town_names())
    unknown = sorted(set(towns) - known_towns)
    if unknown:
        raise CountynetError(
            f"unknown town(s): {', '.join(unknown)}", f"use one of: {', '.join(sorted(known_towns))}"
        )
    for name in [*sites, *hosts]:
        if name not in model.topo.devices:
            raise CountynetError(f"unknown site or device {name!r}", "see `countynet validate --json` for the names")
    if not (towns or sites or hosts):
        chosen = set(model.topo.devices)
    else:
        chosen = {d.name for d in model.topo.devices.values() if d.town in towns}
        for s in sites:
            chosen |= _path_to_hub(model, s)
        chosen |= set(hosts)
    if limit_pattern:
        chosen = limit(model, limit_pattern, chosen)
        if not chosen:
            raise CountynetError(f"--limit {limit_pattern!r} leaves no device", "widen the pattern or the selectors")
    return chosen
