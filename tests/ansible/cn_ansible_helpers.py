"""Helpers for the Ansible path tests: run playbooks and the CLI, bring a mini lab up and down."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"
OVERLAP = "overlaps an address already on this host"


def shipped_inventory() -> Path:
    """The shipped inventory, or the mini fixture while inventory/towns is still empty."""
    towns = ROOT / "inventory" / "towns"
    return ROOT / "inventory" if any(towns.glob("*.yml")) else MINI


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "ANSIBLE_NOCOLOR": "1", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(argv, cwd=ROOT, env=full, text=True, capture_output=True, timeout=timeout)


def inventory_source(folder: Path, inventory_dir: Path, lab_inventory: Path | None = None) -> Path:
    """A countynet inventory-plugin source file (name must end in countynet.yml)."""
    path = folder / "test.countynet.yml"
    text = f"plugin: countynet.net.countynet\ninventory_dir: {inventory_dir}\n"
    if lab_inventory is not None:
        text += f"lab_inventory: {lab_inventory}\n"
    path.write_text(text)
    return path


def lab_up(name: str, inventory: Path = MINI, wait: float = 900) -> None:
    """`countynet lab up --all`, retrying while another lab holds the fixture's management subnet."""
    deadline = time.monotonic() + wait
    while True:
        r = run(["countynet", "--inventory", str(inventory), "lab", "up", "--all", "--name", name], timeout=600)
        if r.returncode == 0:
            return
        if OVERLAP not in r.stdout + r.stderr or time.monotonic() > deadline:
            raise AssertionError(f"lab up failed:\n{r.stdout}\n{r.stderr}")
        time.sleep(15)


def lab_down(name: str) -> None:
    run(["countynet", "lab", "down", "--name", name], timeout=300)


def lab_dir(name: str) -> Path:
    from countynet.lab.state import state_root

    return state_root() / name


@pytest.fixture(scope="module")
def mini_lab() -> Iterator[str]:
    """The mini fixture as a virtual lab, run-specific name, always torn down."""
    name = f"cnat{os.getpid()}"
    try:
        lab_up(name)
        yield name
    finally:
        lab_down(name)


def load_tree(folder: Path) -> dict[str, dict]:
    """Per-host last results written by the `tree` callback."""
    return {p.name: json.loads(p.read_text()) for p in folder.iterdir() if p.is_file()}
