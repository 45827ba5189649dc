"""Share identical memory between the lab's FRR and sshd processes (kernel same-page merging).

Every lab router runs the same binaries through the same start-up, so most of each daemon's heap
(FRR's command graph, YANG contexts, OpenSSL tables) is byte-for-byte the same in every namespace,
except for the pointers in it, which differ only because of address-space randomisation. Node
processes are therefore started with a fixed layout (personality ADDR_NO_RANDOMIZE) and marked
mergeable (prctl PR_SET_MEMORY_MERGE, inherited across fork and exec since Linux 6.7); ksmd then
folds the identical pages of hundreds of routers into one copy each. Nothing else on the host is
affected: ksmd only scans processes that opted in. Without KSM (older kernel, no /sys entry) the
lab works as before, with the memory of separate copies.
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
# ksmd scans at most this share of one core, aiming at one full pass in `target` s: a 900-router
# lab (~20 GiB of candidate pages) merges within minutes without starving the bring-up.
KSM_SETTINGS = {"advisor_mode": "scan-time", "advisor_target_scan_time": "30", "advisor_max_cpu": "40",
                "advisor_max_pages_to_scan": "100000"}  # fmt: skip
_libc = ctypes.CDLL(None, use_errno=True)


def available() -> bool:
    """KSM with per-process opt-in that survives exec (Linux >= 6.7 has advisor_mode too)."""
    return (KSM / "run").exists() and (KSM / "advisor_mode").exists() and os.geteuid() == 0


def enable() -> bool:
    """Start ksmd with a scan rate fit for a lab; True if merging is on. Never turns ksmd off."""
    if not available():
        return False
    for key, value in KSM_SETTINGS.items():
        with contextlib.suppress(OSError):
            (KSM / key).write_text(value)
    try:
        if (KSM / "run").read_text().strip() != "1":
            (KSM / "run").write_text("1")
    except OSError:
        return False
    return True


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
