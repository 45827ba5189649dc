"""Benchmark: `countynet diff` for a one-site change on a synthetic national inventory.

Not a test. Builds the national inventory of benchmarks/render_national.py (57 towns, ~7,000
devices) in a temporary git repository with the real templates, commits it with its allocation
lock, adds one agency site (and refreshes the lock), commits again, then times:

- `countynet validate` of the head alone (the floor: the plan reports the head's findings);
- the plan as `countynet diff` computes it (town-scoped, renders only what changed);
- the plan with `--full` (every town's intents compared, still rendering only what changed);
- the baseline: load, allocate, radio plan, intents and render of every device on both sides.

All without the plan cache (countynet.plancache); benchmarks/diff_cached.py times the same diff
with it.

    python benchmarks/review_national.py [--towns 57] [--base-stations 5] [--sites 117]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_national import write_inventory

from countynet.allocate.allocator import allocate
from countynet.allocate.lockfile import write_lock
from countynet.checks.engine import run_rules
from countynet.intent.build import build_intents
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.model import load_model
from countynet.plancache import store
from countynet.radio.plan import plan_radio
from countynet.render.environment import TEMPLATES
from countynet.render.renderer import render_intents
from countynet.review import compute_plan

# 2 km north of town05-bs0 (11 km north of the town centre), inside sector s0's beam
NEW_SITE = """  - name: town05-newclinic
    agency: New Health Centre
    kind: health-centre
    location: {lat: 0.6169, lon: 34.5005, elevation_m: 1200}
    connect: {sector: town05-bs0/s0}
"""


def git(top: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(top), *args], check=True, capture_output=True)


def refresh_lock(root: Path) -> None:
    inv = load(root).inventory
    assert inv is not None
    write_lock(root, allocate(inv, build(inv)).to_lock())
    (root / "allocations.yml.bak").unlink(missing_ok=True)


def render_everything(root: Path) -> int:
    """The baseline a naive plan would pay on each side: the whole pipeline for every device."""
    inv = load(root).inventory
    assert inv is not None
    topo = build(inv)
    texts = render_intents(build_intents(inv, topo, allocate(inv, topo), radio=plan_radio(inv, topo)))
    return len(texts)


def best(runs: int, fn: Any) -> tuple[float, Any]:
    """Fastest of `runs` calls (the machine may be shared): (seconds, last result)."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def baseline(top: Path) -> int:
    n = 0
    with tempfile.TemporaryDirectory() as sides:
        for rev in ("HEAD~1", "HEAD"):
            dest = Path(sides) / rev.replace("~", "_")
            dest.mkdir()
            archive = subprocess.run(["git", "-C", str(top), "archive", rev, "inventory"], capture_output=True)
            subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
            n += render_everything(dest / "inventory")
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=57)
    ap.add_argument("--base-stations", type=int, default=5)
    ap.add_argument("--sites", type=int, default=117)
    ap.add_argument("--runs", type=int, default=3, help="Time each step this many times and keep the fastest.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="countynet-review-bench-") as tmp:
        top = Path(tmp) / "repo"
        inv = top / "inventory"
        write_inventory(inv, args.towns, args.base_stations, args.sites, lock=False)
        shutil.copytree(TEMPLATES, top / "templates")
        refresh_lock(inv)
        git(top, "init", "-q", "-b", "main")
        git(top, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "add", "-A")
        git(top, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "base")
        town = inv / "towns" / "town05.yml"
        town.write_text(town.read_text() + NEW_SITE)
        refresh_lock(inv)
        git(top, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qam", "add one site")

        store.disable()  # this benchmark is the uncached figure
        t_validate, _ = best(args.runs, lambda: run_rules(load_model(inv, cached=False)))  # not the process's model
        t_plan, plan = best(args.runs, lambda: compute_plan(inv, "HEAD~1", "HEAD"))
        t_full, full = best(args.runs, lambda: compute_plan(inv, "HEAD~1", "HEAD", full=True))
        t_base, n = best(max(1, args.runs - 1), lambda: baseline(top))

    drop = ("mode", "seconds", "rendered")
    same = {k: v for k, v in plan.as_dict().items() if k not in drop} == {
        k: v for k, v in full.as_dict().items() if k not in drop
    }
    s = plan.summary()
    print(f"{args.towns} towns; best of {args.runs} runs each (baseline: {max(1, args.runs - 1)})")
    print(
        f"plan: +{s['devices_added']} ~{s['devices_changed']} -{s['devices_removed']} devices, "
        f"+{s['addresses_added']} addresses ({s['addresses_moved']} moved), +{s['links_added']} links, "
        f"{s['errors']} errors / {s['warnings']} warnings on the head (synthetic inventory)"
    )
    print(f"countynet diff (scoped)        {t_plan:7.2f} s   rendered {plan.rendered} configs")
    print(f"  of which validate (head)     {t_validate:7.2f} s   (alone, same inventory: the floor of any plan)")
    print(f"countynet diff --full          {t_full:7.2f} s   rendered {full.rendered} configs")
    print(f"baseline: render all, 2 sides  {t_base:7.2f} s   rendered {n} configs (no validation, no diff)")
    print(f"scoped and full plans are identical (devices, addresses, radio, sites, findings): {same}")


if __name__ == "__main__":
    main()
