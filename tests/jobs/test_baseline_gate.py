"""Every path that pushes config runs the security baseline first: a template that enables telnet
stops `deploy --commit` before anything connects (no journal, no device touched)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.render.environment import TEMPLATES

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


@pytest.fixture
def telnet_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    ros = broken / "routeros" / "_base.j2"
    text = ros.read_text()
    assert "set telnet disabled=yes" in text
    ros.write_text(text.replace("set telnet disabled=yes", "set telnet disabled=no"))
    monkeypatch.setenv("COUNTYNET_TEMPLATES", str(broken))
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    return broken


def test_telnet_template_stops_deploy_before_anything_connects(telnet_templates: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "deploy", "--commit", "--target", "field"])
    assert res.exit_code == 2, res.output
    assert "baseline finding(s) stop the deploy before anything connects" in res.output
    assert "CN501" in res.output and "Traceback" not in res.output
    runs = tmp_path / "state" / "runs"
    assert not runs.exists() or not any(runs.iterdir()), "a run was started"


def test_render_reports_the_same_finding(telnet_templates: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "render", "--out", str(tmp_path / "r")])
    assert res.exit_code == 1 and "CN501" in res.output


def test_a_hand_edited_candidate_gets_the_same_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from countynet.jobs.common import Selection
    from countynet.jobs.render import RenderOptions, render
    from countynet.model import load_model

    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    text = render(load_model(MINI), RenderOptions(Selection(hosts=("rru-bs1",)), None)).texts["rru-bs1"]
    cand = tmp_path / "rru-bs1.rsc"
    cand.write_text(text.replace("set telnet disabled=yes", "set telnet disabled=no"))
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "deploy", "--host", "rru-bs1", "--candidate", str(cand),
                                   "--commit", "--target", "field"])  # fmt: skip
    assert res.exit_code == 2 and "CN501" in res.output and "before anything connects" in res.output, res.output
    runs = tmp_path / "state" / "runs"
    assert not runs.exists() or not any(runs.iterdir())
