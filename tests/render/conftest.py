"""Shared fixtures: the mini inventory's model and intents."""

from __future__ import annotations

from typing import Any

import pytest
from render_helpers import MINI, model

from countynet.intent import build_intents


@pytest.fixture(scope="session")
def mini() -> tuple[Any, Any, Any]:
    return model(MINI)


@pytest.fixture(scope="session")
def mini_intents(mini: tuple[Any, Any, Any]) -> dict[str, dict[str, Any]]:
    return build_intents(*mini)
