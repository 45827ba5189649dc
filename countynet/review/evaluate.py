"""One side of a review: what an inventory folder turns into (intents, addresses, radio, sites).

Speed comes from scoping, not from skipping checks. Every input a device's intent reads is
network.yml, nofbi.yml, its own town file and its town's section of allocations.yml (towns are
independent: allocation, topology and radio planning all work town by town). So when the shared
files are byte-identical, only towns whose own inputs differ can change; the base side is loaded
with just those towns and the head side builds intents for just those towns. The head side is
always validated in full, because its findings decide the exit code. `full=True` (and any change
to a shared file or to the templates) turns scoping off.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from countynet.allocate.allocator import Allocation
from countynet.checks.engine import Report, validate
from countynet.errors import CountynetError, Pos
from countynet.findings import Finding
from countynet.inventory.limits import read_user_file
from countynet.inventory.loader import LOCK_FILE, NETWORK_FILE, NOFBI_FILE, TOWNS_DIR
from countynet.model import InventoryLoadError, load_model

SHARED_FILES = (NETWORK_FILE, NOFBI_FILE)
TOWN_NAME = re.compile(r"^name:[ \t]*['\"]?([A-Za-z0-9_.-]+)", re.MULTILINE)


@dataclass
class SideData:
    """What a review compares, for the towns in scope."""

    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    device_town: dict[str, str] = field(default_factory=dict)
    lock: dict[str, dict[str, str]] = field(default_factory=dict)  # town -> {"category key": value}
    radio: dict[str, dict[str, Any]] = field(default_factory=dict)  # link id -> LinkPlan.as_dict()
    sites: dict[str, str] = field(default_factory=dict)  # site -> town
    towns: set[str] = field(default_factory=set)
    report: Report | None = None
    loaded: bool = True
    problems: list[Finding] = field(default_factory=list)  # why it did not load (rules=False)


# ------------------------------------------------------------------ scope
def _town_files(root: Path) -> dict[str, Path]:
    d = root / TOWNS_DIR
    if not d.is_dir():
        return {}
    return {p.name: p for p in sorted(d.glob("*.yml")) + sorted(d.glob("*.yaml"))}


def _read(path: Path) -> bytes | None:
    """The file's bytes within the loading budget; None when absent or refused (the load reports why)."""
    try:
        return read_user_file(path, root=path.parent.parent if path.parent.name == TOWNS_DIR else path.parent)
    except (CountynetError, OSError):
        return None


def _town_name(data: bytes) -> str | None:
    m = TOWN_NAME.search(data.decode("utf-8", errors="replace"))
    return m[1] if m else None


def _lock_sections(root: Path) -> tuple[str, dict[str, str]] | None:
    """(header, {town: section text}) of the lock, split as text; None when not in the generated layout.

    Text, not YAML: parsing a national lock twice costs seconds, and equal text is all the scope
    needs (a section that differs only in layout is merely re-evaluated, never missed).
    """
    raw = _read(root / LOCK_FILE)
    if raw is None:
        return "", {}
    lines = raw.decode("utf-8", errors="replace").splitlines(keepends=True)
    try:
        start = lines.index("towns:\n")
    except ValueError:
        return None
    header = "".join(x for x in lines[:start] if not x.startswith("#"))
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[start + 1 :]:
        if line.startswith("    ") or not line.strip():
            if current is None:
                return None
            current.append(line)
        elif line.startswith("  ") and line[2] not in " #" and line.rstrip().endswith(":"):
            current = sections.setdefault(line.strip()[:-1], [])
        else:
            return None  # flow style, comments or keys after `towns`: not the generated layout
    return header, {t: "".join(body) for t, body in sections.items()}


def changed_towns(base: Path, head: Path) -> set[str] | None:
    """Towns whose own inputs differ between two inventory folders; None = a shared input differs."""
    if any(_read(base / f) != _read(head / f) for f in SHARED_FILES):
        return None
    bfiles, hfiles = _town_files(base), _town_files(head)
    scope: set[str] = set()
    for name in bfiles.keys() | hfiles.keys():
        b = _read(bfiles[name]) if name in bfiles else None
        h = _read(hfiles[name]) if name in hfiles else None
        if b == h:
            continue
        for data in (b, h):
            if data is None:
                continue
            town = _town_name(data)
            if town is None:
                return None
            scope.add(town)
    if _read(base / LOCK_FILE) == _read(head / LOCK_FILE):
        return scope
    block, hlock = _lock_sections(base), _lock_sections(head)
    if block is None or hlock is None or block[0] != hlock[0]:
        return None
    scope |= {t for t in block[1].keys() | hlock[1].keys() if block[1].get(t) != hlock[1].get(t)}
    return scope


def reduced_copy(root: Path, towns: set[str], dest: Path) -> Path | None:
    """A copy of `root` with only the shared files, the given towns and their lock sections."""
    dest.mkdir(parents=True)
    for f in SHARED_FILES:
        if (root / f).exists():
            shutil.copy(root / f, dest / f)
    (dest / TOWNS_DIR).mkdir()
    for name, path in _town_files(root).items():
        data = _read(path)
        town = _town_name(data) if data is not None else None
        if data is None or town is None:
            return None
        if town in towns:
            (dest / TOWNS_DIR / name).write_bytes(data)
    if (root / LOCK_FILE).exists():
        lock = _lock_sections(root)
        if lock is None:
            return None
        header, sections = lock
        body = "".join(f"  {t}:\n{text}" for t, text in sections.items() if t in towns)
        (dest / LOCK_FILE).write_text(header + "towns:\n" + body if body else header + "towns: {}\n", encoding="utf-8")
    return dest


# ------------------------------------------------------------------ one side
def _flat_lock(lock: dict[str, Any]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for town, cats in lock.get("towns", {}).items():
        flat = out.setdefault(town, {})
        for cat, entries in cats.items():
            for key, value in entries.items():
                if isinstance(value, dict):  # ports: {device: {port: number}}
                    for port, num in value.items():
                        flat[f"{cat} {key}:{port}"] = str(num)
                else:
                    flat[f"{cat} {key}"] = str(value)
    return out


def _relocate(findings: list[Finding], root: Path, shown: str) -> list[Finding]:
    """Findings of an extracted copy, with paths as they are in the repository (also where a message
    names another place, e.g. "already used at <file>:<line>": the copy's folder is temporary)."""
    prefix = str(root.resolve())
    out = []
    for f in findings:
        if f.pos and f.pos.file.startswith(prefix):
            f = replace(f, pos=Pos(shown + f.pos.file[len(prefix) :], f.pos.line, f.pos.col))
        if prefix + "/" in f.message or prefix + "/" in f.hint:
            f = replace(
                f, message=f.message.replace(prefix + "/", shown + "/"), hint=f.hint.replace(prefix + "/", shown + "/")
            )
        out.append(f)
    return out


def evaluate(
    root: Path | None, scope: set[str] | None, rules: bool, shown: str | None = None, whole: Path | None = None
) -> SideData:
    """Load (and with `rules` fully validate) `root`; collect the data of the towns in `scope` (None: all).

    `whole`: the folder `root` was cut from (reduced_copy); the plan cache reads the towns from it,
    so that its entries are those any other run on that revision wrote.
    """
    if root is None:
        return SideData(loaded=False)
    cached = _from_cache(whole or root, scope, rules, shown)
    if cached is not None:
        return cached
    if rules:
        report = validate(root)
        if shown is not None:
            report.findings = _relocate(report.findings, root, shown)
        ctx = report.context
    else:
        report = None
        try:
            ctx = load_model(root, cached=False)
        except InventoryLoadError as exc:
            problems = _relocate(exc.findings, root, shown) if shown is not None else exc.findings
            return SideData(loaded=False, problems=problems)
    if ctx is None:
        return SideData(report=report, loaded=False)
    inv, topo = ctx.inv, ctx.topo
    towns = {t.name for t in inv.towns}
    wanted = towns if scope is None else towns & scope
    hosts = [d.name for d in topo.devices.values() if d.town in wanted]
    radio = ctx.radio
    data = SideData(report=report, towns=towns)
    data.intents = ctx.intents(hosts)
    data.device_town = {h: topo.devices[h].town for h in hosts}
    data.lock = _flat_lock(Allocation(towns={t: a for t, a in ctx.alloc.towns.items() if t in wanted}).to_lock())
    data.radio = {lp.id: lp.as_dict() for lp in radio.links.values() if lp.town in wanted}
    data.sites = {s.name: t.name for t in inv.towns if t.name in wanted for s in t.sites}
    return data


def _from_cache(root: Path, scope: set[str] | None, rules: bool, shown: str | None) -> SideData | None:
    """The same side put together from towns computed one at a time (countynet.plancache); None: not here."""
    from countynet.plancache import combine, store

    if not store.enabled():
        return None
    start = time.perf_counter()
    side = combine.cached_side(root, scope, findings=rules)
    if side is None:
        return None
    towns = set(side.checks)
    datas = side.data(towns if scope is None else towns & scope)
    if datas is None:
        return None
    report = None
    if rules:
        assert side.findings is not None
        findings = _relocate(side.findings, root, shown) if shown is not None else side.findings
        report = Report(findings, None, time.perf_counter() - start, side.summary)
    data = SideData(report=report, towns=towns)
    for d in datas.values():
        data.intents.update(d.intents)
        data.device_town.update(d.device_town)
        data.lock.update(d.lock)
        data.radio.update(d.radio)
        data.sites.update(d.sites)
    return data
