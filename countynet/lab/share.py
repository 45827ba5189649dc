"""Share identical memory between the lab's FRR and sshd processes (kernel same-page merging).

Every lab router runs the same binaries through the same start-up, so most of each daemon's heap
(FRR's command graph, YANG contexts, OpenSSL tables) is byte-for-byte the same in every namespace,
except for the pointers in it, which differ only because of address-space randomisation. Node
processes are therefore started with a fixed layout (personality ADDR_NO_RANDOMIZE) and marked
mergeable (prctl PR_SET_MEMORY_MERGE, inherited across fork and exec since Linux 6.7); ksmd then
folds the identical pages of hundreds of routers into one copy each (50 routers: 22.0 -> 3.7 MiB
PSS each). Nothing else on the host is affected: ksmd only scans processes that opted in.

ksmd costs CPU at the rate it scans, whatever the lab's size, so a lab shares only when separate
copies would be tight (needed()), and the last such lab to go down stops ksmd again. Without KSM
(older kernel, no /sys entry) the lab works as before, with the memory of separate copies.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import time
from pathlib import Path

KSM = Path("/sys/kernel/mm/ksm")
PR_SET_MEMORY_MERGE = 67
ADDR_NO_RANDOMIZE = 0x0040000
# Pages per 20 ms: ~100k pages (400 MiB) a second, so two passes over a 900-router lab (~5M
# candidate pages) take about 100 s. ksmd's cost follows this rate, not the lab's size (it
# rescans a small lab over and over), hence: only for labs that need it, and off once they are gone.
SCAN_PAGES, SCAN_SLEEP_MS = 2000, 20
KERNEL_DEFAULT_PAGES = 100
# What one router takes as a separate copy (zebra+ospfd+bgpd+sshd PSS plus kernel objects, measured).
SEPARATE_MIB_PER_NODE = 23.0
# Share when separate copies would take more than this part of the memory still available.
SHARE_ABOVE = 0.4
_libc = ctypes.CDLL(None, use_errno=True)


def available() -> bool:
    """KSM with per-process opt-in that survives exec (Linux >= 6.7; advisor_mode came with 6.8)."""
    return (KSM / "run").exists() and (KSM / "advisor_mode").exists() and os.geteuid() == 0


def mem_available_mib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


def needed(frr_nodes: int) -> bool:
    """Whether a lab of this many FRR nodes should share: only when separate copies would be tight
    (a town-sized lab, ~160 routers, keeps ksmd off and its CPU for the deploy)."""
    return frr_nodes * SEPARATE_MIB_PER_NODE > SHARE_ABOVE * mem_available_mib()


def enable() -> bool:
    """Run ksmd at the lab's scan rate; True if merging is on."""
    if not available():
        return False
    try:
        with contextlib.suppress(OSError):
            (KSM / "advisor_mode").write_text("none")
        (KSM / "sleep_millisecs").write_text(str(SCAN_SLEEP_MS))
        (KSM / "pages_to_scan").write_text(str(SCAN_PAGES))
        (KSM / "run").write_text("1")
    except OSError:
        return False
    return True


def disable() -> None:
    """Stop ksmd (pages merged so far stay merged) and put back the kernel's default rate."""
    if not available():
        return
    with contextlib.suppress(OSError):
        (KSM / "run").write_text("0")
        (KSM / "pages_to_scan").write_text(str(KERNEL_DEFAULT_PAGES))


def mergeable_child() -> None:
    """preexec_fn for node processes: fixed address layout, all anonymous memory mergeable."""
    _libc.personality(ADDR_NO_RANDOMIZE)
    _libc.prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0)


def counters() -> dict[str, int]:
    """ksmd's host-wide counters (pages): shared = kept copies, sharing = mappings saved by them."""
    out = {}
    for key in ("pages_shared", "pages_sharing", "pages_unshared", "full_scans", "pages_to_scan"):
        with contextlib.suppress(OSError, ValueError):
            out[key] = int((KSM / key).read_text())
    return out


def ksmd_cpu_s() -> float:
    """CPU seconds ksmd (the kernel thread that merges) has used since boot; 0.0 when not found."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(ksmd)" in text:
            fields = text.rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def wait_settled(timeout: float, step: float = 5.0, min_gain_pages: int = 2560) -> float:
    """Wait until ksmd has made two full passes and gains < `min_gain_pages` (10 MiB) per step, at most
    `timeout` s; returns the seconds waited. (Merging needs two passes: the first only records pages.)"""
    t0 = time.monotonic()
    start = counters()
    last = start.get("pages_sharing", 0)
    while time.monotonic() - t0 < timeout:
        time.sleep(step)
        now = counters()
        passes = now.get("full_scans", 0) - start.get("full_scans", 0)
        if passes >= 2 and now.get("pages_sharing", 0) - last < min_gain_pages:
            break
        last = now.get("pages_sharing", 0)
    return time.monotonic() - t0
