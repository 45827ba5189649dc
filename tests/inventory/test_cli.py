"""The validate/allocate/rules commands as a field engineer runs them: output and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from countynet.cli.main import app

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
runner = CliRunner()


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    dst = tmp_path / "inv"
    shutil.copytree(MINI, dst)
    return dst


def test_validate_clean_exit_0_with_summary(inv: Path) -> None:
    res = runner.invoke(app, ["--inventory", str(inv), "validate"])
    assert res.exit_code == 0, res.output
    assert "1 towns, 4 agency sites, 7 devices" in res.output
    assert "0 errors" in res.output


def test_validate_json(inv: Path) -> None:
    res = runner.invoke(app, ["--inventory", str(inv), "validate", "--json"])
    data = json.loads(res.output)
    assert data["summary"]["sites"] == 4 and data["findings"] == []


def test_missing_folder_is_exit_2_one_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["--inventory", str(tmp_path / "nope"), "validate"])
    assert res.exit_code == 2
    assert "inventory folder not found" in res.output
    assert "Traceback" not in res.output


def test_schema_error_points_at_file_line(inv: Path) -> None:
    town = inv / "towns" / "ruiru.yml"
    town.write_text(town.read_text().replace("asn: 65190", "asn: sixty-five"))
    res = runner.invoke(app, ["--inventory", str(inv), "validate"])
    assert res.exit_code == 2
    line = next(n for n, t in enumerate(town.read_text().splitlines(), 1) if t.startswith("asn:"))
    assert f"towns/ruiru.yml:{line}:1: CN001 error: 'asn'" in res.output


def test_unknown_key_suggests_spelling(inv: Path) -> None:
    town = inv / "towns" / "ruiru.yml"
    town.write_text(town.read_text().replace("county: Kiambu", "countie: Kiambu"))
    res = runner.invoke(app, ["--inventory", str(inv), "validate"])
    assert "unknown key 'countie'" in res.output and "did you mean 'county'?" in res.output


def test_allocate_writes_then_is_current_and_keeps_backup(inv: Path) -> None:
    (inv / "allocations.yml").unlink()
    res = runner.invoke(app, ["--inventory", str(inv), "allocate"])
    assert res.exit_code == 0 and "wrote" in res.output
    first = (inv / "allocations.yml").read_text()
    res = runner.invoke(app, ["--inventory", str(inv), "allocate", "--check"])
    assert res.exit_code == 0 and "lock is current" in res.output
    # a new site: allocate again, the old file is kept as a backup and old entries stay
    town = inv / "towns" / "ruiru.yml"
    town.write_text(
        town.read_text()
        + """  - name: rru-lands
    agency: Ruiru Lands Registry
    kind: lands-office
    location: {lat: -1.1470, lon: 36.9615, elevation_m: 1530}
    connect: {fibre: rru-hub}
"""
    )
    res = runner.invoke(app, ["--inventory", str(inv), "allocate", "--check"])
    assert res.exit_code == 1
    res = runner.invoke(app, ["--inventory", str(inv), "allocate"])
    assert res.exit_code == 0
    assert (inv / "allocations.yml.bak").read_text() == first
    old = yaml.safe_load(first)["towns"]["ruiru"]
    new = yaml.safe_load((inv / "allocations.yml").read_text())["towns"]["ruiru"]
    for cat, entries in old.items():
        for key, value in entries.items():
            if isinstance(value, dict):  # ports: per device
                assert value.items() <= new[cat][key].items()
            else:
                assert new[cat][key] == value


def test_rules_lists_ids() -> None:
    res = runner.invoke(app, ["rules", "--json"])
    ids = [r["id"] for r in json.loads(res.output)]
    assert ids == sorted(ids) and "CN001" in ids


def test_version() -> None:
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.startswith("countynet ")
