"""Suite-wide: the tests never read or write the user's plan cache (countynet.plancache)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


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
