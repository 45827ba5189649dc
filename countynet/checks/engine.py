"""Run the load and all model rules over an inventory folder: the `validate` step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countynet.checks.finding import Finding
from countynet.checks.registry import RULES, load_rules
from countynet.inventory.loader import Inventory, gc_paused, load
from countynet.inventory.topology import Topology, build

if TYPE_CHECKING:
    from countynet.allocate.allocator import Allocation
    from countynet.radio.plan import RadioPlan


@dataclass
class Context:
    """What rules look at; derived views are computed once, on first use."""

    inv: Inventory

    @cached_property
    def topo(self) -> Topology:
        return build(self.inv)

    @cached_property
    def alloc(self) -> Allocation:
        from countynet.allocate.allocator import allocate

        return allocate(self.inv, self.topo)

    @cached_property
    def radio(self) -> RadioPlan:
        from countynet.radio.plan import plan_radio

        return plan_radio(self.inv, self.topo)


@dataclass
class Report:
    findings: list[Finding]
    context: Context | None
    seconds: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def _sort_key(f: Finding) -> tuple[Any, ...]:
    p = f.pos
    return (p.file if p else "", p.line if p else 0, p.col if p else 0, f.rule, f.message)


def validate(root: Path | str, only: set[str] | None = None) -> Report:
    """Load `root` and run every model rule (or only the ids in `only`)."""
    with gc_paused():  # the rules build the topology, allocation and radio plan: all long-lived
        return _validate(root, only)


def _validate(root: Path | str, only: set[str] | None) -> Report:
    start = time.perf_counter()
    result = load(root)
    if result.inventory is None:
        return Report(sorted(result.findings, key=_sort_key), None, time.perf_counter() - start)
    ctx = Context(result.inventory)
    findings = list(result.findings)
    load_rules()
    for r in RULES.values():
        if r.scope == "model" and (only is None or r.id in only):
            findings.extend(r.run(ctx))
    findings = sorted(set(findings), key=_sort_key)
    inv, topo = ctx.inv, ctx.topo
    summary = {
        "towns": len(inv.towns),
        "sites": sum(len(t.sites) for t in inv.towns),
        "devices": len(topo.devices),
        "links": sum(1 for s in topo.segments.values() if s.kind in ("ptp", "fibre"))
        + sum(len(s.members) - 1 for s in topo.segments.values() if s.kind == "sector"),
    }
    return Report(findings, ctx, time.perf_counter() - start, summary)
