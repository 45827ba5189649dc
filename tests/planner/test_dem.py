"""A local SRTM tile fills missing elevations and puts the terrain between the ends into the clearance check."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from countynet.errors import CountynetError
from countynet.planner.dem import load_dem
from countynet.planner.town import plan_town

N = 1201  # a 3-arc-second tile


def write_tile(path: Path, height: callable) -> Path:  # type: ignore[valid-type]
    """S02E038.hgt: rows from north (lat -1) to south (lat -2), big-endian int16."""
    grid = array("h", (int(height(-1 - r / (N - 1), 38 + c / (N - 1))) for r in range(N) for c in range(N)))
    grid.byteswap()  # to big-endian (the test machines are little-endian)
    path.write_bytes(grid.tobytes())
    return path


def ridge(lat: float, lon: float) -> float:
    """1200 m plain with a 12 m rise between 1.395 S and 1.405 S (3 km south of Kitui)."""
    return 1212.0 if -1.405 <= lat <= -1.395 else 1200.0


@pytest.fixture(scope="module")
def tile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tile(tmp_path_factory.mktemp("dem") / "S02E038.hgt", ridge)


def test_height_is_read_big_endian_and_interpolated(tile: Path) -> None:
    dem = load_dem(tile)
    assert dem.height(-1.2, 38.5) == pytest.approx(1200.0)
    assert dem.height(-1.40, 38.1) == pytest.approx(1212.0)
    assert dem.height(-0.5, 38.5) is None  # another tile
    prof = dem.profile(-1.36696, 38.0106, -1.43, 38.0106)
    assert max(h for _d, h in prof) == pytest.approx(1212.0)


def test_bad_tiles_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "S02E038.hgt"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(CountynetError, match="is not a 1201x1201 or 3601x3601 tile"):
        load_dem(bad)
    with pytest.raises(CountynetError, match="GeoTIFF needs GDAL"):
        load_dem(tmp_path / "x.tif") if (tmp_path / "x.tif").write_text("") == 0 else None


def test_plan_with_dem_fills_elevations_and_profiles(case_factory, tile: Path) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    lines = case.sites.read_text().splitlines()
    header = lines[0].split(",")
    idx = header.index("elevation_m")
    case.sites.write_text(
        "\n".join(",".join(c for i, c in enumerate(ln.split(",")) if i != idx) for ln in lines) + "\n"
    )
    south = "clinic-south,Kitui South Clinic,health-centre,-1.43,38.0106\n"
    case.sites.write_text(case.sites.read_text() + south)
    res = plan_town(case.inv, "kitui", case.sites, dem_path=tile)
    west = {f"kit-{ln.split(',')[0]}" for ln in lines[1:] if float(ln.split(",")[4]) < 38.0}  # off the tile
    missing = {f.split(":")[0] for f in res.findings if "no elevation in the list nor in the DEM" in f}
    assert missing == west
    text = case.file.read_text()
    block = text[text.index("- name: kit-clinic-south") :].split("\n  - name:")[0]
    assert "elevation_m: 1200" in block
    assert "terrain (S02E038.hgt)" in text  # the rise is written where it limits a path, for the validator
