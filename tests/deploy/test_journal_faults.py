"""Journal faults without a lab: torn, non-object and non-UTF-8 lines; repair before appending."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.deploy.journal import Journal, list_runs


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    return tmp_path / "state"


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_is_read() -> None:
    j = Journal.create("r1")
    j.start(mode="commit", devices=["a", "b"])
    with j.path.open("ab") as fh:
        fh.write(b'"just a string"\n[1]\n\xff\xfe\n')
    j.write("device", device="a", status="changed")
    recs, problems = j.read()
    assert [r["event"] for r in recs] == ["start", "device"]
    assert [str(p) for p in problems] == [
        "line 2: a JSON str, not an object",
        "line 3: a JSON list, not an object",
        "line 4: not UTF-8 text",
    ]
    assert j.finished_devices() == {"a": "changed"}


def test_a_torn_last_line_is_closed_before_the_next_record() -> None:
    j = Journal.create("r2")
    j.start(mode="commit", devices=["a"])
    with j.path.open("a") as fh:
        fh.write('{"event": "device", "dev')
    again = Journal.open("r2")  # a new process appends after the crash
    again.write("resume")
    recs, problems = again.read()
    assert recs[-1]["event"] == "resume" and [str(p) for p in problems] == ["line 2: not JSON"]


def test_runs_never_tracebacks_on_broken_journals(state: Path) -> None:
    Journal.create("good").start(mode="dry-run", devices=["a"])
    broken = state / "runs" / "broken"
    broken.mkdir(parents=True)
    (broken / "journal.jsonl").write_bytes(b"\xff\n[]\n")
    by = {r.run_id: r for r in list_runs()}
    assert by["good"].mode == "dry-run" and by["broken"].problems[0] == "no start record"
    res = CliRunner().invoke(app, ["runs"])
    assert res.exit_code == 0 and "run broken: journal line 1: not UTF-8 text (skipped)" in res.output


def test_deploy_candidate_reaches_the_job_as_its_hand_edited_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import countynet.jobs.deploy as jobs

    seen = {}

    def fake(model: object, job: jobs.DeployJob, progress: object = None) -> object:
        seen["job"] = job
        raise jobs.CountynetError("stop here")

    monkeypatch.setattr(jobs, "deploy", fake)
    cand = tmp_path / "hub.conf"
    cand.write_text("hostname rru-hub\n")
    mini = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
    res = CliRunner().invoke(app, ["--inventory", str(mini), "deploy", "--host", "rru-hub", "--candidate", str(cand)])
    assert "stop here" in res.output and res.exit_code == 2
    job = seen["job"]
    assert job.config == str(cand.resolve()) and job.join is None and job.selection.hosts == ("rru-hub",)
