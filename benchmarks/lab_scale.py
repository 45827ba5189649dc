"""Measure the virtual lab at scale: N FRR routers (chain or binary tree), up/down time and memory.

Usage (root, under the heavy-work lock):
    flock /tmp/cn-heavy.lock python benchmarks/lab_scale.py [-n 900] [--baseline-n 100] [--parallel 4]
        [--tree] [--daemons zebra,ospfd | --daemons all] [--no-share] [--ssh-workers 8]

Routers run the daemons countynet.lab starts for every agency and base-station router (zebra,
ospfd, bgpd: no staticd without static routes); `--daemons all` adds staticd as every router ran
before. The lab merges the identical memory pages of its routers (countynet.lab.share);
`--no-share` starts them as separate copies, as the lab did before.

Prints, per lab: seconds to bring it up and down, host memory used (MemAvailable drop: processes
plus kernel objects), its peak during bring-up, and once the kernel has merged the shared pages;
the PSS of the lab's processes per process type; a real SSH login (lab key, strict host keys) and
`vtysh -c 'show version'` on every router; and that down leaves no process, namespace or state.
The baseline printed beside it is measured in the same run: a smaller lab (--baseline-n) started
the old way (separate copies), compared per router. The previous run's figures
(.countynet/bench/lab_scale-*.json) are printed too when there are any.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

from countynet.drivers.ssh import SSHError, SSHExec
from countynet.lab import Lab, LabSpec, Link, RouterNode, lab_down, lab_up, share
from countynet.lab.spec import ROUTER_DAEMONS, Node
from countynet.lab.state import netns_inode, state_root
from countynet.lab.teardown import procs_in_netns

SITE_DAEMONS = ("zebra", "ospfd", "bgpd")
BENCH_DIR = Path(".countynet/bench")


def mem_available_mib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakUse:
    """Samples MemAvailable in the background: the most memory the lab took while coming up."""

    def __init__(self, before: float) -> None:
        self.before, self.low = before, before
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.low = min(self.low, mem_available_mib())

    def __enter__(self) -> PeakUse:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()

    @property
    def peak(self) -> float:
        return self.before - self.low


def pss_by_type(pids: list[int]) -> dict[str, dict[str, float]]:
    """Per process name (zebra, bgpd, sshd, sleep...): count and summed PSS in MiB."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: {"n": 0, "pss_mib": 0.0})
    for pid in pids:
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            kib = next(int(x.split()[1]) for x in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                       if x.startswith("Pss:"))  # fmt: skip
        except (OSError, StopIteration):
            continue
        out[comm]["n"] += 1
        out[comm]["pss_mib"] += kib / 1024
    return {k: {"n": v["n"], "pss_mib": round(v["pss_mib"], 1)} for k, v in sorted(out.items())}


def spec(name: str, n: int, tree: bool, mgmt: str, daemons: tuple[str, ...]) -> LabSpec:
    net = IPv4Network(mgmt)
    hosts = net.hosts()
    gw = IPv4Interface(f"{next(hosts)}/{net.prefixlen}")
    nodes: list[Node] = [RouterNode(f"r{i}", IPv4Interface(f"{next(hosts)}/{net.prefixlen}"), "routeros", daemons)
             for i in range(n)]  # fmt: skip
    links = []
    for i in range(1, n):
        parent = (i - 1) // 2 if tree else i - 1
        links.append(Link(f"l{i}", (f"r{parent}", f"down{i}"[:15]), (f"r{i}", "up0")))
    return LabSpec(name, nodes, links, [], [gw])


def ssh_login(lab: Lab, router: str) -> bool:
    """Log in as the deploy does (key, known_hosts, strict) and ask FRR for its version."""
    host, port, user, key = lab.ssh_target(router)
    ssh = SSHExec(host, user, port=port, timeout=30, key_file=key, known_hosts=str(lab.known_hosts))
    try:
        ssh.connect()
        return ssh.run("vtysh -c 'show version'").out.startswith("FRRouting")
    except SSHError:
        return False
    finally:
        ssh.close()


def measure(args: argparse.Namespace, n: int, daemons: tuple[str, ...], shared: bool) -> dict[str, Any]:
    name = f"bench{os.getpid()}-{n}"
    before = mem_available_mib()
    ksm0, ksmd0 = share.counters(), share.ksmd_cpu_s()
    t0 = time.monotonic()
    inodes: set[int] = set()
    fig: dict[str, Any] = {"routers": n, "daemons": list(daemons), "shared": shared}
    try:
        with PeakUse(before) as peak:
            lab = lab_up(spec(name, n, args.tree, args.mgmt, daemons), parallel=args.parallel,
                         progress=sys.stderr.isatty(), persistent=False, shared_memory=shared)  # fmt: skip
            fig["up_s"] = round(time.monotonic() - t0, 1)
            time.sleep(2)
            fig["mem_up_mib"] = round(before - mem_available_mib())
            fig["shared"] = bool(lab.state.data.get("shared_memory"))
            fig["timings"] = lab.state.data.get("timings", {})
            fig["ksmd_cpu_up_s"] = round(share.ksmd_cpu_s() - ksmd0, 1)
            if fig["shared"]:
                fig["settle_s"] = round(share.wait_settled(args.settle), 1)
                fig["ksmd_cpu_settle_s"] = round(share.ksmd_cpu_s() - ksmd0 - fig["ksmd_cpu_up_s"], 1)
        fig["mem_peak_mib"] = round(peak.peak)
        fig["mem_mib"] = round(before - mem_available_mib())
        fig["mem_mib_per_router"] = round(fig["mem_mib"] / n, 2)
        ksm1 = share.counters()
        fig["ksm_saved_mib"] = round((ksm1.get("pages_sharing", 0) - ksm0.get("pages_sharing", 0)) * 4 / 1024)
        inodes = {i for i in (netns_inode(lab.netns(r)) for r in lab.routers) if i}
        procs = procs_in_netns(inodes)
        fig["by_type"] = pss_by_type(procs)
        fig["processes"] = len(procs)
        fig["pss_mib"] = round(sum(v["pss_mib"] for v in fig["by_type"].values()))
        t, k = time.monotonic(), share.ksmd_cpu_s()
        with ThreadPoolExecutor(args.ssh_workers) as pool:
            fig["ssh_ok"] = sum(pool.map(lambda r: ssh_login(lab, r), lab.routers))
        fig["ssh_s"] = round(time.monotonic() - t, 1)
        # ksmd keeps scanning while the lab is up: its share of one core once merged.
        time.sleep(10)
        fig["ksmd_steady_pct"] = round(100 * (share.ksmd_cpu_s() - k) / (time.monotonic() - t), 1)
    finally:
        t1 = time.monotonic()
        fig["removed"] = lab_down(name)
        fig["down_s"] = round(time.monotonic() - t1, 1)
    left = procs_in_netns(inodes)
    netns_left = sum(1 for p in Path("/run/netns").glob(f"*{name}-*")) if Path("/run/netns").exists() else 0
    fig["clean"] = not left and not netns_left and not (state_root() / name).exists()
    fig["load"] = round(os.getloadavg()[0], 2)
    return fig


def per_router(fig: dict[str, Any]) -> dict[str, float]:
    n = fig["routers"]
    return {
        "up s/router": round(fig["up_s"] / n, 3),
        "down s/router": round(fig["down_s"] / n, 3),
        "SSH s/router": round(fig["ssh_s"] / n, 3),
        "MiB/router (MemAvailable)": round(fig["mem_mib"] / n, 2),
        "peak MiB/router": round(fig["mem_peak_mib"] / n, 2),
        "PSS MiB/router": round(fig["pss_mib"] / n, 2),
    }


def report(fig: dict[str, Any], base: dict[str, Any] | None, prev: dict[str, Any]) -> None:
    n = fig["routers"]
    print(f"{n} routers ({'+'.join(fig['daemons'])}, memory {'shared' if fig['shared'] else 'separate'}): "
          f"up {fig['up_s']} s, down {fig['down_s']} s, SSH login + vtysh {fig['ssh_ok']}/{n} in {fig['ssh_s']} s")  # fmt: skip
    settle = (f", after {fig['settle_s']} s of merging (KSM saved {fig['ksm_saved_mib']} MiB; ksmd CPU "
              f"{fig['ksmd_cpu_up_s']} s while coming up, {fig['ksmd_cpu_settle_s']} s while settling, "
              f"{fig['ksmd_steady_pct']} % of a core once up)") if fig["shared"] else ""  # fmt: skip
    print(f"memory: {fig['mem_mib']} MiB ({fig['mem_mib_per_router']} MiB/router){settle}; peak while coming "
          f"up {fig['mem_peak_mib']} MiB; right after up {fig['mem_up_mib']} MiB; MemAvailable left "
          f"{round(mem_available_mib())} MiB after down")  # fmt: skip
    print("bring-up phases (s; *_thread_s summed over the parallel workers):",
          ", ".join(f"{k} {v}" for k, v in fig.get("timings", {}).items()))
    print(f"lab processes {fig['processes']}, PSS {fig['pss_mib']} MiB; per process type (PSS MiB each):")
    for comm, v in fig["by_type"].items():
        print(f"  {comm:10} x{v['n']:<5} {v['pss_mib'] / v['n']:6.2f}")
    print(f"down: removed {fig['removed']}, nothing left behind: {fig['clean']}; load average {fig['load']}")
    cols = [("this run", fig)] + ([(f"baseline, same run ({base['routers']} routers, separate copies)", base)]
                                  if base else [])  # fmt: skip
    if prev:
        cols.append((f"previous run ({prev.get('when', '?')}, {prev['routers']} routers)", prev))
    rows = {label: per_router(f) for label, f in cols}
    print(f"\n{'per router':28}" + "".join(f"{label[:44]:>46}" for label in rows))
    for key in rows["this run"]:
        print(f"{key:28}" + "".join(f"{r[key]:>46}" for r in rows.values()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=160)
    ap.add_argument("--baseline-n", type=int, default=0, help="first a lab of this size started the old way")
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--tree", action="store_true", help="binary tree instead of a chain")
    ap.add_argument("--mgmt", default="172.29.0.0/16")
    ap.add_argument("--daemons", default=",".join(SITE_DAEMONS), help="comma-separated, or 'all'")
    ap.add_argument("--no-share", action="store_true", help="separate copies (no page merging)")
    ap.add_argument("--settle", type=float, default=240.0, help="at most this long waiting for page merging")
    ap.add_argument("--ssh-workers", type=int, default=8)
    args = ap.parse_args()
    daemons = ROUTER_DAEMONS if args.daemons == "all" else tuple(args.daemons.split(","))
    key = f"{args.n}-{'tree' if args.tree else 'chain'}-{'+'.join(daemons)}{'-noshare' if args.no_share else ''}"
    store = BENCH_DIR / f"lab_scale-{key}.json"
    prev = json.loads(store.read_text()) if store.exists() else {}
    base = measure(args, args.baseline_n, daemons, shared=False) if args.baseline_n else None
    fig = measure(args, args.n, daemons, shared=not args.no_share)
    fig["when"] = time.strftime("%Y-%m-%d %H:%M")
    if base:
        report(base, None, {})
        print()
    report(fig, base, prev)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps({**fig, "baseline": base}, indent=1))
    ok = fig["ssh_ok"] == args.n and fig["clean"] and (base is None or (base["ssh_ok"] == base["routers"] and base["clean"]))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
