"""Several processes join one deploy run (Ansible forks, AWX jobs on several execution nodes sharing the
state folder): one start record, whole lines, and a bad run id is a one-line error."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from countynet.deploy.journal import Journal, list_runs
from countynet.errors import CountynetError


def _join(state: str, device: str) -> None:
    import os

    os.environ["COUNTYNET_STATE"] = state
    j = Journal.attach("awx-wf77", mode="commit", source="ansible", devices=["a", "b"])
    for _ in range(50):
        j.write("device", device=device, status="changed", diff="x" * 9000)  # > one write() buffer


def test_processes_join_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_join, args=(str(tmp_path), f"dev{i}")) for i in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    lines = (tmp_path / "runs" / "awx-wf77" / "journal.jsonl").read_text().splitlines()
    records = [json.loads(ln) for ln in lines]  # every line whole: no interleaving
    assert [r["event"] for r in records].count("start") == 1
    assert records[0]["event"] == "start" and records[0]["source"] == "ansible"
    assert sum(r["event"] == "device" for r in records) == 300
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path))
    (run,) = list_runs()
    assert (run.run_id, run.mode, run.devices) == ("awx-wf77", "commit", 2)


def test_bad_run_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path))
    with pytest.raises(CountynetError, match=r"bad run id '\.\./x'"):
        Journal.attach("../x")
    assert not (tmp_path / "x").exists()
