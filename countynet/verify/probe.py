"""Reachability probe from agency-LAN namespaces: ping and TCP connects, as JSON.

Standalone on purpose (standard library only): `python3 probe.py < JOB` on the host, with the
job ({"workers": N, "sites": [{"id", "netns", "spec"}]}) on standard input. Each site is probed
from a thread that first joins the site's network namespace (setns is per thread; ping inherits
it, sockets are made in it): one Python start-up per verify pass instead of one per site.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def ping(target: str, count: int, interval: float) -> dict[str, object]:
    out = subprocess.run(
        ["ping", "-n", "-q", "-c", str(count), "-i", str(interval), "-W", "1", target],
        capture_output=True,
        text=True,
        timeout=count * max(interval, 0.01) + 15,
    ).stdout
    loss = re.search(r"([\d.]+)% packet loss", out)
    rtt = re.search(r"= [\d.]+/([\d.]+)/", out)
    return {
        "target": target,
        "loss_pct": float(loss.group(1)) if loss else 100.0,
        "rtt_ms": float(rtt.group(1)) if rtt else None,
    }


def tcp(address: str, port: int, timeout: float) -> dict[str, object]:
    start = time.monotonic()
    try:
        with socket.create_connection((address, port), timeout=timeout):
            ok, err = True, ""
    except OSError as exc:
        ok, err = False, exc.__class__.__name__ + (f": {exc.strerror}" if exc.strerror else "")
    return {"address": address, "port": port, "ok": ok, "error": err, "ms": round((time.monotonic() - start) * 1000, 1)}


def probe(spec: dict[str, object]) -> dict[str, object]:
    timeout = float(spec.get("timeout", 2.0))  # type: ignore[arg-type]
    count, interval = int(spec.get("count", 10)), float(spec.get("interval", 0.05))  # type: ignore[call-overload,arg-type]
    with ThreadPoolExecutor(max_workers=8) as pool:
        pings = [pool.submit(ping, t, count, interval) for t in spec.get("ping", [])]  # type: ignore[attr-defined]
        conns = [pool.submit(tcp, a, int(p), timeout) for a, p in spec.get("tcp", [])]  # type: ignore[attr-defined]
        return {"ping": [f.result() for f in pings], "tcp": [f.result() for f in conns]}


CLONE_NEWNET = 0x40000000


def probe_in(netns: str, spec: dict[str, object]) -> dict[str, object]:
    """Probe from `netns` (a namespace file): this thread joins it, and so do the threads and
    programs it starts; it never leaves, so the caller runs it in a thread of its own."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(netns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            return {"error": f"setns {netns}: {os.strerror(err)}"}
    finally:
        os.close(fd)
    return probe(spec)


def probe_sites(sites: list[dict[str, object]], workers: int) -> dict[str, object]:
    """Each site from a fresh thread (a thread that joined a namespace is not reused)."""
    import threading

    out: dict[str, object] = {}
    gate = threading.Semaphore(max(1, workers))

    def one(site: dict[str, object]) -> None:
        try:
            out[str(site["id"])] = probe_in(str(site["netns"]), site["spec"])  # type: ignore[arg-type]
        except Exception as exc:  # one site's failure is that site's finding, not the pass's
            out[str(site["id"])] = {"error": f"{exc.__class__.__name__}: {exc}"}
        finally:
            gate.release()

    threads = []
    for site in sites:
        gate.acquire()
        t = threading.Thread(target=one, args=(site,), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return out


def main() -> None:
    job = json.load(sys.stdin)
    sys.stdout.write(json.dumps(probe_sites(job["sites"], int(job.get("workers", 48)))))


if __name__ == "__main__":
    main()
