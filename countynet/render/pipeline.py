"""Load -> allocate -> (radio plan) -> intent -> render -> write -> baseline: what `countynet render` runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from countynet.allocate.allocator import allocate
from countynet.checks.finding import Finding
from countynet.errors import CountynetError
from countynet.intent.build import build_intents
from countynet.intent.secrets import env_resolver, secret_values
from countynet.inventory.loader import Inventory, load
from countynet.inventory.topology import Topology, build
from countynet.render.check import check_rendered
from countynet.render.renderer import Progress, WriteSummary, render_intents, write_rendered


@dataclass
class Model:
    inv: Inventory
    topo: Topology
    intents: dict[str, dict[str, Any]]


@dataclass
class Result:
    texts: dict[str, str]
    summary: WriteSummary
    findings: list[Finding]


def radio_plan(inv: Inventory, topo: Topology) -> Any:
    """The radio plan when its module is available (it is optional for rendering)."""
    try:
        from countynet.radio.plan import plan_radio
    except ImportError:
        return None
    return plan_radio(inv, topo)


def prepare(
    root: Path | str,
    town: str | None = None,
    hosts: Iterable[str] | None = None,
    platform_override: str | None = None,
) -> Model:
    result = load(root)
    if result.inventory is None:
        first = result.findings[0].format() if result.findings else "unknown problem"
        raise CountynetError(f"inventory cannot be loaded: {first}", "run `countynet validate` and fix it")
    inv = result.inventory
    if town is not None and inv.town(town) is None:
        raise CountynetError(f"no town named {town!r}", "use a town name from inventory/towns/")
    topo = build(inv)
    alloc = allocate(inv, topo)
    wanted = [d.name for d in topo.devices.values() if town is None or d.town == town]
    if hosts is not None:
        hosts = list(hosts)
        unknown = [h for h in hosts if h not in topo.devices]
        if unknown:
            raise CountynetError(f"unknown device(s): {', '.join(unknown)}", "check the names in inventory/towns/")
        wanted = [h for h in wanted if h in set(hosts)]
    return Model(inv, topo, build_intents(inv, topo, alloc, radio_plan(inv, topo), platform_override, wanted))


def render_and_write(model: Model, out: Path | str, progress: Progress | None = None) -> Result:
    texts = render_intents(model.intents, progress=progress)
    platforms = {h: i["platform"] for h, i in model.intents.items()}
    resolver = env_resolver()
    values = sorted({v for t in texts.values() for v in secret_values(t, resolver)})
    findings = check_rendered(texts, platforms, values)
    summary = write_rendered(texts, platforms, out)
    return Result(texts, summary, findings)
