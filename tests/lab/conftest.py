"""Lab fixtures: skip without root/FRR, clean stale labs first, tear down in finalizers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from ipaddress import IPv4Network
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


def lab_unavailable() -> str | None:
    from countynet.lab import unavailable_reason

    return unavailable_reason()


REASON = lab_unavailable()
needs_lab = pytest.mark.skipif(REASON is not None, reason=f"virtual lab unavailable: {REASON}")


def run_lab_name(tag: str) -> str:
    """Run-specific: pytest-<pid>-<tag>, so parallel runs and stale labs never collide."""
    return f"pt{os.getpid()}-{tag}"


def free_mgmt_net(start: int = 100) -> str:
    """A 172.28.X.0/24 not overlapping anything on this host (other labs included); returns '172.28.X'."""
    from countynet.lab.build import _host_networks

    used = _host_networks()
    for third in range(start, 250):
        net = IPv4Network(f"172.28.{third}.0/24")
        if not any(net.overlaps(u) for u in used):
            return f"172.28.{third}"
    raise RuntimeError("no free management subnet")


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
