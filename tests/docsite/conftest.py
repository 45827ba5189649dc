"""Fixtures: the shipped inventory's model, and a state folder filled through the real journal and verify writers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docsite_helpers import INVENTORY, State

from countynet.checks.engine import validate
from countynet.docsite.rollout import path_to_hub
from countynet.model import Model as Context


@pytest.fixture(scope="session")
def ctx() -> Context:
    report = validate(INVENTORY)
    assert report.context is not None and not report.errors
    return report.context


@pytest.fixture
def state(tmp_path: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch) -> State:
    return State(tmp_path / "state", ctx, monkeypatch)


@pytest.fixture
def on_path(ctx: Context) -> Callable[[str], list[str]]:
    return lambda d: path_to_hub(ctx.topo, d)
