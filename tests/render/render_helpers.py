"""Helpers shared by the render tests: the inventory model of a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from countynet.allocate.allocator import allocate
from countynet.inventory.loader import load
from countynet.inventory.topology import build

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"


def model(root: Path) -> tuple[Any, Any, Any]:
    inv = load(root).inventory
    assert inv is not None
    topo = build(inv)
    return inv, topo, allocate(inv, topo)
