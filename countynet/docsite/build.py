"""Build the static documentation site: `countynet docs`.

Offline by construction: one local stylesheet, inline SVG and inline script, relative links only,
so the folder opens from the file system and from any web server. Deterministic: everything is
sorted, numbers are printed at fixed precision, and no build time is written, so the same
inventory and state folder give the same bytes.
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from countynet import __version__
from countynet.docsite import pages, topology
from countynet.docsite.rollout import read_state
from countynet.docsite.svg import slug
from countynet.docsite.views import Views
from countynet.errors import CountynetError
from countynet.findings import Finding
from countynet.inventory.model import Town
from countynet.inventory.topology import Topology
from countynet.model import open_model
from countynet.render.renderer import render_intents

TEMPLATES = Path(__file__).parent / "templates"
ATTACHMENT_SUFFIXES = {".md", ".html", ".json", ".xml", ".pdf", ".txt"}
Intents = dict[str, dict[str, Any]]


@dataclass
class BuildResult:
    out: Path
    towns: int = 0
    devices: int = 0
    files: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def default_state_dir() -> Path:
    return Path(os.environ.get("COUNTYNET_STATE", ".countynet"))


class _Writer:
    """Writes pages on a few background threads: creating 7,000 files is disk-bound (about 2 ms
    each on a busy virtual disk) and overlaps with rendering the next page. Unchanged files are
    left alone, so a rebuild touches only what changed."""

    def __init__(self, out: Path, threads: int = 4) -> None:
        self.out = out
        self.written: set[Path] = set()
        self.folders: set[Path] = set()
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.pending: list[Future[None]] = []

    def write(self, rel: str, text: str) -> None:
        path = self.out / rel
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        self.written.add(path)
        self.pending.append(self.pool.submit(self._put, path, text.encode("utf-8")))
        if len(self.pending) > 256:  # bound the memory held by queued pages
            self._drain(128)

    @staticmethod
    def _put(path: Path, data: bytes) -> None:
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)

    def _drain(self, keep: int = 0) -> None:
        while len(self.pending) > keep:
            self.pending.pop(0).result()  # re-raises a write error here

    def close(self) -> None:
        self._drain()
        self.pool.shutdown()

    def prune(self, folders: tuple[str, ...]) -> None:
        """Remove pages of devices, towns or rules that no longer exist (only files this builder makes)."""
        for folder in folders:
            for path in sorted((self.out / folder).glob("*")):
                if path.is_file() and path not in self.written and path.suffix in ATTACHMENT_SUFFIXES | {".html"}:
                    path.unlink()


def _attachments(
    sources: list[tuple[str, Path]], topo: Topology, towns: set[str], w: _Writer
) -> dict[str, list[dict[str, str]]]:
    """Copy reports and work orders into the site, keyed by site, town, or "" (the whole rollout).

    A file named after a site (workorders/<site>.html) belongs to that site and its town; one whose
    name holds a town name to that town; anything else (the acceptance report) to the dashboard.
    """
    out: dict[str, list[dict[str, str]]] = {}
    for label, folder in sources:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in ATTACHMENT_SUFFIXES):
            rel = path.relative_to(folder).as_posix()
            site = path.stem if path.stem in topo.sites else ""
            town = topo.sites[site][0].name if site else next((t for t in sorted(towns) if t in rel), "")
            if town and town not in towns:
                continue
            dest = f"attachments/{label}/{rel}"
            w.write(dest, path.read_text(encoding="utf-8", errors="replace"))
            item = {"href": dest, "name": rel, "source": label}
            for key in {site, town} - {""} or {""}:
                out.setdefault(key, []).append(item)
    return out


class _Laps:
    """Seconds per build step, accumulated into `steps` (what `countynet docs --timings` prints)."""

    def __init__(self, steps: dict[str, float], t0: float) -> None:
        self.steps, self.t = steps, t0

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = self.steps.get(name, 0.0) + now - self.t
        self.t = now


@dataclass
class _Site:
    """The page writers of one build: templates, the writer, the context every page shares, attachments."""

    env: jinja2.Environment
    w: _Writer
    common: dict[str, Any]
    att: dict[str, list[dict[str, str]]]

    def page(self, template: str, rel: str, ctx_: dict[str, Any], root_: str) -> None:
        self.w.write(rel, self.env.get_template(template).render(**self.common, **ctx_, root=root_))

    def dashboard_and_towns(
        self, v: Views, selected: list[Town], intents: Intents, diagrams: dict[str, str], state_dir: Path
    ) -> None:
        self.page(
            "dashboard.html.j2",
            "index.html",
            {**pages.dashboard(v, intents, str(state_dir)), "attachments_list": self.att.get("", [])},
            "",
        )
        for tn in selected:
            ctx_ = {**pages.town_page(v, tn, intents, diagrams[tn.name]), "attachments_list": self.att.get(tn.name, [])}
            self.page("town.html.j2", f"towns/{slug(tn.name)}.html", ctx_, "../")

    def devices(self, v: Views, hosts: list[str], intents: Intents, texts: dict[str, str], topo: Topology) -> None:
        device_tpl = self.env.get_template("device.html.j2")
        for host in hosts:
            ctx_ = {
                **pages.device_page(v, host, intents[host], texts[host]),
                "attachments_list": self.att.get(host, []),
            }
            town = topo.devices[host].town  # a device page's menu names its own town only (7,000 pages x 57 towns)
            nav = {**self.common, "nav_towns": [{"name": town, "slug": slug(town)}]}
            self.w.write(f"devices/{slug(host)}.html", device_tpl.render(**nav, **ctx_, root="../"))

    def rules(self, findings: list[Finding]) -> None:
        rules = pages.rules(findings)
        self.page("rules.html.j2", "rules/index.html", {"page": "rules", "title": "Rules", "rules": rules}, "../")
        for r in rules:
            ctx_ = {"page": "rules", "title": f"{r['id']} {r['name']}", "r": r}
            self.page("rule.html.j2", f"rules/{r['slug']}.html", ctx_, "../")


def build_site(
    root: Path | str,
    out: Path | str,
    towns: list[str] | None = None,
    state: Path | None = None,
    workorders: Path | None = None,
) -> BuildResult:
    """Validate `root`, then write the site into `out`; `towns` limits it to those towns.

    The installation report (`<state>/accept/`) and work orders (`workorders`, default
    ./workorders as `countynet workorder` writes them) are copied in and linked when they exist.
    """
    t0 = time.perf_counter()
    res = BuildResult(Path(out))
    lap = _Laps(res.steps, t0)
    ctx = open_model(root)  # validated once per process (the Model caches it); errors refuse the build
    inv, topo = ctx.inv, ctx.topo
    unknown = [t for t in towns or [] if inv.town(t) is None]
    if unknown:
        raise CountynetError(f"no town named {unknown[0]!r}", "use a town name from inventory/towns/")
    selected = [t for t in inv.towns if not towns or t.name in towns]
    names = {t.name for t in selected}
    hosts = sorted(d for d, dev in topo.devices.items() if dev.town in names)
    _ = ctx.radio, ctx.alloc
    lap("validate")
    intents = ctx.intents(hosts)
    texts = render_intents(intents)
    lap("intent+render")
    state_dir = state or default_state_dir()
    v = Views(ctx, read_state(state_dir), selected)
    lap("state")
    sources = [
        (tn.name, topology.dot_source(tn.name, [intents[d] for d in hosts if topo.devices[d].town == tn.name]))
        for tn in selected
    ]
    diagrams = topology.render_all(sources)
    lap("graphviz")

    w = _Writer(Path(out))
    common: dict[str, Any] = {
        "version": __version__,
        "network": inv.network.name,
        "nav_towns": [{"name": tn.name, "slug": slug(tn.name)} for tn in selected],
    }
    w.write("style.css", (TEMPLATES / "style.css").read_text(encoding="utf-8"))
    found = [("accept", state_dir / "accept"), ("workorders", workorders or Path("workorders"))]
    site = _Site(_env(), w, common, _attachments(found, topo, names, w))
    site.dashboard_and_towns(v, selected, intents, diagrams, state_dir)
    lap("dashboard+towns")
    site.devices(v, hosts, intents, texts, topo)
    lap("devices")
    site.rules(ctx.report.findings)
    w.close()
    w.prune(("towns", "devices", "rules"))
    if not site.att and (Path(out) / "attachments").is_dir():
        shutil.rmtree(Path(out) / "attachments")
    lap("rules")
    res.towns, res.devices, res.files = len(selected), len(hosts), len(w.written)
    res.seconds = time.perf_counter() - t0
    return res
