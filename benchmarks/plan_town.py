"""Benchmark: `countynet plan town` on synthetic site lists, beside the hand-placed shipped towns.

Not a test. In a temporary copy of the shipped inventory:

- 120 sites: one town around Kitui (seeded, tests/planner/planner_synth.py), planned, allocated
  and validated;
- 750 sites as phase IV will bring them: six towns of 125 around six county HQs, planned one
  after another (each sees the ones before as neighbours), then allocated and validated;
- 750 sites in one town: a stress figure for the planner alone (one compound cannot carry them
  in 20 MHz channels, so many stay unplanned: the number is printed, not hidden).

Times are wall clock and CPU (the machine is shared; CPU time is the steadier figure). The
shipped towns' figures come from their radio plan: sites per sector, lowest margin, channels.

    python benchmarks/plan_town.py [--seed 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "planner"))

from planner_synth import generate, hq_towns, write_csv, write_stub  # noqa: E402

from countynet.allocate.allocator import allocate  # noqa: E402
from countynet.allocate.lockfile import write_lock  # noqa: E402
from countynet.checks.engine import validate  # noqa: E402
from countynet.inventory.loader import load  # noqa: E402
from countynet.inventory.topology import build  # noqa: E402
from countynet.planner.stats import TownStats, town_stats  # noqa: E402
from countynet.planner.town import plan_town  # noqa: E402
from countynet.radio.plan import plan_radio  # noqa: E402

PHASE4 = ["kitui", "machakos", "embu", "meru", "nyeri", "nakuru"]


def fresh_inventory(tmp: Path) -> Path:
    inv = tmp / "inventory"
    shutil.rmtree(inv, ignore_errors=True)
    shutil.copytree(ROOT / "inventory", inv)
    return inv


def plan(inv: Path, tmp: Path, town: str, n: int, seed: int) -> tuple[float, float, TownStats, int]:
    t = next(x for x in hq_towns() if x.name == town)
    write_stub(inv, t, 1200.0, nearest_pop(inv, t.lat, t.lon))
    sites = write_csv(tmp / f"{town}-{n}.csv", generate(t, n, seed))
    wall, cpu = time.perf_counter(), time.process_time()
    res = plan_town(inv, town, sites)
    return time.perf_counter() - wall, time.process_time() - cpu, res.stats, len(res.findings)


def nearest_pop(inv: Path, lat: float, lon: float) -> str:
    from countynet.planner.header import nearest_pop as near

    loaded = load(inv).inventory
    assert loaded is not None
    return near(loaded, lat, lon).name


def check(inv: Path) -> str:
    loaded = load(inv).inventory
    assert loaded is not None
    write_lock(inv, allocate(loaded, build(loaded)).to_lock())
    rep = validate(inv)
    return f"{rep.errors} errors, {rep.warnings} warnings"


def row(label: str, st: TownStats, extra: str = "") -> str:
    return (
        f"{label:<22} {st.sites:>5} {st.towers:>6} {st.sectors:>7} {st.sites_per_sector:>8.1f} {st.max_sites_per_sector:>5}"
        f" {st.lowest_margin_db:>9.1f} {st.hops_meeting_target:>5}/{st.hops:<5} {st.channels_used:>5} {st.conflicts:>5}  {extra}"
    )


HEAD = (
    f"{'town':<22} {'sites':>5} {'towers':>6} {'sectors':>7} {'per sect':>8} {'max':>5} {'min marg':>9} "
    f"{'hops ok':>11} {'chans':>5} {'confl':>5}"
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cn-bench-plan-") as tmpd:
        tmp = Path(tmpd)
        print("Shipped, hand-placed towns (their radio plan):")
        print(HEAD)
        shipped = load(ROOT / "inventory").inventory
        assert shipped is not None
        rp = plan_radio(shipped, build(shipped))
        for t in shipped.towns:
            print(row(t.name, town_stats(shipped.network, t, rp)))

        print("\nPlanned by `countynet plan town` (synthetic site lists, seeded):")
        print(HEAD + "  wall / CPU s")
        inv = fresh_inventory(tmp)
        wall, cpu, st, unplanned = plan(inv, tmp, "kitui", 120, args.seed)
        print(row("kitui (120)", st, f"{wall:.2f} / {cpu:.2f}  findings {unplanned}; {check(inv)}"))

        inv = fresh_inventory(tmp)
        total_w = total_c = 0.0
        for i, town in enumerate(PHASE4):
            wall, cpu, st, unplanned = plan(inv, tmp, town, 125, args.seed + i)
            total_w += wall
            total_c += cpu
            print(row(f"{town} (125)", st, f"{wall:.2f} / {cpu:.2f}  findings {unplanned}"))
        print(
            f"{'750 in 6 towns':<22} planned in {total_w:.2f} s wall / {total_c:.2f} s CPU (target < 10 s); {check(inv)}"
        )

        inv = fresh_inventory(tmp)
        wall, cpu, st, unplanned = plan(inv, tmp, "kitui", 750, args.seed)
        print(row("kitui (750, one town)", st, f"{wall:.2f} / {cpu:.2f}  {750 - st.sites} sites unplanned (stress figure)"))
        print(
            f"  the planned {st.sites} sites need {st.demand_mbps:.0f} Mbit/s in the busy hour; a hub compound's seven "
            "non-DFS 20 MHz radios carry about 7 x 80 Mbit/s, so one compound cannot serve 750 sites"
        )


if __name__ == "__main__":
    main()
