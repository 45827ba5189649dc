"""Run the load and all model rules over an inventory folder: the `validate` step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countynet.checks.registry import RULES, load_rules
from countynet.findings import Finding
from countynet.inventory.loader import gc_paused

if TYPE_CHECKING:
    from countynet.model import Model


@dataclass
class Report:
    findings: list[Finding]
    context: Model | None
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
    """Load `root` and run every model rule (or only the ids in `only`): the `validate` step."""
    from countynet.model import InventoryLoadError, load_model

    start = time.perf_counter()
    try:
        model = load_model(root)
    except InventoryLoadError as exc:
        return Report(sorted(exc.findings, key=_sort_key), None, time.perf_counter() - start)
    if only is None:
        return model.report
    return run_rules(model, only)


def run_rules(model: Model, only: set[str] | None = None) -> Report:
    """Every model rule over `model`; findings sorted by position, duplicates removed."""
    with gc_paused():  # the rules build the topology, allocation and radio plan: all long-lived
        start = time.perf_counter()
        findings = list(model.load_findings)
        load_rules()
        for r in RULES.values():
            if r.scope == "model" and (only is None or r.id in only):
                findings.extend(r.run(model))
        findings = sorted(set(findings), key=_sort_key)
        inv, topo = model.inv, model.topo
        summary = {
            "towns": len(inv.towns),
            "sites": sum(len(t.sites) for t in inv.towns),
            "devices": len(topo.devices),
            "links": sum(1 for s in topo.segments.values() if s.kind in ("ptp", "fibre"))
            + sum(len(s.members) - 1 for s in topo.segments.values() if s.kind == "sector"),
        }
        return Report(findings, model, time.perf_counter() - start, summary)


def __getattr__(name: str) -> Any:
    """`Context`, the model's former name here, for code written against it."""
    if name == "Context":
        from countynet.model import Model

        return Model
    raise AttributeError(name)
