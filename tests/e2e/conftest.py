"""A bare virtual lab of the mini inventory (isolated copy, free management subnet, own state dir);
the helpers (MiniLab, copy_mini, ...) live in labkit."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from labkit import MiniLab, copy_mini, free_mgmt_net, mini_lab_up


@pytest.fixture(scope="module")
def mini_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MiniLab]:
    from countynet.lab import cleanup_stale

    cleanup_stale()
    base = tmp_path_factory.mktemp("e2e")
    inv_dir = copy_mini(base / "inventory", free_mgmt_net(start=150))
    with mini_lab_up(inv_dir, f"e2e{os.getpid()}", base / "state") as lab:
        yield lab
