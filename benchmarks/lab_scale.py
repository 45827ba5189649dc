"""Measure the virtual lab at scale: N FRR routers (chain or binary tree), up/down time and memory.

Usage (root): python benchmarks/lab_scale.py [-n 160] [--parallel 4] [--tree]
Prints seconds to bring the lab up and down, host memory used (MemAvailable drop) and the PSS of
the lab's processes, and checks every router's sshd answers.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

from countynet.lab import LabSpec, Link, RouterNode, lab_down, lab_up
from countynet.lab.state import netns_inode
from countynet.lab.teardown import procs_in_netns


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


def spec(name: str, n: int, tree: bool, mgmt: str) -> LabSpec:
    net = IPv4Network(mgmt)
    hosts = net.hosts()
    gw = IPv4Interface(f"{next(hosts)}/{net.prefixlen}")
    nodes = [RouterNode(f"r{i}", IPv4Interface(f"{next(hosts)}/{net.prefixlen}"), "routeros") for i in range(n)]
    links = []
    for i in range(1, n):
        parent = (i - 1) // 2 if tree else i - 1
        links.append(Link(f"l{i}", (f"r{parent}", f"down{i}"[:15]), (f"r{i}", "up0")))
    return LabSpec(name, nodes, links, [], [gw])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=160)
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--tree", action="store_true", help="binary tree instead of a chain")
    ap.add_argument("--mgmt", default="172.29.0.0/16")
    args = ap.parse_args()
    name = f"bench{os.getpid()}"
    s = spec(name, args.n, args.tree, args.mgmt)
    before = mem_available_mib()
    t0 = time.monotonic()
    try:
        lab = lab_up(s, parallel=args.parallel, progress=sys.stderr.isatty(), persistent=False)
        up_s = time.monotonic() - t0
        time.sleep(2)
        used = before - mem_available_mib()
        inodes = {i for i in (netns_inode(lab.netns(r)) for r in lab.routers) if i}
        pss = pss_mib(procs_in_netns(inodes))
        ok = 0
        for r in lab.routers:
            host, port, _, _ = lab.ssh_target(r)
            try:
                with socket.create_connection((host, port), 3) as c:
                    ok += c.recv(8).startswith(b"SSH-")
            except OSError:
                pass
    finally:
        t1 = time.monotonic()
        lab_down(name)
        down_s = time.monotonic() - t1
    topo = "tree" if args.tree else "chain"
    print(f"{args.n} routers ({topo}, parallel {args.parallel}): up {up_s:.1f} s, down {down_s:.1f} s")
    print(
        f"memory: host MemAvailable -{used:.0f} MiB ({used / args.n:.1f} MiB/router); lab processes PSS {pss:.0f} MiB"
    )
    print(f"sshd answering: {ok}/{args.n}")
    return 0 if ok == args.n else 1


if __name__ == "__main__":
    raise SystemExit(main())
