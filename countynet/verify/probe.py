"""Reachability probe run inside an agency-LAN namespace: ping and TCP connects, as JSON.

Standalone on purpose (standard library only): it is executed with `python3 probe.py SPEC`
inside the lab's host namespace, where a real machine of the agency would sit.
"""

from __future__ import annotations

import json
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


def main() -> None:
    spec = json.loads(sys.argv[1])
    timeout = float(spec.get("timeout", 2.0))
    with ThreadPoolExecutor(max_workers=8) as pool:
        pings = [
            pool.submit(ping, t, int(spec.get("count", 10)), float(spec.get("interval", 0.05)))
            for t in spec.get("ping", [])
        ]
        conns = [pool.submit(tcp, a, int(p), timeout) for a, p in spec.get("tcp", [])]
        result = {"ping": [f.result() for f in pings], "tcp": [f.result() for f in conns]}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
