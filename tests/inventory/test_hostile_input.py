"""Hostile inventory files end within seconds and a few tens of MB, each with one finding line.

Each case runs `countynet validate` in a fresh process (tests/inventory/hostile.py) and checks
the exact finding a reviewer would read, the wall time and how much the peak RSS grew.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import ALIAS_BOMB, DEEP, MERGE_LOOP, NOT_UTF8, Measured, run_measured, write_big_scalar

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
SECONDS = 10.0  # each case ends in well under 2 s here; the bound leaves room for a loaded CI runner
GROWTH_MB = 40.0  # peak RSS growth past the imports: "a few tens of MB"


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(MINI, root)
    return root


def validate(inv: Path) -> Measured:
    return run_measured(["--inventory", "inv", "validate"], cwd=inv.parent)


def _town(inv: Path) -> Path:
    return inv / "towns" / "ruiru.yml"


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "alias-bomb": (
        lambda inv: _town(inv).write_text(ALIAS_BOMB),
        "CN003",
        "inv/towns/ruiru.yml:5:36: CN003 error: alias *c: aliases in this file expand to 10108 values, over the "
        "alias_nodes limit of 10000 (write the values out instead of nesting aliases)",
    ),
    "deep-nesting": (
        lambda inv: _town(inv).write_text(DEEP),
        "CN004",
        "inv/towns/ruiru.yml:2:40: CN004 error: values nested more than 32 levels deep (the depth limit) "
        "(flatten the structure)",
    ),
    "100MB-scalar": (
        lambda inv: write_big_scalar(_town(inv)),
        "CN007",
        "inv/towns/ruiru.yml:1:1: CN007 error: this file is 100.0 MB, over the file_bytes limit of 8.0 MB "
        "(split the file, or raise COUNTYNET_LIMIT_FILE_BYTES if this is a real inventory)",
    ),
    "merge-key-loop": (
        lambda inv: _town(inv).write_text(MERGE_LOOP),
        "CN003",
        "inv/towns/ruiru.yml:4:7: CN003 error: alias *d is used inside its own anchor &d (a loop) (remove the alias)",
    ),
    "symlink-outside": (
        lambda inv: (_town(inv).unlink(), _town(inv).symlink_to("/dev/zero")),
        "CN009",
        "inv/towns/ruiru.yml:1:1: CN009 error: this file leads outside the inventory folder (a symlink to "
        "/dev/zero) (replace the symlink by the file itself)",
    ),
    "fifo": (
        lambda inv: (_town(inv).unlink(), os.mkfifo(_town(inv))),
        "CN009",
        "inv/towns/ruiru.yml:1:1: CN009 error: this is not a regular file (replace it by a plain file)",
    ),
    "not-utf8": (
        lambda inv: _town(inv).write_bytes(NOT_UTF8),
        "CN000",
        "inv/towns/ruiru.yml:3:10: CN000 error: not UTF-8 text: byte 0xe9 cannot be decoded (save the file as UTF-8)",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_one_finding_within_budget(case: str, inv: Path) -> None:
    make, rule, line = CASES[case]
    make(inv)
    got = validate(inv)
    assert got.code in (1, 2), got.output  # 2: the inventory could not be loaded
    assert got.lines(rule) == [line], got.output
    assert got.seconds < SECONDS, f"{case}: {got.seconds:.1f} s"
    assert got.grew_mb < GROWTH_MB, f"{case}: peak RSS grew {got.grew_mb:.0f} MB"


def test_symlink_inside_the_inventory_is_read(inv: Path) -> None:
    """Only symlinks that leave the folder are refused: one town file kept under another name loads."""
    shutil.move(_town(inv), inv / "ruiru-source.yml")
    _town(inv).symlink_to("../ruiru-source.yml")
    got = validate(inv)
    assert got.code == 0, got.output



def test_nornir_and_ansible_plugins_refuse_an_alias_bomb_in_one_line(inv: Path, tmp_path: Path) -> None:
    """Both inventory plugins read through the same loader: the bomb is one line there too."""
    import subprocess
    import time

    from countynet.errors import CountynetError
    from countynet.hosts import host_records

    _town(inv).write_text(ALIAS_BOMB)
    with pytest.raises(CountynetError, match=r"ruiru.yml:5:36: CN003 error: alias \*c"):
        host_records(inv)
    repo = Path(__file__).resolve().parents[2]
    src = tmp_path / "countynet.yml"
    src.write_text(f"plugin: countynet.net.countynet\ninventory_dir: {inv}\n")
    env = {**os.environ, "ANSIBLE_CONFIG": str(repo / "ansible.cfg"), "PYTHONPATH": str(repo)}
    start = time.perf_counter()
    out = subprocess.run(["ansible-inventory", "-i", str(src), "--list"], capture_output=True, text=True, env=env,
                         cwd=repo, timeout=120)  # fmt: skip
    assert time.perf_counter() - start < 60
    assert "CN003 error: alias *c" in out.stderr, out.stderr[-2000:]
