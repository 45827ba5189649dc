"""One town computed alone: its findings, what cross-town rules need of it, and what a review compares.

The town is loaded from a one-town folder (split.write_town_folder) and goes through the same
Model as any inventory: load, allocation, radio plan, every model rule, intents. Two records come
out: `TownCheck` (small; read for every town on every run) and `TownData` (the intents; read only
for the towns a review looks at).
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from countynet.allocate.allocator import Allocation
from countynet.checks.engine import run_rules
from countynet.checks.registry import RULES, load_rules
from countynet.checks.rules import platform_syntax
from countynet.findings import Finding
from countynet.inventory.loader import LOCK_FILE, _display
from countynet.model import InventoryLoadError, Model, load_model
from countynet.plancache.split import FolderInputs, TownInput, unit_section_line, write_town_folder
from countynet.radio import formulas as fx
from countynet.radio.interference import Owner, owners, reach_km

MARK = "\x00root\x00/"  # stands for the inventory folder in a stored finding
IN_SECTION = "\x00section"  # appended to a lock position counted from the town's section
SAMPLE_RULE = "CN521"  # put together across towns (combine.py), not per town


@dataclass
class TownCheck:
    """A town's findings (folder written as MARK) and the facts the cross-town rules need."""

    town: str
    findings: list[Finding]
    asn: int
    aggregate: str
    management: str
    devices: list[str]  # as written, duplicates included
    links: list[str]
    handoff_towns: list[str]  # towns nofbi.yml hands off to (a shared file: the same in every town)
    sites: int
    links_count: int
    owners: list[Owner] = field(default_factory=list)  # channel owners, light copies (no model objects)
    circle: tuple[float, float, float] | None = None  # lat, lon, km: every owner's radios lie within it
    samples: dict[Any, str] | None = None  # CN521: variant -> the town's first device of it (None: cannot tell)
    shortages: bool = False  # the allocator's journal for the town (CN210 across towns)
    added: bool = False
    moved: bool = False


@dataclass
class TownData:
    intents: dict[str, dict[str, Any]]
    device_town: dict[str, str]
    lock: dict[str, Any]  # this town's part of Allocation.to_lock()
    radio: dict[str, dict[str, Any]]
    sites: dict[str, str]


def _tokenise(findings: list[Finding], prefix: str, section_line: int | None) -> list[Finding]:
    """Findings with the folder written as MARK and lines in the town's lock section counted from its first."""

    def sub(text: str) -> str:
        return text.replace(prefix, MARK) if prefix else text

    out = []
    for f in findings:
        pos = f.pos
        if pos is not None:
            pos = dataclasses.replace(pos, file=sub(pos.file))
            if pos.file == MARK + LOCK_FILE and section_line is not None and pos.line >= section_line:
                pos = dataclasses.replace(pos, file=pos.file + IN_SECTION, line=pos.line - section_line)
        out.append(dataclasses.replace(f, message=sub(f.message), hint=sub(f.hint), pos=pos))
    return out


def portable(findings: list[Finding]) -> bool:
    """Whether no message names a line of the lock (those could not follow the section when it moves)."""
    return not any(MARK + LOCK_FILE + ":" in f.message + f.hint for f in findings)


def restore(findings: list[Finding], prefix: str, section_line: int | None = None) -> list[Finding]:
    """Stored findings with MARK replaced by how the inventory folder is shown here, lock lines made absolute."""
    out = []
    for f in findings:
        pos = f.pos
        if pos is not None:
            if pos.file.endswith(IN_SECTION):
                assert section_line is not None  # the key holds the section's text: it is there
                pos = dataclasses.replace(pos, file=pos.file.removesuffix(IN_SECTION), line=pos.line + section_line)
            pos = dataclasses.replace(pos, file=pos.file.replace(MARK, prefix))
        out.append(
            dataclasses.replace(f, message=f.message.replace(MARK, prefix), hint=f.hint.replace(MARK, prefix), pos=pos)
        )
    return out


def folder_prefix(root: Path) -> str:
    """How findings write a file of `root`, without the file's name (e.g. 'inventory/' or '/abs/inv/')."""
    return _display(root, root / "X")[:-1]


def _light_owners(model: Model) -> list[Owner]:
    """The channel owners of the town's plan without references into the model (so they pickle small)."""
    out = []
    for o in owners(model.radio).values():
        points = o.points
        light = {id(r): dataclasses.replace(r, model=cast(Any, None), node=cast(Any, None), owner=cast(Any, None))
                 for r in o.radios}  # fmt: skip
        copy = Owner(o.key, [light[id(r)] for r in o.radios])
        copy._points = [dataclasses.replace(p, radio=light[id(p.radio)]) for p in points]
        out.append(copy)
    return out


def _circle(owns: list[Owner]) -> tuple[float, float, float] | None:
    if not owns:
        return None
    c = owns[0].anchor
    return c.lat, c.lon, max(fx.haversine_km(c.lat, c.lon, o.anchor.lat, o.anchor.lon) + reach_km(o) for o in owns)


def _data(model: Model) -> TownData:
    from countynet.review.evaluate import _flat_lock

    topo = model.topo
    hosts = sorted(topo.devices)
    return TownData(
        intents=model.intents(hosts),
        device_town={h: topo.devices[h].town for h in hosts},
        lock=_flat_lock(Allocation(towns=dict(model.alloc.towns)).to_lock()),
        radio={lp.id: lp.as_dict() for lp in model.radio.links.values()},
        sites={s.name: t.name for t in model.inv.towns for s in t.sites},
    )


@contextlib.contextmanager
def _town_model(inputs: FolderInputs, town: TownInput) -> Iterator[tuple[Model, str, int | None] | None]:
    """(the town's model, its folder as findings write it, the lock line its section starts at); None: no model."""
    load_rules()
    with tempfile.TemporaryDirectory(prefix="countynet-town-") as tmp:
        root = write_town_folder(inputs, town, Path(tmp) / "inventory")
        try:
            model = load_model(root, cached=False)
        except InventoryLoadError:
            yield None
            return
        if len(model.inv.towns) != 1 or model.inv.towns[0].name != town.name:
            yield None
            return
        yield model, folder_prefix(root), unit_section_line(inputs, town)


def compute(inputs: FolderInputs, town: TownInput, with_data: bool) -> tuple[TownCheck, TownData | None] | None:
    """Compute `town` alone; None when it does not load on its own (the whole inventory is then judged as one)."""
    with _town_model(inputs, town) as got:
        if got is None:
            return None
        model, prefix, section_line = got
        inv, t = model.inv, model.inv.towns[0]
        report = run_rules(model, {r for r, v in RULES.items() if v.scope == "model" and r != SAMPLE_RULE})
        owns = _light_owners(model)
        check = TownCheck(
            town=t.name,
            findings=_tokenise(report.findings, prefix, section_line),
            asn=t.asn,
            aggregate=str(t.aggregate),
            management=str(t.management),
            devices=[t.hub.name, *(b.name for b in t.base_stations), *(s.name for s in t.sites)],
            links=[lk.name for lk in t.links],
            handoff_towns=[h.town for p in inv.nofbi.pops for h in p.handoffs],
            sites=len(t.sites),
            links_count=report.summary["links"],
            owners=owns,
            circle=_circle(owns),
            samples=platform_syntax.samples(model),
            shortages=bool(model.alloc.shortages),
            added=bool(model.alloc.added),
            moved=bool(model.alloc.moved),
        )
        return check, _data(model) if with_data else None


def sample_findings(inputs: FolderInputs, town: TownInput, hosts: list[str]) -> dict[str, list[Finding]] | None:
    """CN521's findings for the given devices of `town` (rendered and checked by their platform)."""
    rule = RULES[SAMPLE_RULE]
    with _town_model(inputs, town) as got:
        if got is None:
            return None
        model, prefix, section_line = got
        out = {}
        for host in hosts:
            issues = platform_syntax.sample_issues(model, host)
            found = [Finding(rule.id, i.severity or rule.severity, i.message, i.hint, i.at) for i in issues]
            out[host] = _tokenise(found, prefix, section_line)
        return out
