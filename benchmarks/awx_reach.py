"""Benchmark and sizing for docs/reach-plan.md: AWX execution nodes per region for the national inventory.

Not a test. Measures what every countynet module run pays on an execution node at national scale (load
and validate the national benchmark inventory of benchmarks/render_national.py: 57 towns, 7,011 devices),
then sizes the rollout from the per-device figures tests/awx/test_runner_lab.py measures on a one-town lab
(pass them with --check-s/--deploy-s/--verify-s; the defaults are the figures in docs/reach-plan.md).

    flock /tmp/cn-heavy.lock python benchmarks/awx_reach.py [--forks 10] [--cores 4] [--nodes 2]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_national import write_inventory

from countynet.awx.regions import REGIONS

TOWNS, BASE_STATIONS, SITES = 57, 5, 117
STAGES = (SITES, BASE_STATIONS, 1)  # agencies (depth 2), towers (depth 1), hub: the deploy's stage sizes


def measure_load(root: Path) -> float:
    """Seconds for one model load + validation of the national inventory (what each module run pays)."""
    from countynet.model import load_model

    t = time.perf_counter()
    load_model(root, cached=False).require_valid()
    return time.perf_counter() - t


def towns_per_region(towns: int) -> dict[str, int]:
    """Towns spread over the regions in proportion to their counties (largest remainder)."""
    counties = {r: len(c) for r, c in REGIONS.items()}
    total = sum(counties.values())
    share = {r: towns * n / total for r, n in counties.items()}
    out = {r: math.floor(s) for r, s in share.items()}
    for r in sorted(share, key=lambda r: share[r] - out[r], reverse=True)[: towns - sum(out.values())]:
        out[r] += 1
    return out


def town_minutes(a: argparse.Namespace, load: float) -> dict[str, float]:
    """One town's check, deploy and verify jobs (minutes), forks-parallel within a stage, one node each."""
    load_eff = load * max(1.0, a.forks / a.cores)  # model loads of parallel forks share the node's cores
    devices = sum(STAGES)
    check = math.ceil(devices / a.forks) * (a.check_s + load_eff)
    deploy = sum(math.ceil(n / a.forks) * (a.deploy_s + load_eff) for n in STAGES)
    verify = math.ceil(devices / (a.forks * a.nodes)) * (a.verify_s + load_eff)  # sliced over the nodes
    return {"check": check / 60, "deploy": deploy / 60, "verify": verify / 60}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-s", type=float, default=7.2, help="dry run per device (s), one-town lab")
    ap.add_argument("--deploy-s", type=float, default=7.2, help="deploy per device (s), one-town lab")
    ap.add_argument("--verify-s", type=float, default=3.3, help="verify per device (s), one-town lab")
    ap.add_argument("--forks", type=int, default=10, help="forks per job (job template `forks`)")
    ap.add_argument("--cores", type=int, default=4, help="vCPUs per execution node")
    ap.add_argument("--nodes", type=int, default=2, help="execution nodes per region")
    ap.add_argument("--load-s", type=float, help="use this model load time instead of measuring it")
    a = ap.parse_args()
    if a.load_s is not None:
        loads = [a.load_s]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "national"
            write_inventory(root, TOWNS, BASE_STATIONS, SITES)
            loads = [measure_load(root) for _ in range(2)]
    load = min(loads)
    per_town = town_minutes(a, load)
    t_town = sum(per_town.values())
    regions = towns_per_region(TOWNS)
    per_dev = sum(STAGES)
    print(f"model load + validate, national ({TOWNS} towns, {TOWNS * per_dev} devices): {load:.2f} s (of {loads})")
    print(f"one town ({per_dev} devices), minutes: " + ", ".join(f"{k} {v:.1f}" for k, v in per_town.items())
          + f"; total {t_town:.1f}")  # fmt: skip
    print(f"{'region':<14}{'towns':>6}{'devices':>9}{'nodes':>6}{'dev/node':>9}{'hours':>7}")
    for region, n in sorted(regions.items(), key=lambda kv: -kv[1]):
        devs = n * per_dev
        print(f"{region:<14}{n:>6}{devs:>9}{a.nodes:>6}{math.ceil(devs / a.nodes):>9}{n * t_town / 60:>7.1f}")
    waves = 1 + max(regions.values())  # a canary, then one town per region per wave
    print(f"waves (canary + one town per region each): {waves}; rollout {waves * t_town / 60:.1f} h "
          f"(bound by the region with most towns, {max(regions.values())})")  # fmt: skip
    bare = sum(town_minutes(a, 0.0).values())
    print(f"without the per-module model load (a model cached per job): one town {bare:.1f} min, "
          f"rollout {waves * bare / 60:.1f} h")  # fmt: skip


if __name__ == "__main__":
    main()
