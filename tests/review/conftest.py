"""Fixtures: a throw-away git repository (see review_repo) and a device-name picker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from review_repo import Repo, make_repo


@pytest.fixture(autouse=True)
def _own_plan_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each review test starts from an empty plan cache of its own (never the user's)."""
    monkeypatch.setenv("COUNTYNET_CACHE_DIR", str(tmp_path / "plan-cache"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return make_repo(tmp_path, monkeypatch)


@pytest.fixture
def names() -> Callable[[dict[str, Any], str], set[str]]:
    def pick(plan: dict[str, Any], status: str) -> set[str]:
        return {d["host"] for d in plan["devices"] if d["status"] == status}

    return pick
