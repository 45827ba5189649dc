"""Golden render cases: a small inventory -> the exact rendered files, per platform and role.

Each folder under `cases/` holds `case.yml` (platform_override; radio_plan: rates from the radio
plan, as `countynet render` does: the QoS queues on radio hops), optional files that replace or
add to `tests/fixtures/mini` (as in the error cases), and `expected/<host><suffix>`.
Set COUNTYNET_REGEN=1 to rewrite the expected files from the current output (review the diff!).
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
import yaml

from countynet.allocate.allocator import allocate
from countynet.intent import build_intents
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.radio.plan import plan_radio
from countynet.render import render_intents
from countynet.render.renderer import file_name

HERE = Path(__file__).parent
MINI = HERE.parents[1] / "fixtures" / "mini"
CASES = sorted(p for p in (HERE / "cases").iterdir() if p.is_dir())


def render_case(case: Path, tmp_path: Path) -> dict[str, str]:
    inv_dir = tmp_path / "inv"
    shutil.copytree(MINI, inv_dir)
    for src in case.rglob("*"):
        rel = src.relative_to(case)
        if src.is_dir() or rel.parts[0] in ("expected", "case.yml"):
            continue
        (inv_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, inv_dir / rel)
    opts = yaml.safe_load((case / "case.yml").read_text()) or {}
    inv = load(inv_dir).inventory
    assert inv is not None
    topo = build(inv)
    radio = plan_radio(inv, topo) if opts.get("radio_plan") else None  # QoS rates come from the plan
    intents = build_intents(inv, topo, allocate(inv, topo), radio, platform_override=opts.get("platform_override"))
    texts = render_intents(intents)
    return {file_name(h, intents[h]["platform"]): t for h, t in texts.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_render(case: Path, tmp_path: Path) -> None:
    got = render_case(case, tmp_path)
    expected_dir = case / "expected"
    if os.environ.get("COUNTYNET_REGEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        expected_dir.mkdir()
        for name, text in got.items():
            (expected_dir / name).write_text(text)
    expected = {p.name: p.read_text() for p in sorted(expected_dir.iterdir())} if expected_dir.is_dir() else {}
    assert sorted(got) == sorted(expected), "set of rendered files differs (COUNTYNET_REGEN=1 to update)"
    diffs = []
    for name in sorted(got):
        if got[name] != expected[name]:
            diffs += difflib.unified_diff(
                expected[name].splitlines(keepends=True),
                got[name].splitlines(keepends=True),
                f"expected/{name}",
                f"rendered/{name}",
            )
    assert not diffs, "".join(diffs)
