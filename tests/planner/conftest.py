"""Fixtures for the planner tests (helpers live in planner_helpers, an unambiguous module name)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from planner_helpers import Case, make_case


@pytest.fixture
def case_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(town: str = "kitui", n: int = 15, seed: int = 1, pop: str = "nofbi-mwingi") -> Case:
        return make_case(tmp_path, town, n, seed, pop)

    return make
