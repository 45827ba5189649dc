"""Render device configs from intents, and write them to disk touching only what changed.

Output is a pure function of the intents (no timestamps, sorted iteration), so identical
input gives byte-identical files and `countynet diff` / golden tests can compare them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countynet import platforms
from countynet.allocate.allocator import Allocation
from countynet.intent.build import build_intents
from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Topology
from countynet.render.environment import environment

Progress = Callable[[int], None]  # called with the number of hosts just rendered


def template_name(intent: Mapping[str, Any]) -> str:
    return f"{platforms.get(intent['platform']).templates}/{intent['role']}.j2"


def render_intents(
    intents: Mapping[str, Mapping[str, Any]],
    templates: str | None = None,
    progress: Progress | None = None,
    sandboxed: bool = False,
) -> dict[str, str]:
    """{hostname: rendered text} for the given intents (templates folder overridable for tests;
    `sandboxed` for templates from an untrusted revision)."""
    env = environment(templates, sandboxed)
    cache: dict[str, Any] = {}
    out: dict[str, str] = {}
    for host in sorted(intents):
        intent = intents[host]
        plat = platforms.get(intent["platform"])
        name = f"{plat.templates}/{intent['role']}.j2"
        tpl = cache.get(name)
        if tpl is None:
            tpl = cache[name] = env.get_template(name)
        out[host] = tpl.render(i=intent, header=plat.header(host))
        if progress is not None:
            progress(1)
    return out


def render_all(
    inv: Inventory,
    topo: Topology,
    alloc: Allocation,
    radio: Any = None,
    platform_override: str | None = None,
    hosts: Iterable[str] | None = None,
    templates: str | None = None,
    progress: Progress | None = None,
) -> dict[str, str]:
    """Intent + render for every device (or `hosts`): {hostname: text}."""
    intents = build_intents(inv, topo, alloc, radio=radio, platform_override=platform_override, hosts=hosts)
    return render_intents(intents, templates, progress)


def file_name(hostname: str, platform: str) -> str:
    return hostname + platforms.get(platform).suffix


@dataclass
class WriteSummary:
    rendered: int = 0
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    backups: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rendered": self.rendered,
            "changed": self.changed,
            "unchanged": len(self.unchanged),
            "backups": self.backups,
        }


def is_rendered_file(path: Path) -> bool:
    """True when the file's first line is a countynet header (safe to overwrite)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
    except OSError:
        return False
    return " countynet-rendered " in first


def write_rendered(texts: Mapping[str, str], host_platform: Mapping[str, str], out: Path | str) -> WriteSummary:
    """Write `<out>/<host><suffix>`, rewriting only changed files.

    A file in the way that countynet did not render is kept as `<name>.bak` first, so a
    hand-made config is never lost.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = WriteSummary()
    for host in sorted(texts):
        path = out / file_name(host, host_platform[host])
        text = texts[host]
        summary.rendered += 1
        if path.exists():
            try:
                if path.read_text(encoding="utf-8") == text:
                    summary.unchanged.append(path.name)
                    continue
            except (OSError, UnicodeDecodeError):
                pass
            if not is_rendered_file(path):
                bak = path.with_name(path.name + ".bak")
                os.replace(path, bak)
                summary.backups.append(bak.name)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        summary.changed.append(path.name)
    return summary
