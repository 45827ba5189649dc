"""`countynet docs` as a person runs it: the site, its summary line, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from docsite_helpers import INVENTORY
from typer.testing import CliRunner

from countynet.cli.main import app

runner = CliRunner()


def test_docs_one_town_json(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["--inventory", str(INVENTORY), "docs", "--town", "webuye", "--out", str(tmp_path / "s"),
              "--state", str(tmp_path / "none"), "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["towns"] == 1 and data["out"] == str(tmp_path / "s")
    assert (tmp_path / "s" / "towns" / "webuye.html").is_file() and (tmp_path / "s" / "index.html").is_file()


def test_unknown_town_is_one_line_exit_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["--inventory", str(INVENTORY), "docs", "--town", "atlantis", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "no town named 'atlantis'" in res.output and "Traceback" not in res.output
