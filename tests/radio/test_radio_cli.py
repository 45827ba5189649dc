"""`countynet radio` on the mini fixture: the table, --json, and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from countynet.cli.main import app

MINI = Path(__file__).parents[1] / "fixtures" / "mini"
runner = CliRunner()


def test_table_lists_every_hop() -> None:
    result = runner.invoke(app, ["-i", str(MINI), "radio"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    for name in ("rru-bb1", "rru-subcounty", "rru-hospital", "rru-school"):
        assert name in result.output
    assert "MCS5" in result.output and "133.9" in result.output
    assert "4 radio hops: 0 in error, 0 with warnings" in result.output


def test_json_for_one_town_and_one_link() -> None:
    result = runner.invoke(app, ["-i", str(MINI), "radio", "--town", "ruiru", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"] == {"ok": 4, "warning": 0, "error": 0}
    result = runner.invoke(app, ["-i", str(MINI), "radio", "--link", "rru-bb1", "--json"])
    (link,) = json.loads(result.output)["links"]
    assert link["kind"] == "ptp" and link["mcs"] == 5 and link["capacity_mbps"] == 133.9
    assert link["distance_km"] == 5.727 and link["verdict"] == "ok"


def test_link_in_error_exits_1(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    town = inv / "towns" / "ruiru.yml"
    town.write_text(town.read_text().replace("azimuth_deg: 180", "azimuth_deg: 300"))
    result = runner.invoke(app, ["-i", str(inv), "radio"], env={"COLUMNS": "160"})
    assert result.exit_code == 1
    assert "off the sector axis" in result.output


def test_input_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["-i", str(MINI), "radio", "--link", "nope"]).exit_code == 2
    assert runner.invoke(app, ["-i", str(MINI), "radio", "--town", "nope"]).exit_code == 2
    assert runner.invoke(app, ["-i", str(tmp_path / "missing"), "radio"]).exit_code == 2
    bad = tmp_path / "bad"
    shutil.copytree(MINI, bad)
    (bad / "network.yml").write_text("name: [unclosed\n")
    result = runner.invoke(app, ["-i", str(bad), "radio"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
