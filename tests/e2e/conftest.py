"""A bare virtual lab of the mini inventory (isolated copy, free management subnet, own state dir)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def lab_unavailable() -> str | None:
    from countynet.lab import unavailable_reason

    return unavailable_reason()


REASON = lab_unavailable()
needs_lab = pytest.mark.skipif(REASON is not None, reason=f"virtual lab unavailable: {REASON}")


def free_mgmt_net(start: int = 150) -> str:
    from countynet.lab.build import _host_networks

    used = _host_networks()
    for third in range(start, 250):
        if not any(IPv4Network(f"172.28.{third}.0/24").overlaps(u) for u in used):
            return f"172.28.{third}.0/24"
    raise RuntimeError("no free management subnet")


@dataclass
class MiniLab:
    inventory: Path
    name: str
    lab: Any
    state: Path

    def cli(self, *args: str) -> Any:
        from countynet.cli.main import app

        return CliRunner().invoke(app, ["--inventory", str(self.inventory), *args], catch_exceptions=False)


def copy_mini(dst: Path, mgmt: str) -> Path:
    """The mini inventory with its own management subnet and a fresh allocation lock."""
    from countynet.allocate.allocator import allocate
    from countynet.allocate.lockfile import write_lock
    from countynet.inventory.loader import load
    from countynet.inventory.topology import build

    shutil.copytree(MINI, dst)
    (dst / "allocations.yml").unlink()
    town = dst / "towns" / "ruiru.yml"
    town.write_text(re.sub(r"management: 172\.28\.90\.0/24", f"management: {mgmt}", town.read_text()))
    inv = load(dst).inventory
    assert inv is not None
    write_lock(dst, allocate(inv, build(inv)).to_lock())
    return dst


@pytest.fixture(scope="module")
def mini_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MiniLab]:
    from countynet.lab import cleanup_stale, lab_down, lab_up
    from countynet.lab.from_inventory import spec_from_model
    from countynet.model import load_model

    cleanup_stale()
    base = tmp_path_factory.mktemp("e2e")
    inv_dir = copy_mini(base / "inventory", free_mgmt_net())
    state = base / "state"
    old_state = os.environ.get("COUNTYNET_STATE")
    os.environ["COUNTYNET_STATE"] = str(state)
    name = f"e2e{os.getpid()}"
    model = load_model(inv_dir)
    spec = spec_from_model(model, model.select(), name)
    try:
        lab = lab_up(spec, progress=False, persistent=False)
        yield MiniLab(inv_dir, name, lab, state)
    finally:
        lab_down(name)
        if old_state is None:
            os.environ.pop("COUNTYNET_STATE", None)
        else:
            os.environ["COUNTYNET_STATE"] = old_state
