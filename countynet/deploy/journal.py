"""An append-only journal per run: who, what, which devices, diffs and outcomes.

One JSON object per line, flushed and fsynced per event, so a run killed at any point can
be read back and resumed without redoing the devices it finished.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countynet.deploy.state import state_dir
from countynet.errors import CountynetError

FINISHED = {"changed", "unchanged", "failed", "reverted", "would-change"}
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def runs_dir() -> Path:
    path = state_dir() / "runs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.getpid()}"


@dataclass
class Journal:
    run_id: str
    path: Path
    redact: Any = None  # callable(str) -> str

    @classmethod
    def create(cls, run_id: str | None = None, redact: Any = None) -> Journal:
        run_id = run_id or new_run_id()
        folder = runs_dir() / run_id
        folder.mkdir(parents=True, exist_ok=True)
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

    def write(self, event: str, **data: Any) -> None:
        record = {"ts": time.time(), "run": self.run_id, "event": event, **data}
        line = json.dumps(record, sort_keys=True, default=str)
        if self.redact is not None:
            line = self.redact(line)
        with self.path.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # processes sharing a run never interleave lines
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def start(self, **data: Any) -> None:
        self.write("start", user=getpass.getuser(), host=socket.gethostname(), pid=os.getpid(), **data)

    def records(self) -> list[dict[str, Any]]:
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
        return out

    def finished_devices(self) -> dict[str, str]:
        return {
            r["device"]: r["status"]
            for r in self.records()
            if r.get("event") == "device" and r.get("status") in FINISHED
        }

    def start_record(self) -> dict[str, Any]:
        return next((r for r in self.records() if r.get("event") == "start"), {})


@dataclass
class RunSummary:
    run_id: str
    started: float
    user: str
    mode: str
    devices: int
    counts: dict[str, int] = field(default_factory=dict)
    ended: bool = False


def list_runs() -> list[RunSummary]:
    out = []
    for folder in sorted(runs_dir().iterdir()):
        path = folder / "journal.jsonl"
        if not path.exists():
            continue
        j = Journal(folder.name, path)
        recs = j.records()
        start = next((r for r in recs if r.get("event") == "start"), {})
        counts: dict[str, int] = {}
        for status in j.finished_devices().values():
            counts[status] = counts.get(status, 0) + 1
        out.append(
            RunSummary(
                folder.name,
                float(start.get("ts", 0)),
                str(start.get("user", "?")),
                str(start.get("mode", "?")),
                len(start.get("devices", [])),
                counts,
                any(r.get("event") == "end" for r in recs),
            )
        )
    return out
