"""Suite-wide: the tests never read or write the user's plan cache (countynet.plancache); tests/ is on
sys.path so test modules import shared helpers (labkit) by name, whatever pytest's import mode."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def _own_plan_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One empty cache folder for the run (tests that need their own set COUNTYNET_CACHE_DIR again)."""
    before = os.environ.get("COUNTYNET_CACHE_DIR")
    os.environ["COUNTYNET_CACHE_DIR"] = str(tmp_path_factory.mktemp("plan-cache"))
    yield
    if before is None:
        os.environ.pop("COUNTYNET_CACHE_DIR", None)
    else:
        os.environ["COUNTYNET_CACHE_DIR"] = before
