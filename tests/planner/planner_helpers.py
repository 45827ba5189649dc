"""Helpers: a copy of the shipped inventory with a stub for a synthetic town around a real county HQ."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from planner_synth import Town, generate, hq_towns, write_csv, write_stub

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Case:
    inv: Path
    town: Town
    sites: Path

    @property
    def file(self) -> Path:
        return self.inv / "towns" / f"{self.town.name}.yml"


def hq(name: str) -> Town:
    return next(t for t in hq_towns() if t.name == name)


def make_case(tmp: Path, town: str, n: int, seed: int, pop: str) -> Case:
    inv = tmp / "inventory"
    if not inv.exists():
        shutil.copytree(ROOT / "inventory", inv)
        (inv / "allocations.yml.bak").unlink(missing_ok=True)
    t = hq(town)
    write_stub(inv, t, 1200.0, pop)
    sites = write_csv(tmp / f"{town}-{n}.csv", generate(t, n, seed))
    return Case(inv, t, sites)
