"""The validate job: load + every model rule (findings instead of an exception for a broken inventory).

Read from the plan cache (countynet.plancache) when it can answer: only towns whose files changed
are checked again; the findings are those of the whole-inventory run (tests/plancache).
"""

from __future__ import annotations

import time
from pathlib import Path

from countynet.checks.engine import Report
from countynet.checks.engine import validate as run_validate


def validate(root: Path | str, only: set[str] | None = None) -> Report:
    """Findings and summary; `Report.summary` is empty when the inventory could not be loaded."""
    if only is None:
        from countynet.plancache import combine, store

        if store.enabled():
            start = time.perf_counter()
            side = combine.cached_side(Path(root), set())
            if side is not None and side.findings is not None:
                return Report(side.findings, None, time.perf_counter() - start, side.summary)
    return run_validate(root, only)
