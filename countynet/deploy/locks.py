"""Per-device locks so that two runs never push to one device at the same time.

flock on one file per device: released by the kernel when the holding process dies, so a
crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from countynet.deploy.state import state_dir


class DeviceLocks:
    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.folder = state_dir() / "locks"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.held: dict[str, IO[str]] = {}

    def acquire(self, device: str) -> str | None:
        """Take the lock; None on success, else who holds it."""
        path = self.folder / f"{device}.lock"
        fh = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another run"
            fh.close()
            return holder
        fh.seek(0)
        fh.truncate()
        fh.write(f"run {self.run_id} (pid {os.getpid()})\n")
        fh.flush()
        self.held[device] = fh
        return None

    def release(self, device: str) -> None:
        fh = self.held.pop(device, None)
        if fh is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()

    def release_all(self) -> None:
        for device in list(self.held):
            self.release(device)

    @staticmethod
    def path_for(device: str) -> Path:
        return state_dir() / "locks" / f"{device}.lock"
