"""Benchmark: `countynet docs` for the shipped inventory and the national benchmark inventory.

Not a test. The national inventory is the one benchmarks/render_national.py writes (57 towns,
7,011 devices); both sites are built with an empty state folder, then built again with a
synthetic lab rollout journal + verify result for every device (the dashboard's worst case).
Each build runs `countynet docs` in a fresh process (cold: load, validate, intents, render, pages),
best wall-clock time of --runs, and the site's size.

    python benchmarks/docs_site.py [--runs 2] [--towns 57]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_national import write_inventory

from countynet.checks.engine import validate

SHIPPED = Path(__file__).resolve().parents[1] / "inventory"


def fake_state(root: Path, inventory: Path) -> None:
    """One committed lab run of every device and one passing verify (the shapes the writers use)."""
    ctx = validate(inventory).context
    assert ctx is not None
    run = root / "runs" / "20260101T000000-1"
    run.mkdir(parents=True)
    now = time.time()
    lines = [json.dumps({"ts": now, "run": run.name, "event": "start", "mode": "commit", "target": "lab",
                         "devices": sorted(ctx.topo.devices), "user": "bench"})]  # fmt: skip
    lines += [
        json.dumps({"ts": now, "run": run.name, "event": "device", "device": d, "status": "changed"})
        for d in sorted(ctx.topo.devices)
    ]
    lines.append(json.dumps({"ts": now + 1, "run": run.name, "event": "end"}))
    (run / "journal.jsonl").write_text("\n".join(lines) + "\n")
    checks = [
        {"town": t.name, "device": s, "site": s, "kind": "tcp", "target": "svc", "status": "ok"}
        for s, (t, _) in ctx.topo.sites.items()
    ]
    (root / "verify" / "history").mkdir(parents=True)
    (root / "verify" / "history" / "x-lab.json").write_text(
        json.dumps({"target": "lab", "finished": now + 2, "checks": checks})
    )


def size(folder: Path) -> tuple[int, float]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def bench(name: str, inventory: Path, tmp: Path, runs: int) -> None:
    """Each build is `countynet docs` in a fresh process: cold, as a person runs it (load, validate, intents included)."""
    for label, state in (("empty state", tmp / f"{name}-none"), ("lab rollout state", tmp / f"{name}-state")):
        if label != "empty state":
            fake_state(state, inventory)
        best: tuple[float, dict] | None = None
        for i in range(runs):
            out = tmp / f"{name}-site-{label[0]}-{i}"
            cmd = [sys.executable, "-m", "countynet.cli", "--inventory", str(inventory), "docs", "--out", str(out),
                   "--state", str(state), "--json"]  # fmt: skip
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
            wall = time.perf_counter() - t0
            data = json.loads(proc.stdout)
            if best is None or wall < best[0]:
                best = (wall, data)
        assert best is not None
        wall, data = best
        n, mb = size(Path(data["out"]))
        print(
            f"{name:8} {label:18} {wall:6.2f} s wall ({data['seconds']:.2f} s in build_site)  "
            f"{data['towns']} towns, {data['devices']} devices, {n} files, {mb:.1f} MB"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2, help="Build each site this many times and keep the fastest.")
    ap.add_argument("--towns", type=int, default=57)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="countynet-docs-bench-") as name:
        tmp = Path(name)
        bench("shipped", SHIPPED, tmp, args.runs)
        national = tmp / "national"
        write_inventory(national, args.towns, 5, 117)
        bench("national", national, tmp, args.runs)


if __name__ == "__main__":
    main()
