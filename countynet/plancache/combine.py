"""The whole inventory's findings put together from towns computed (or cached) one at a time.

Most rules judge one town at a time against the shared files, so the whole inventory's findings
are the union of the towns' (shared-file findings appear in every town and are merged). The
rules that compare towns with each other are handled here, conservatively: the cached answer is
used only when the towns' facts prove the whole-inventory run would give the same findings;
otherwise (`None`) the caller judges the inventory as one, exactly as without the cache.

- names, ASNs, aggregates and management subnets distinct across towns (CN101, CN102, CN104,
  CN105, CN201, CN204), so duplicates can only be within a town, where its own run finds them;
- every NOFBI handoff names an existing town (CN109 is decided here: per town it fires for every
  other town's handoff);
- no channel owner of one town hears one of another (CN307's cross-town pairs, judged with the
  same `conflicts_among` on the owners' figures);
- the lock holds no town without a file, and CN210 (a stale lock) is judged from each town's
  section and its allocator journal (_stale_lock_kept);
- no town reports a finding whose text or presence depends on other towns (FALLBACK_RULES);
- CN521 renders the first device of each template variant network-wide: the first of the towns'
  firsts, each town's result cached with it;
- the files together stay within the loading budget's total.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from countynet.findings import Finding
from countynet.inventory import limits as lim
from countynet.plancache import store
from countynet.plancache.keys import digest
from countynet.plancache.split import FolderInputs, TownInput, read_inputs
from countynet.plancache.unit import (
    SAMPLE_RULE,
    TownCheck,
    TownData,
    compute,
    folder_prefix,
    portable,
    restore,
    sample_findings,
)
from countynet.radio import formulas as fx
from countynet.radio.interference import HORIZON_KM, Owner, conflicts_among

# A finding of these in any town means its text or presence may depend on other towns: a duplicate
# device makes the allocator's output void network-wide (CN209-CN211 stay silent), and a
# reference into another town is reported by the other town's name.
FALLBACK_RULES = frozenset({"CN101", "CN102", "CN115", "CN117", "CN119"})
LOCK_RULE = "CN210"
DECIDED_HERE = frozenset({"CN109", SAMPLE_RULE, LOCK_RULE})
# Every model rule the above accounts for (the rest judge one town against the shared files).
# A rule added later is not among them: inventories are judged as one until it is placed here
# (tests/plancache fails until then).
KNOWN_RULES = frozenset(
    {f"CN1{n:02d}" for n in range(1, 25)}
    | {f"CN2{n:02d}" for n in range(1, 15)}
    | {f"CN3{n:02d}" for n in range(1, 15)}
    | {f"CN40{n}" for n in range(1, 8)}
    | {"CN521", "CN601", "CN602", "CN603"}
)


def _unknown_rules() -> set[str]:
    from countynet.checks.registry import RULES, load_rules

    load_rules()
    return {r for r, rule in RULES.items() if rule.scope == "model"} - KNOWN_RULES


@dataclass
class CachedSide:
    """An inventory folder as towns: findings (when asked for) and each town's data on demand."""

    inputs: FolderInputs
    checks: dict[str, TownCheck]
    findings: list[Finding] | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    hits: int = 0
    computed: int = 0
    _data: dict[str, TownData] = field(default_factory=dict)

    def owners(self, check: TownCheck) -> list[Owner] | None:
        """The town's channel owners (read, or computed again when their entry is gone)."""
        if check.owners or check.circle is None:
            return check.owners
        t = self.inputs.town(check.town)
        assert t is not None
        air = store.read("air", t.key)
        if not isinstance(air, list):
            got = _compute(self.inputs, t, with_data=False)
            if got is None:
                return None
            air = got[0].owners
        check.owners = air
        return air

    def data(self, towns: set[str]) -> dict[str, TownData] | None:
        """Each town's data (computed when not stored); None when a town no longer computes."""
        out = {}
        for name in sorted(towns & set(self.checks)):
            t = self.inputs.town(name)
            assert t is not None
            data = self._data.get(name) or store.read("data", t.key)
            if not isinstance(data, TownData):
                got = _compute(self.inputs, t, with_data=True)
                if got is None or got[1] is None:
                    return None
                data = got[1]
            out[name] = data
        return out


def _compute(inputs: FolderInputs, t: TownInput, with_data: bool) -> tuple[TownCheck, TownData | None] | None:
    got = compute(inputs, t, with_data)
    if got is not None:
        store.write("check", t.key, dataclasses.replace(got[0], owners=[]))  # owners apart: seldom needed
        store.write("air", t.key, got[0].owners)
        if got[1] is not None:
            store.write("data", t.key, got[1])
    return got


def _checks(inputs: FolderInputs, names: set[str] | None, data_for: set[str] | None, side: CachedSide) -> bool:
    """Read or compute the checks of the towns in `names` (None: all); their data too when in `data_for`."""
    for t in inputs.towns:
        if names is not None and t.name not in names:
            continue
        check = store.read("check", t.key)
        if isinstance(check, TownCheck) and check.town == t.name:
            side.hits += 1
        else:
            got = _compute(inputs, t, with_data=data_for is None or t.name in data_for)
            if got is None:
                return False
            check = got[0]
            if got[1] is not None:
                side._data[t.name] = got[1]
            side.computed += 1
        if t.name in side.checks:
            return False  # two files, one town: CN101 in a whole-inventory run
        side.checks[t.name] = check
    return True


def _distinct(checks: list[TownCheck]) -> bool:
    """Names, ASNs and address blocks that no two towns share (within a town is the town's own business)."""
    for attr in ("devices", "links"):
        owner: dict[str, str] = {}
        for c in checks:
            for name in getattr(c, attr):
                key = name.lower() if attr == "devices" else name
                if owner.setdefault(key, c.town) != c.town:
                    return False
    names = [c.town for c in checks]
    if len({n.lower() for n in names}) != len(names) or len({c.asn for c in checks}) != len(checks):
        return False
    if any(b.startswith(a + " ") for a, b in itertools.permutations(names, 2)):
        return False  # allocator journal lines are split at the first town name that prefixes them
    nets = [(c.town, IPv4Network(c.aggregate), IPv4Network(c.management)) for c in checks]
    for (_t1, agg1, mgmt1), (_t2, agg2, mgmt2) in itertools.combinations(nets, 2):
        if agg1.overlaps(agg2) or mgmt1.overlaps(mgmt2) or mgmt1.overlaps(agg2) or mgmt2.overlaps(agg1):
            return False
    return True


def _quiet_air(side: CachedSide) -> bool:
    """No channel owner of one town reaches a receiver of another (CN307 across towns would be empty).

    Judged per pair of towns near enough to matter, and kept per pair of town keys.
    """
    with_air = [c for c in side.checks.values() if c.circle is not None]
    key = {c.town: t.key for c in with_air if (t := side.inputs.town(c.town)) is not None}
    for a, b in itertools.combinations(with_air, 2):
        assert a.circle is not None and b.circle is not None
        apart = fx.haversine_km(a.circle[0], a.circle[1], b.circle[0], b.circle[1])
        if apart > a.circle[2] + b.circle[2] + HORIZON_KM + 1.0:
            continue  # no owner pair of these two towns can pass the interference gate
        pair = digest("air", *sorted((key[a.town], key[b.town])))
        heard = store.read("pair", pair)
        if not isinstance(heard, bool):
            oa, ob = side.owners(a), side.owners(b)
            if oa is None or ob is None:
                return False
            heard = bool(conflicts_among(oa + ob, pair=lambda x, y: x.anchor.town != y.anchor.town))
            store.write("pair", pair, heard)
        if heard:
            return False
    return True


def _separable(side: CachedSide) -> bool:
    inputs, checks = side.inputs, list(side.checks.values())
    names = {c.town for c in checks}
    if inputs.lock is not None and not inputs.lock_towns <= names:
        return False  # entries of a town without a file: the whole lock differs from what allocate writes
    if any(f.rule in FALLBACK_RULES for c in checks for f in c.findings) or not all(
        portable(c.findings) for c in checks
    ):
        return False
    if any(c.samples is None for c in checks) or not set(checks[0].handoff_towns) <= names:
        return False
    return _distinct(checks) and _quiet_air(side)


def _stale_lock_kept(inputs: FolderInputs, checks: list[TownCheck], c: TownCheck) -> bool:
    """Whether town `c`'s CN210 findings are also the whole lock's.

    The whole lock is current when every town's section is (its towns are no more than the
    inventory's: _separable). Stale, it names each town that lacks entries, says nothing while
    any town is short of addresses, and says "edited by hand" only when no town lacks entries
    and no address moves; a town's own run says the same of its section alone.
    """
    if inputs.lock is None:
        return True  # "allocations.yml is missing", the same from every town
    if any(x.shortages for x in checks):
        return False
    return c.added or not any(x.added or x.moved for x in checks)


def first_samples(checks: list[TownCheck]) -> dict[Any, tuple[str, str]]:
    """CN521's device per template variant network-wide, as (town, host): the first of the towns' firsts."""
    first: dict[Any, tuple[str, str]] = {}
    for c in checks:
        assert c.samples is not None
        for variant, host in c.samples.items():
            if variant not in first or host < first[variant][1]:
                first[variant] = (c.town, host)
    return first


def _sample_findings(inputs: FolderInputs, checks: list[TownCheck]) -> list[Finding] | None:
    """CN521's findings: each chosen device rendered and checked once, then kept under its town's key."""
    wanted: dict[str, list[str]] = {}
    for town, host in first_samples(checks).values():
        wanted.setdefault(town, []).append(host)
    out = []
    for town, hosts in sorted(wanted.items()):
        t = inputs.town(town)
        assert t is not None
        keys = {h: digest(t.key, h) for h in hosts}
        found = {h: store.read("sample", k) for h, k in keys.items()}
        missing = [h for h, f in found.items() if not isinstance(f, list)]
        if missing:
            got = sample_findings(inputs, t, missing)
            if got is None:
                return None
            for h, fs in got.items():
                store.write("sample", keys[h], fs)
            found.update(got)
        out += [f for h in hosts for f in found[h] or []]
    return out


def cached_side(root: Path, towns: set[str] | None = None, findings: bool = True) -> CachedSide | None:
    """`root` as towns, with the data of `towns` (None: all) at hand; with `findings`, the whole inventory's findings.

    None when the folder cannot be judged town by town (see the module docstring): the caller then
    loads it as one, which is what a run without the cache does anyway.
    """
    if findings and _unknown_rules():
        return None
    inputs = read_inputs(root)
    if inputs is None or inputs.total_bytes > lim.current().total_bytes:
        return None  # over the budget's total: the whole-inventory load says where
    side = CachedSide(inputs, {})
    if not _checks(inputs, None if findings else towns, towns, side) or not side.checks:
        return None
    checks = list(side.checks.values())
    if findings and not _separable(side):
        return None
    if not findings and (not _distinct(checks) or any(f.rule in FALLBACK_RULES for c in checks for f in c.findings)):
        return None  # towns that refer to each other: judged together, as without the cache
    if findings:
        from countynet.checks.engine import _sort_key

        samples = _sample_findings(inputs, checks)
        if samples is None:
            return None
        prefix = folder_prefix(root)
        merged = restore(samples, prefix)
        for c in checks:
            t = inputs.town(c.town)
            assert t is not None
            found = restore(c.findings, prefix, t.section[0] + 1 if t.section else None)
            merged += [f for f in found if f.rule not in DECIDED_HERE]
            merged += [f for f in found if f.rule == LOCK_RULE and _stale_lock_kept(inputs, checks, c)]
        side.findings = sorted(set(merged), key=_sort_key)
        side.summary = {
            "towns": len(checks),
            "sites": sum(c.sites for c in checks),
            "devices": sum(len(c.devices) for c in checks),
            "links": sum(c.links_count for c in checks),
        }
    return side
