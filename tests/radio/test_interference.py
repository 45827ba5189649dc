"""Co-channel conflicts by received level (radio.interference): what CN307 and the planner's colouring share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from countynet.checks.engine import validate
from countynet.radio import formulas as fx

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def reuse(tmp_path: Path, azimuth_bs2: int) -> list[str]:
    """rru-bs2/s1 moved onto rru-bs1/s2's channel (5785 MHz), its antenna turned to `azimuth_bs2`."""
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    town = inv / "towns" / "ruiru.yml"
    text = town.read_text().replace(
        "{name: s1, radio_model: sector-19-120, azimuth_deg: 0, frequency_mhz: 5825",
        f"{{name: s1, radio_model: sector-19-120, azimuth_deg: {azimuth_bs2}, frequency_mhz: 5785",
    )
    town.write_text(text)
    return [f.format() for f in validate(inv).findings if f.rule == "CN307"]


def test_sectors_facing_away_may_share_a_channel(tmp_path: Path) -> None:
    # bs1/s2 faces south (180); bs2 stands 5.7 km NNE and its sector faces north, away from bs1
    assert reuse(tmp_path, 0) == []


def test_sectors_facing_each_other_conflict(tmp_path: Path) -> None:
    (line,) = reuse(tmp_path, 220)  # bs2's sector now faces bs1 and the hospital south of it
    assert "sector rru-bs2/s1 on rru-bs2: channel 5775-5795 MHz overlaps sector rru-bs1/s2" in line
    assert "dB over its noise floor" in line


def test_discrimination_and_horizon() -> None:
    assert fx.discrimination_db(0, 120, 25) == 0
    assert fx.discrimination_db(60, 120, 25) == pytest.approx(3.0)  # half-power at the beam edge
    assert fx.discrimination_db(180, 5, 35) == 35  # behind a dish: the front-to-back ratio
    assert fx.radio_horizon_km(30, 30) == pytest.approx(45.15, abs=0.05)  # 4.12 (sqrt 30 + sqrt 30)
    assert fx.noise_floor_dbm(20, 5) == pytest.approx(-95.99, abs=0.01)
