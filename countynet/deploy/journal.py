"""An append-only journal per run: who, what, which devices, diffs and outcomes.

One JSON object per line, written with one os.write and fsynced per event (before connecting to
a device, after its commit, after its health gate, after its confirm or rollback), so a run
killed at any point can be read back and resumed. Reading is tolerant: a torn, non-JSON,
non-object or non-UTF-8 line is reported with its line number and skipped, never fatal. A torn
last line is closed before the next record is appended, so the new record is not glued to it.

A small reserve file is kept beside the journal: when the disk fills mid-run it is freed so the
records of the devices already in flight (and the end record) still fit; the engine then starts
no further device.
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import json
import os
import re
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countynet.deploy.state import state_dir
from countynet.errors import CountynetError

FINISHED = {"changed", "unchanged", "failed", "reverted", "would-change"}
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
RESERVE_BYTES = 64 * 1024
# journal + backups + reserve per device, and a floor for the run itself (measured: a lab
# journal line with a diff is 2-6 KiB, a backup 2-5 KiB)
PER_DEVICE_BYTES = 64 * 1024
BASE_BYTES = 256 * 1024


class JournalFull(Exception):
    """The journal could not be written (disk full or I/O error): start no further device."""


def runs_dir() -> Path:
    path = state_dir() / "runs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}"


def check_free_space(devices: int) -> None:
    """Refuse a run that could not journal all of its devices, before anything is touched."""
    folder = Path(os.environ.get("COUNTYNET_STATE", ".countynet"))
    probe = folder if folder.exists() else folder.resolve().parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError as exc:
        raise CountynetError(f"cannot read the state folder {folder}: {exc.strerror}", "check COUNTYNET_STATE") from exc
    need = BASE_BYTES + devices * PER_DEVICE_BYTES
    if free < need:
        raise CountynetError(
            f"the state folder {folder} has {free // 1024} KiB free; a run of {devices} device(s) needs "
            f"{need // 1024} KiB for its journal and backups; no device was touched",
            "free space there or point COUNTYNET_STATE at a larger disk",
        )


@dataclass
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


def parse_lines(data: bytes) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every JSON object line; the others as problems with their line numbers."""
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(number, "not UTF-8 text"))
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            torn = number == len(lines) and not data.endswith(b"\n")
            problems.append(Problem(number, "cut short (torn write)" if torn else "not JSON"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(number, f"a JSON {type(value).__name__}, not an object"))
            continue
        records.append(value)
    return records, problems


@dataclass
class Journal:
    run_id: str
    path: Path
    redact: Any = None  # callable(str) -> str
    low: bool = False  # the reserve was used: the disk is full
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _checked_tail: bool = field(default=False, repr=False)

    @classmethod
    def create(cls, run_id: str | None = None, redact: Any = None) -> Journal:
        run_id = run_id or new_run_id()
        try:
            folder = runs_dir() / run_id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "reserve").write_bytes(b"\0" * RESERVE_BYTES)
        except OSError as exc:
            raise CountynetError(
                f"cannot create the run journal under {state_dir()}: {exc.strerror}; no device was touched",
                "free space there or point COUNTYNET_STATE at a writable disk",
            ) from exc
        return cls(run_id, folder / "journal.jsonl", redact)

    @classmethod
    def open(cls, run_id: str, redact: Any = None) -> Journal:
        path = runs_dir() / run_id / "journal.jsonl"
        if not path.exists():
            raise CountynetError(f"no run '{run_id}'", "see `countynet runs` for the run ids")
        return cls(run_id, path, redact)

    @classmethod
    def attach(cls, run_id: str, redact: Any = None, **start: Any) -> Journal:
        """Run `run_id`, created with its start record by whichever process comes first.

        Several deploy processes (Ansible forks, AWX jobs of one workflow on several execution nodes
        sharing the state folder) join one run this way; an flock decides who writes the start.
        """
        if not RUN_ID.match(run_id):
            raise CountynetError(f"bad run id {run_id!r}", "use letters, digits, '.', '_' and '-' (at most 100)")
        folder = runs_dir() / run_id
        folder.mkdir(parents=True, exist_ok=True)
        journal = cls(run_id, folder / "journal.jsonl", redact)
        with (folder / "attach.lock").open("a") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            if not journal.path.exists() or not journal.start_record():
                journal.start(**start)
        return journal

    # -- writing ---------------------------------------------------------------------------

    def write(self, event: str, **data: Any) -> None:
        """Append one record, fsynced. Raises JournalFull when it cannot be written even after
        freeing the reserve."""
        record = {"ts": time.time(), "run": self.run_id, "event": event, **data}
        line = json.dumps(record, sort_keys=True, default=str)
        if self.redact is not None:
            line = self.redact(line)
        payload = (line + "\n").encode("utf-8")
        with self._lock:
            try:
                self._append(payload)
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EDQUOT) or not self._free_reserve():
                    raise JournalFull(f"cannot write the journal {self.path}: {exc.strerror}") from exc
                self.low = True
                try:
                    self._append(payload)
                except OSError as again:
                    raise JournalFull(f"cannot write the journal {self.path}: {again.strerror}") from again

    def _append(self, payload: bytes) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # processes sharing a run never interleave lines
            if not self._checked_tail:
                self._close_torn_line(fd)
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except OSError:
            self._checked_tail = False  # a short write may have torn this line: close it next time
            raise
        finally:
            os.close(fd)

    def _close_torn_line(self, fd: int) -> None:
        size = os.fstat(fd).st_size
        if size:
            with self.path.open("rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":
                    os.write(fd, b"\n")
        self._checked_tail = True

    def _free_reserve(self) -> bool:
        reserve = self.path.parent / "reserve"
        if not reserve.exists():
            return False
        reserve.unlink()
        return True

    def room_for(self, devices: int) -> bool:
        """Enough free space to journal `devices` more devices (checked before each stage)."""
        try:
            return shutil.disk_usage(self.path.parent).free >= devices * PER_DEVICE_BYTES
        except OSError:
            return False

    def close(self) -> None:
        """The run is over: the reserve is no longer needed."""
        (self.path.parent / "reserve").unlink(missing_ok=True)

    def start(self, **data: Any) -> None:
        self.write("start", user=getpass.getuser(), host=socket.gethostname(), pid=os.getpid(), **data)

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> tuple[list[dict[str, Any]], list[Problem]]:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            return [], [Problem(0, f"unreadable: {exc.strerror}")]
        return parse_lines(data)

    def records(self) -> list[dict[str, Any]]:
        return self.read()[0]

    def finished_devices(self) -> dict[str, str]:
        """Devices with a final outcome record (the last one counts)."""
        return {
            str(r["device"]): str(r["status"])
            for r in self.records()
            if r.get("event") == "device" and r.get("status") in FINISHED and "device" in r
        }

    def device_steps(self) -> dict[str, dict[str, Any]]:
        """Per device: its last record, with the fields of the records before it folded in."""
        out: dict[str, dict[str, Any]] = {}
        for r in self.records():
            name = r.get("device")
            if not isinstance(name, str) or r.get("event") not in ("step", "device"):
                continue
            # records accumulate: the pre-commit snapshot and the token stay known after later steps
            out[name] = {**out.get(name, {}), **r}
        return out

    def start_record(self) -> dict[str, Any]:
        return next((r for r in self.records() if r.get("event") == "start"), {})

    def require_start(self) -> dict[str, Any]:
        """The start record, which `--resume` needs to know the run's devices and mode."""
        records, problems = self.read()
        start = next((r for r in records if r.get("event") == "start"), None)
        if start is None or not isinstance(start.get("devices"), list):
            where = f" ({problems[0]})" if problems else ""
            raise CountynetError(
                f"run '{self.run_id}' has no readable start record{where}; it cannot be resumed",
                "start a new run for the devices you meant (the device-side timers revert unconfirmed commits)",
            )
        return start


@dataclass
class RunSummary:
    run_id: str
    started: float
    user: str
    mode: str
    devices: int
    counts: dict[str, int] = field(default_factory=dict)
    ended: bool = False
    problems: list[str] = field(default_factory=list)


def summarise(j: Journal) -> RunSummary:
    recs, problems = j.read()
    start = next((r for r in recs if r.get("event") == "start"), {})
    counts: dict[str, int] = {}
    for status in j.finished_devices().values():
        counts[status] = counts.get(status, 0) + 1
    devices = start.get("devices", [])
    try:
        started = float(start.get("ts", 0))
    except (TypeError, ValueError):
        started = 0.0
    if not start:
        problems.insert(0, Problem(0, "no start record"))
    return RunSummary(
        j.run_id,
        started,
        str(start.get("user", "?")),
        str(start.get("mode", "?")),
        len(devices) if isinstance(devices, list) else 0,
        counts,
        any(r.get("event") == "end" for r in recs),
        [str(p) for p in problems],
    )


def list_runs() -> list[RunSummary]:
    out = []
    for folder in sorted(runs_dir().iterdir()):
        path = folder / "journal.jsonl"
        if folder.is_dir() and path.exists():
            out.append(summarise(Journal(folder.name, path)))
    return out
