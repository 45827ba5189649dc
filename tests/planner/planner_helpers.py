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


SECRETS = {
    "COUNTYNET_ADMIN_PASSWORD": "Adm1n-Sekrit-7731",
    "COUNTYNET_SNMP_AUTH": "Snmp-Auth-Sekrit-4410",
    "COUNTYNET_SNMP_PRIV": "Snmp-Priv-Sekrit-9902",
    "COUNTYNET_WIFI_PSK": "Wifi-Psk-Sekrit-1187",
}


def git(top: Path, *args: str) -> str:
    import subprocess

    out = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def init_repo(top: Path) -> None:
    git(top, "init", "-q", "-b", "main")
    git(top, "config", "user.email", "test@example.org")
    git(top, "config", "user.name", "test")
    git(top, "config", "commit.gpgsign", "false")


def commit(top: Path, message: str) -> None:
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", message)
