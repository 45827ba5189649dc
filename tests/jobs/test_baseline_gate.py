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
