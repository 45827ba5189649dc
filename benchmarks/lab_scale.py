"""Measure the virtual lab at scale: N FRR routers (chain or binary tree), up/down time and memory.

Usage (root, under the heavy-work lock):
    flock /tmp/cn-heavy.lock python benchmarks/lab_scale.py [-n 900] [--parallel 4] [--tree]
        [--daemons zebra,ospfd | --daemons all] [--ssh-workers 8]

Routers run the daemons countynet.lab starts for every agency and base-station router (zebra,
ospfd, bgpd: no staticd without static routes); `--daemons all` adds staticd as every router ran
before. Prints seconds to bring the lab up and down, host memory used (MemAvailable drop) and the
PSS of the lab's processes, logs in over SSH to every router (lab key, strict host keys) and runs a
command there, and checks that down leaves no process, namespace or state behind. Each figure is
printed beside the previous run's (.countynet/bench/lab_scale-*.json).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

from countynet.drivers.ssh import SSHError, SSHExec
from countynet.lab import Lab, LabSpec, Link, RouterNode, lab_down, lab_up
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


def pss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


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


def measure(args: argparse.Namespace, daemons: tuple[str, ...]) -> dict[str, Any]:
    name = f"bench{os.getpid()}"
    before = mem_available_mib()
    t0 = time.monotonic()
    inodes: set[int] = set()
    try:
        lab = lab_up(spec(name, args.n, args.tree, args.mgmt, daemons), parallel=args.parallel,
                     progress=sys.stderr.isatty(), persistent=False)  # fmt: skip
        up_s = time.monotonic() - t0
        time.sleep(2)
        used = before - mem_available_mib()
        inodes = {i for i in (netns_inode(lab.netns(r)) for r in lab.routers) if i}
        procs = procs_in_netns(inodes)
        pss = pss_mib(procs)
        t = time.monotonic()
        with ThreadPoolExecutor(args.ssh_workers) as pool:
            ok = sum(pool.map(lambda r: ssh_login(lab, r), lab.routers))
        ssh_s = time.monotonic() - t
    finally:
        t1 = time.monotonic()
        removed = lab_down(name)
        down_s = time.monotonic() - t1
    left = procs_in_netns(inodes)
    netns_left = sum(1 for p in Path("/run/netns").glob(f"*{name}*")) if Path("/run/netns").exists() else 0
    return {
        "routers": args.n, "daemons": list(daemons), "up_s": round(up_s, 1), "down_s": round(down_s, 1),
        "mem_mib": round(used), "mem_mib_per_router": round(used / args.n, 1), "pss_mib": round(pss),
        "processes": len(procs), "ssh_ok": ok, "ssh_s": round(ssh_s, 1), "removed": removed,
        "clean": not left and not netns_left and not (state_root() / name).exists(),
    }  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=160)
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--tree", action="store_true", help="binary tree instead of a chain")
    ap.add_argument("--mgmt", default="172.29.0.0/16")
    ap.add_argument("--daemons", default=",".join(SITE_DAEMONS), help="comma-separated, or 'all'")
    ap.add_argument("--ssh-workers", type=int, default=8)
    args = ap.parse_args()
    daemons = ROUTER_DAEMONS if args.daemons == "all" else tuple(args.daemons.split(","))
    key = f"{args.n}-{'tree' if args.tree else 'chain'}-{'+'.join(daemons)}"
    store = BENCH_DIR / f"lab_scale-{key}.json"
    prev = json.loads(store.read_text()) if store.exists() else {}
    fig = measure(args, daemons)
    fig["when"] = time.strftime("%Y-%m-%d %H:%M")
    fig["load"] = round(os.getloadavg()[0], 2)

    def was(k: str) -> str:
        return f" (previous {prev[k]})" if k in prev else ""

    print(f"{args.n} routers ({key}, parallel {args.parallel}): up {fig['up_s']} s{was('up_s')}, "
          f"down {fig['down_s']} s{was('down_s')}")  # fmt: skip
    print(f"memory: host MemAvailable -{fig['mem_mib']} MiB{was('mem_mib')} ({fig['mem_mib_per_router']} MiB/router); "
          f"lab processes {fig['processes']}, PSS {fig['pss_mib']} MiB{was('pss_mib')}")  # fmt: skip
    print(f"SSH login + vtysh: {fig['ssh_ok']}/{args.n} in {fig['ssh_s']} s{was('ssh_s')}")
    print(f"down: removed {fig['removed']}, nothing left behind: {fig['clean']}; load average {fig['load']}")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(fig, indent=1))
    return 0 if fig["ssh_ok"] == args.n and fig["clean"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
