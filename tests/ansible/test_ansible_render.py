"""The Ansible path renders byte-identical configs to `countynet render`; timing of both is reported."""

from __future__ import annotations

import filecmp
import json
import time
from pathlib import Path

import pytest
from cn_ansible_helpers import MINI, ROOT, inventory_source, run, shipped_inventory


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def cli_render(inventory: Path, out: Path) -> float:
    t = time.perf_counter()
    r = run(["countynet", "--inventory", str(inventory), "render", "--out", str(out)])
    assert r.returncode == 0, r.stdout + r.stderr
    return time.perf_counter() - t


def ansible_render(inventory: Path, out: Path, tmp: Path, *extra: str) -> tuple[float, str]:
    src = inventory_source(tmp, inventory)
    t = time.perf_counter()
    r = run(
        ["ansible-playbook", "-i", str(src), "countynet.net.render", "-e", f"countynet_render_dest={out}", *extra],
        env={"COUNTYNET_INVENTORY": str(inventory)},
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return time.perf_counter() - t, r.stdout


def test_render_byte_identical_and_timed(tmp_path: Path, record_property: pytest.RecordProperty) -> None:
    inventory = shipped_inventory()
    cli_out, ans_out = tmp_path / "cli", tmp_path / "ansible"
    t_cli = cli_render(inventory, cli_out)
    t_ans, out = ansible_render(inventory, ans_out, tmp_path)
    a, c = tree(ans_out), tree(cli_out)
    assert sorted(a) == sorted(c)
    assert [n for n in c if a[n] != c[n]] == []
    assert "changed=1" in out
    # idempotent: a second run changes nothing
    t_again, out = ansible_render(inventory, ans_out, tmp_path)
    assert "changed=1" not in out and "changed=0" in out
    figures = {"inventory": str(inventory.relative_to(ROOT)), "devices": len(c), "cli_s": round(t_cli, 2),
               "ansible_batch_s": round(t_ans, 2), "ansible_batch_unchanged_s": round(t_again, 2)}  # fmt: skip
    record_property("render_timing", json.dumps(figures))
    print("render timing:", json.dumps(figures))


def test_per_host_mode_identical_and_check_mode_writes_nothing(tmp_path: Path) -> None:
    cli_out, ans_out = tmp_path / "cli", tmp_path / "ansible"
    cli_render(MINI, cli_out)
    _, out = ansible_render(MINI, tmp_path / "dry", tmp_path, "--check", "--diff")
    assert not (tmp_path / "dry").exists() or not any((tmp_path / "dry").iterdir())
    assert "+++ after:" in out
    ansible_render(MINI, ans_out, tmp_path, "-e", "countynet_render_batch=false")
    cmp = filecmp.dircmp(cli_out, ans_out)
    assert not cmp.left_only and not cmp.right_only
    assert tree(cli_out) == tree(ans_out)
