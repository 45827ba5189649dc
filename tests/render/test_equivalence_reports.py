"""Reports name the field/stand-in equivalence check (CN510) as what carries lab results to the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from render_helpers import MINI
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.report.formats import to_json, to_junit, to_markdown
from countynet.verify.results import Check, VerifyReport

NOTE = (
    "2 of 3 checks ran on FRR stand-ins (1 ios, 1 routeros devices); CN510 field/stand-in equivalence in "
    "`countynet render` is what carries these results over to the field configs"
)


def test_render_says_how_many_field_configs_equal_their_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    res = CliRunner().invoke(app, ["-i", str(MINI), "render", "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert (
        "CN510 field/stand-in equivalence: 6 of 6 field configs equal their lab stand-in (what carries lab results "
        "over to the field)" in " ".join(res.output.split())
    )
    res = CliRunner().invoke(app, ["-i", str(MINI), "render", "--out", str(tmp_path / "r"), "--json"])
    assert json.loads(res.output)["equivalence"] == {"rule": "CN510", "checked": 6, "equal": 6, "differ": 0}


def test_verify_reports_say_which_checks_ran_on_a_stand_in() -> None:
    checks = [Check("ruiru", "rru-hub", "bgp", "10.254.0.0", "ok"), Check("ruiru", "rru-school", "ospf", "up0", "ok"),
              Check("ruiru", "rru-police", "ospf", "up0", "ok")]  # fmt: skip
    report = VerifyReport(checks, stand_ins={"rru-hub": "ios", "rru-school": "routeros"})
    assert report.stand_in_note() == NOTE
    assert f"*{NOTE}.*" in to_markdown(report)
    assert json.loads(to_json(report))["stand_in_note"] == NOTE
    assert '<property name="stand-ins" value="2 of 3 checks ran on FRR stand-ins' in to_junit(report)
    assert VerifyReport(checks).stand_in_note() is None  # the field: nothing stood in
