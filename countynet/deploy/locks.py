"""Per-device locks so that two runs never push to one device at the same time.

Two controller-side flocks per device, both released by the kernel when the holding process
dies (a crashed run never leaves a stale lock): one in the run's state folder (by device name)
and one machine-wide (by the device's management address), so a run from another checkout or
another COUNTYNET_STATE is refused too, before it connects. The third lock is on the device:
a pending commit-confirm marker (`has_pending_commit`), checked by the deploy task before it
changes anything, which also covers runs from other controllers.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from pathlib import Path
from typing import IO

from countynet.deploy.state import state_dir


def machine_lock_dir() -> Path:
    """Shared by every state folder on this controller (COUNTYNET_LOCKS overrides)."""
    path = Path(os.environ.get("COUNTYNET_LOCKS") or Path(tempfile.gettempdir()) / "countynet-locks")
    path.mkdir(parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o1777)  # every engineer's runs meet here; the sticky bit keeps files their own
    return path


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key)


class DeviceLocks:
    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.folder = state_dir() / "locks"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.machine = machine_lock_dir()
        self.held: dict[str, list[IO[str]]] = {}

    def acquire(self, device: str, address: str | None = None) -> str | None:
        """Take the device's locks; None on success, else who holds one."""
        paths = [self.folder / f"{device}.lock", self.machine / f"{_safe(address or device)}.lock"]
        taken: list[IO[str]] = []
        for path in paths:
            fh, holder = self._take(path)
            if fh is None:
                for other in taken:
                    _drop(other)
                return holder
            taken.append(fh)
        self.held[device] = taken
        return None

    def _take(self, path: Path) -> tuple[IO[str] | None, str]:
        fh = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another run"
            fh.close()
            return None, holder
        fh.seek(0)
        fh.truncate()
        fh.write(f"run {self.run_id} (pid {os.getpid()}, state {state_dir().resolve()})\n")
        fh.flush()
        return fh, ""

    def release(self, device: str) -> None:
        for fh in self.held.pop(device, []):
            _drop(fh)

    def release_all(self) -> None:
        for device in list(self.held):
            self.release(device)

    @staticmethod
    def path_for(device: str) -> Path:
        return state_dir() / "locks" / f"{device}.lock"


def _drop(fh: IO[str]) -> None:
    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    fh.close()
