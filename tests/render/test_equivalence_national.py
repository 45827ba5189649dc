"""CN510 over the national benchmark inventory: all 7,011 field configs equal their FRR stand-ins.

The inventory is the one benchmarks/render_national.py writes (57 towns, 57 IOS-XE hubs, 285
RouterOS towers, 6,669 RouterOS agency routers). About 20 s: intent and render twice, then
14,022 configs parsed back (measured 6.4 s for the comparison itself on the 2-core CI machine).
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from render_helpers import ROOT, model

from countynet.intent import build_intents
from countynet.render import render_intents
from countynet.render.equivalence import check, render_stand_ins


def _write_inventory(root: Path) -> None:
    spec = importlib.util.spec_from_file_location("render_national", ROOT / "benchmarks" / "render_national.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.write_inventory(root, 57, 5, 117)


def test_national_inventory_every_field_config_equals_its_stand_in(tmp_path: Path) -> None:
    _write_inventory(tmp_path / "inventory")
    inv, topo, alloc = model(tmp_path / "inventory")
    intents = build_intents(inv, topo, alloc)
    texts = render_intents(intents)
    started = time.perf_counter()
    stand = render_stand_ins(lambda hosts, p: build_intents(inv, topo, alloc, None, p, hosts), intents)
    report = check(texts, intents, {h: t for h, (t, _) in stand.items()}, {h: i for h, (_, i) in stand.items()})
    seconds = time.perf_counter() - started
    platforms = {i["platform"] for i in intents.values()}
    assert (report.checked, platforms) == (7011, {"ios", "routeros"})
    assert report.differences == [], [d.message() for d in report.differences[:5]]
    assert seconds < 120, f"equivalence took {seconds:.1f} s"  # ~9 s alone (stand-ins + compare); slack for a busy CI
