"""Lab names, paths and the state file: every object is written here before it is created.

Teardown trusts only this file (plus a prefix scan), so a crashed `lab up` stays removable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

NETNS_PREFIX = "cnl-"
LINK_PREFIX = "cnl"
DEFAULT_ROOT = Path("/run/countynet/labs")
STATE_FILE = "state.json"
NODE_INNER_DIR = "/run/countynet-node"


def state_root() -> Path:
    """Where labs live: $COUNTYNET_LAB_STATE or /run/countynet/labs (tmpfs: a reboot forgets labs)."""
    return Path(os.environ.get("COUNTYNET_LAB_STATE") or DEFAULT_ROOT)


def lab_tag(name: str) -> str:
    """Short per-lab prefix for root-namespace links (interface names are limited to 15 chars)."""
    return LINK_PREFIX + hashlib.sha1(name.encode()).hexdigest()[:4]


def netns_name(lab: str, node: str) -> str:
    return f"{NETNS_PREFIX}{lab}-{node}"


def netns_inode(ns: str) -> int | None:
    """Inode of a named namespace: equal to /proc/PID/ns/net's inode for every process inside it."""
    try:
        return os.stat(f"/run/netns/{ns}").st_ino
    except OSError:
        return None


def pid_alive(pid: int) -> bool:
    """True for a live, non-zombie process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class LabState:
    """The JSON state file of one lab, rewritten atomically after every change (thread-safe)."""

    # A lazy change is written at most this often: a 900-node lab would otherwise rewrite its
    # (~250 kB) state once per node started.
    LAZY_SAVE_S = 0.5

    def __init__(self, directory: Path, data: dict[str, Any]) -> None:
        self.dir = directory
        self.data = data
        self._lock = threading.Lock()
        self._saved_at = 0.0
        self._dirty = False

    @classmethod
    def create(cls, directory: Path, name: str, persistent: bool) -> LabState:
        directory.mkdir(parents=True, exist_ok=True)
        os.chmod(directory, 0o755)
        data: dict[str, Any] = {
            "name": name,
            "tag": lab_tag(name),
            "dir": str(directory),
            "owner_pid": os.getpid(),
            "persistent": persistent,
            "status": "starting",
            "created": time.time(),
            "netns": [],
            "netns_inodes": {},
            "root_links": [],
            "pidfiles": [],
            "pids": [],
            "nodes": {},
        }
        st = cls(directory, data)
        st.save()
        return st

    @classmethod
    def load(cls, directory: Path) -> LabState | None:
        try:
            return cls(directory, json.loads((directory / STATE_FILE).read_text()))
        except (OSError, ValueError):
            return None

    def save(self) -> None:
        tmp = self.dir / (STATE_FILE + ".tmp")
        text = json.dumps(self.data, sort_keys=True)  # one shot, no indent: the C encoder
        with open(tmp, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.dir / STATE_FILE)
        self._saved_at, self._dirty = time.monotonic(), False

    def record(self, key: str, *values: Any) -> None:
        """Append to a list in the state and persist it before the caller creates the objects."""
        with self._lock:
            lst = self.data.setdefault(key, [])
            for v in values:
                if v not in lst:
                    lst.append(v)
            self.save()

    def update(self, **fields: Any) -> None:
        with self._lock:
            self.data.update(fields)
            self.save()

    def set_node(self, node: str, lazy: bool = False, **fields: Any) -> None:
        """lazy: for what teardown can also find without the state (a PID with a pid file in the
        node folder); written within LAZY_SAVE_S, or by flush()."""
        with self._lock:
            self.data["nodes"].setdefault(node, {}).update(fields)
            if not lazy or time.monotonic() - self._saved_at >= self.LAZY_SAVE_S:
                self.save()
            else:
                self._dirty = True

    def flush(self) -> None:
        with self._lock:
            if self._dirty:
                self.save()

    @property
    def name(self) -> str:
        return str(self.data["name"])


def lab_dirs() -> list[Path]:
    """Every lab directory under the state root (a symlink when the lab lives elsewhere)."""
    root = state_root()
    with contextlib.suppress(OSError):
        return sorted(p for p in root.iterdir() if (p / STATE_FILE).exists())
    return []


def find_lab_dir(name: str) -> Path:
    return state_root() / name
