"""Benchmark: a one-site `countynet diff` on the national inventory with and without the plan cache.

Not a test. Builds the 57-town, ~7,000-device inventory of benchmarks/review_national.py in a
temporary git repository (base commit; head = base + one agency site and its lock entries), then
times in one run, each beside the others:

- without the cache (`--no-cache`): the head validated whole, the changed town on the base;
- cold cache (empty): every town of the head computed alone and written, plus the base's town;
- base cached: the cache as the base revision leaves it (what a review of the previous change,
  or any run on main, writes), so only the changed town is computed - the everyday case;
- repeated: the same diff again, everything read back;
- the command as a person types it (`countynet diff`, a new Python process) with the cache warm.

and checks that every plan (devices with their config diffs, addresses, radio, sites, findings)
is identical.

    flock /tmp/cn-heavy.lock python benchmarks/diff_cached.py [--towns 57] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_national import write_inventory
from review_national import NEW_SITE, git, refresh_lock

from countynet.plancache import combine, store
from countynet.render.environment import TEMPLATES
from countynet.review import compute_plan, gitsrc

ID = ("-c", "user.name=bench", "-c", "user.email=bench@example.org")


def timed(fn: Callable[[], Any], runs: int, before: Callable[[], None] = lambda: None) -> tuple[float, Any]:
    """Fastest of `runs` calls, `before` (untimed) ahead of each: (seconds, last result)."""
    best, result = float("inf"), None
    for _ in range(runs):
        before()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def comparable(plan: Any) -> dict[str, Any]:
    return {k: v for k, v in plan.as_dict().items() if k != "seconds"}


def build(top: Path, towns: int) -> Path:
    inv = top / "inventory"
    write_inventory(inv, towns, 5, 117, lock=False)
    shutil.copytree(TEMPLATES, top / "templates")
    refresh_lock(inv)
    git(top, "init", "-q", "-b", "main")
    git(top, *ID, "add", "-A")
    git(top, *ID, "commit", "-q", "-m", "base")
    town = inv / "towns" / "town05.yml"
    town.write_text(town.read_text() + NEW_SITE)
    refresh_lock(inv)
    git(top, *ID, "commit", "-qam", "add one site")
    return inv


def use_cache(folder: Path | None) -> None:
    store.disable(folder is None)
    if folder is not None:
        os.environ[store.CACHE_ENV] = str(folder)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=57)
    ap.add_argument("--runs", type=int, default=3, help="Time each case this many times and keep the fastest.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="countynet-diff-cache-bench-") as tmp_name:
        tmp = Path(tmp_name)
        inv = build(tmp / "repo", args.towns)
        plan = lambda: compute_plan(inv, "HEAD~1", "HEAD")  # noqa: E731

        use_cache(None)
        t_none, p_none = timed(plan, args.runs)

        cold = tmp / "cold"
        use_cache(cold)
        t_cold, p_cold = timed(plan, args.runs, lambda: shutil.rmtree(cold, ignore_errors=True))

        seeded = tmp / "seeded"  # the cache as the base revision leaves it
        use_cache(seeded)
        repo = gitsrc.find_repo(inv)
        base = gitsrc.extract(repo, gitsrc.resolve(repo, "HEAD~1"), repo.inventory, tmp / "base")
        assert base is not None and combine.cached_side(base) is not None
        work = tmp / "work"
        use_cache(work)

        def reseed() -> None:
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(seeded, work)

        t_base, p_base = timed(plan, args.runs, reseed)
        t_again, p_again = timed(plan, args.runs)

        env = {**os.environ, store.CACHE_ENV: str(work)}
        cmd = ["countynet", "-i", str(inv), "diff", "--base", "HEAD~1", "--head", "HEAD", "--json"]
        t_cli, _ = timed(lambda: subprocess.run(cmd, env=env, capture_output=True, check=False), args.runs)
        t_start, _ = timed(lambda: subprocess.run(["countynet", "--version"], capture_output=True), args.runs)
        entries = store.stats()[1]

    same = comparable(p_none) == comparable(p_cold) == comparable(p_base) == comparable(p_again)
    s = p_none.summary()
    print(f"{args.towns} towns, one agency site added; best of {args.runs} runs each; same run, same inventory")
    print(
        f"plan: +{s['devices_added']} ~{s['devices_changed']} devices, +{s['addresses_added']} addresses, "
        f"+{s['links_added']} links, {s['errors']} errors / {s['warnings']} warnings on the head"
    )
    print(f"countynet diff --no-cache           {t_none:6.2f} s   (baseline: the head validated whole)")
    print(f"countynet diff, cold cache          {t_cold:6.2f} s   (every head town computed alone and stored)")
    print(f"countynet diff, base cached         {t_base:6.2f} s   (only the changed town computed; target < 1 s)")
    print(f"countynet diff, repeated            {t_again:6.2f} s   (every town read back)")
    print(
        f"  the command in a new process      {t_cli:6.2f} s   (of which Python start-up and imports {t_start:.2f} s)"
    )
    print(f"cache entries after the run: {entries}")
    print(f"plans identical with and without the cache (devices and config diffs, addresses, radio, findings): {same}")


if __name__ == "__main__":
    main()
