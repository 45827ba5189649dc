"""The loading budget on the other user files: a planner site list or stub, a DEM tile, radio
recordings. Each hostile file ends in one line, fast, instead of a hang or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from countynet.errors import CountynetError

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(12)
)


def test_planner_stub_alias_bomb_is_refused(tmp_path: Path) -> None:
    from countynet.planner.files import read_existing

    stub = tmp_path / "town.yml"
    stub.write_text(BOMB)
    with pytest.raises(CountynetError, match=r"CN003|alias"):
        read_existing(stub)


def test_planner_site_list_over_the_file_budget_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from countynet.planner.sites import read_rows

    monkeypatch.setenv("COUNTYNET_LIMIT_FILE_BYTES", "4096")
    sites = tmp_path / "sites.csv"
    sites.write_text("name,agency,kind,lat,lon\n" + "x,y,school,-1.0,37.0\n" * 1000)
    with pytest.raises(CountynetError, match="file_bytes"):
        read_rows(sites, {})


def test_dem_tile_of_the_wrong_size_is_refused_before_reading_it_whole(tmp_path: Path) -> None:
    from countynet.planner.dem import HgtTile

    tile = tmp_path / "S01E037.hgt"
    with tile.open("wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: 64 MiB claimed, nothing written
    with pytest.raises(CountynetError, match="file_bytes"):
        HgtTile(tile)


def test_a_recording_that_leads_outside_its_folder_is_refused(tmp_path: Path) -> None:
    from countynet.accept.recordings import file_name, load_recordings

    cmd = "/interface wifi registration-table print detail without-paging"
    unit = tmp_path / "rec" / "mwg-police"
    unit.mkdir(parents=True)
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("not a recording")
    (unit / file_name(cmd)).symlink_to(secret)
    with pytest.raises(CountynetError, match="outside"):
        load_recordings(tmp_path / "rec", [cmd])
