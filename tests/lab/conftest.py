"""Lab fixtures: skip without root/FRR, clean stale labs first, tear down in finalizers (helpers: labkit)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from labkit import REASON, free_mgmt_net, run_lab_name

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session", autouse=True)
def _clean_stale_labs() -> None:
    """Labs left by killed test runs (non-persistent, owner gone) are removed before we start."""
    if REASON is None:
        from countynet.lab import cleanup_stale

        cleanup_stale()


@pytest.fixture(scope="module")
def small_lab() -> Iterator[object]:
    from specs import small_spec

    from countynet.lab import lab_down, lab_up

    name = run_lab_name("small")
    try:
        yield lab_up(small_spec(name, free_mgmt_net()), progress=False, persistent=False)
    finally:
        lab_down(name)
