"""Helpers shared by the tests that build a virtual lab: skip marker, run-specific names, a free management
subnet, and the mini inventory as a lab of its own.

One importable module (`from labkit import ...`; tests/conftest.py puts tests/ on sys.path) instead of
`from conftest import ...`: two conftest.py files both import as `conftest`, so a run collecting both
folders got whichever was imported last. Fixtures stay in the conftest.py files and use these helpers.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import pytest

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
MINI_MGMT = "172.28.90.0/24"  # the mini fixture's management subnet (towns/ruiru.yml)


def lab_unavailable() -> str | None:
    """Why no lab can run here (no root, no FRR, ...), or None."""
    from countynet.lab import unavailable_reason

    return unavailable_reason()


REASON = lab_unavailable()
needs_lab = pytest.mark.skipif(REASON is not None, reason=f"virtual lab unavailable: {REASON}")


def run_lab_name(tag: str) -> str:
    """Run-specific: pt<pid>-<tag>, so parallel runs and stale labs never collide."""
    return f"pt{os.getpid()}-{tag}"


def free_mgmt_net(*prefer: str, start: int = 100) -> str:
    """The first of `prefer`, else the first 172.28.X.0/24 from X = start, that overlaps no address on this
    host (other labs' management gateways included), as 'a.b.c.0/24'. Callers use different starts so
    test runs started at the same moment rarely pick the same one."""
    from countynet.lab.build import _host_networks

    used = _host_networks()
    for cand in [*prefer, *(f"172.28.{third}.0/24" for third in range(start, 250))]:
        if not any(IPv4Network(cand).overlaps(u) for u in used):
            return cand
    raise RuntimeError("no free management subnet")


@dataclass
class MiniLab:
    """A running lab of an inventory copy, with its own state folder (journals, verify results)."""

    inventory: Path
    name: str
    lab: Any
    state: Path

    def cli(self, *args: str) -> Any:
        from typer.testing import CliRunner

        from countynet.cli.main import app

        return CliRunner().invoke(app, ["--inventory", str(self.inventory), *args], catch_exceptions=False)


def relock(inventory: Path) -> Path:
    """Write a fresh allocation lock for an edited inventory copy."""
    from countynet.allocate.allocator import allocate
    from countynet.allocate.lockfile import write_lock
    from countynet.inventory.loader import load
    from countynet.inventory.topology import build

    inv = load(inventory).inventory
    assert inv is not None
    write_lock(inventory, allocate(inv, build(inv)).to_lock())
    return inventory


def copy_mini(dst: Path, mgmt: str) -> Path:
    """The mini inventory with its own management subnet and a fresh allocation lock."""
    shutil.copytree(MINI, dst)
    (dst / "allocations.yml").unlink()
    town = dst / "towns" / "ruiru.yml"
    text, n = re.subn(rf"management: {re.escape(MINI_MGMT)}", f"management: {mgmt}", town.read_text())
    assert n == 1, "the mini fixture's management subnet moved: update MINI_MGMT"
    town.write_text(text)
    return relock(dst)


@contextmanager
def mini_lab_up(inventory: Path, name: str, state: Path) -> Iterator[MiniLab]:
    """The whole inventory as lab `name`, COUNTYNET_STATE set to `state` meanwhile; always torn down."""
    from countynet.lab import lab_down, lab_up
    from countynet.lab.from_inventory import spec_from_model
    from countynet.model import load_model

    old_state = os.environ.get("COUNTYNET_STATE")
    os.environ["COUNTYNET_STATE"] = str(state)
    try:
        model = load_model(inventory)
        spec = spec_from_model(model, model.select(), name)
        try:
            yield MiniLab(inventory, name, lab_up(spec, progress=False, persistent=False), state)
        finally:
            lab_down(name)
    finally:
        if old_state is None:
            os.environ.pop("COUNTYNET_STATE", None)
        else:
            os.environ["COUNTYNET_STATE"] = old_state
