"""Unit tests for the CN1xx/CN2xx/CN4xx rules beyond their golden cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from countynet.checks.engine import validate
from countynet.checks.registry import RULES, load_rules

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def _inv(tmp_path: Path, file: str, old: str, new: str) -> Path:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    text = (inv / file).read_text()
    assert old in text
    (inv / file).write_text(text.replace(old, new, 1))
    return inv


def test_rules_are_registered_with_ids_names_and_descriptions() -> None:
    load_rules()
    mine = [r for r in RULES.values() if r.id[:3] in ("CN1", "CN2", "CN4")]
    assert len(mine) >= 22
    for r in mine:
        assert r.name and r.description and r.severity in ("error", "warning")


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("network.yml", "admin_password: {env: COUNTYNET_ADMIN_PASSWORD}", "admin_password: S3cr3t-Value"),
        ("towns/ruiru.yml", "psk: {env: COUNTYNET_WIFI_PSK}", "psk: S3cr3t-Value"),
        ("allocations.yml", "version: 1", "version: 1\nenable_secret: S3cr3t-Value"),
    ],
)
def test_a_secret_in_clear_is_reported_but_never_echoed(tmp_path: Path, file: str, old: str, new: str) -> None:
    report = validate(_inv(tmp_path, file, old, new))
    lines = [f.format() for f in report.findings]
    assert any(" CN401 " in line or " CN402 " in line for line in lines), lines
    assert not any("S3cr3t" in line for line in lines)


def test_coordinates_off_the_globe_are_an_error(tmp_path: Path) -> None:
    report = validate(_inv(tmp_path, "towns/ruiru.yml", "lat: -1.1390, lon: 36.9700", "lat: -1.1390, lon: 369.700"))
    found = [f for f in report.findings if f.rule == "CN123"]
    assert [f.severity for f in found] == ["error"]
    assert "rru-subcounty" in found[0].message


def test_missing_lock_is_reported_with_the_fix(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    (inv / "allocations.yml").unlink()
    found = [f for f in validate(inv).findings if f.rule == "CN210"]
    assert len(found) == 1 and "countynet allocate" in found[0].hint


def test_a_dangling_sector_gives_one_finding_not_a_cascade(tmp_path: Path) -> None:
    report = validate(
        _inv(tmp_path, "towns/ruiru.yml", "connect: {sector: rru-bs2/s1}", "connect: {sector: nowhere/s9}")
    )
    mine = [f.rule for f in report.findings if f.rule[:3] in ("CN1", "CN4")]
    assert mine == ["CN115"]


def test_unknown_platform_falls_back_to_the_shipped_set() -> None:
    from countynet.checks.rules._common import known_platforms

    assert {"frr", "ios", "routeros"} <= known_platforms()
