"""The validate job: load + every model rule (findings instead of an exception for a broken inventory)."""

from __future__ import annotations

from pathlib import Path

from countynet.checks.engine import Report
from countynet.checks.engine import validate as run_validate


def validate(root: Path | str, only: set[str] | None = None) -> Report:
    return run_validate(root, only)
