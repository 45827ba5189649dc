"""The test tree itself: pytest imports test modules by basename, so two with one name break a run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_test_module_names_are_unique() -> None:
    names = Counter(p.name for p in TESTS.rglob("test_*.py") if "golden" not in p.parts)
    assert [n for n, c in names.items() if c > 1] == [], "rename one: pytest would import the other"
