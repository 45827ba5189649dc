"""`countynet plan town` on synthetic towns: the proposal validates, every hop meets the target, no conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from planner_helpers import Case
from typer.testing import CliRunner

from countynet.allocate.allocator import allocate
from countynet.allocate.lockfile import write_lock
from countynet.checks.engine import validate
from countynet.cli.main import app
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.planner.town import plan_town


def allocate_lock(inv: Path) -> None:
    loaded = load(inv).inventory
    assert loaded is not None
    write_lock(inv, allocate(loaded, build(loaded)).to_lock())


def plan_and_validate(case: Case) -> tuple[list[str], object]:
    res = plan_town(case.inv, case.town.name, case.sites)
    allocate_lock(case.inv)
    report = validate(case.inv)
    return [f.format() for f in report.findings], res


@pytest.mark.parametrize(("town", "n", "seed"), [("kitui", 15, 1), ("kitui", 40, 2), ("kitui", 120, 2)])
def test_synthetic_town_validates(case_factory, town: str, n: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    case = case_factory(town, n, seed)
    findings, res = plan_and_validate(case)
    assert findings == []  # no errors, no warnings: margins, clearance, capacity, channels all clean
    st = res.stats  # type: ignore[attr-defined]
    assert st.sites == n and res.findings == []  # type: ignore[attr-defined]
    assert st.hops_meeting_target == st.hops > 0
    assert st.lowest_margin_db >= 15.0
    assert st.conflicts == 0
    text = case.file.read_text()
    assert "# Towers:" in text and "the hub compound is always a tower" in text
    assert "10.254.0.12/31" in (case.inv / "nofbi.yml").read_text()  # the next free handoff, a placeholder
    assert (case.inv / "nofbi.yml.bak").exists() and (case.inv / "towns" / f"{town}.yml.bak").exists()


def test_header_from_stub_and_pools(case_factory) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    plan_town(case.inv, "kitui", case.sites)
    text = case.file.read_text()
    # the inventory README: the next town takes ASN 65107, 10.96.192.0/19 and 172.28.7.0/24
    assert "asn: 65107\n" in text
    assert "aggregate: 10.96.192.0/19\n" in text
    assert "management: 172.28.7.0/24\n" in text
    assert "nofbi_pop: nofbi-mwingi\n" in text
    assert "  name: kit-hub\n" in text


def test_site_on_hub_compound_gets_fibre(case_factory) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    plan_town(case.inv, "kitui", case.sites)
    text = case.file.read_text()
    block = text[text.index("- name: kit-sub-000") :].split("\n  - name:")[0]
    assert "connect: {fibre: kit-hub}" in block
    assert "on the hub compound" in text


def test_missing_elevation_is_a_finding(case_factory) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    lines = case.sites.read_text().splitlines()
    cols = lines[3].split(",")
    lines[3] = ",".join([*cols[:-1], ""])  # the third site loses its elevation
    case.sites.write_text("\n".join(lines) + "\n")
    res = plan_town(case.inv, "kitui", case.sites)
    name = f"kit-{cols[0]}"
    assert any(
        f.startswith(f"{name}: no elevation in the list; planned at 0 m (survey it, or pass --dem")
        for f in res.findings
    )


def test_bad_site_list_is_one_line(case_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,agency,kind,lat,lon\nclinic,Clinic,health-centre,north,38.0\n")
    result = CliRunner().invoke(app, ["--inventory", str(case.inv), "plan", "town", "kitui", "--sites", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{bad}:2:1: error: lat must be a number, got 'north' (fix the value in the list)"


def test_unknown_kind_is_refused_at_its_row(case_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(case.sites.read_text().replace(",health-centre,", ",clinic,", 1))
    line = next(i for i, ln in enumerate(bad.read_text().splitlines(), 1) if ",clinic," in ln)
    result = CliRunner().invoke(app, ["--inventory", str(case.inv), "plan", "town", "kitui", "--sites", str(bad)])
    assert result.exit_code == 2
    assert (
        result.stderr.startswith(f"{bad}:{line}:1: error: '")
        and "unknown kind 'clinic' (use one of: agriculture-office," in result.stderr
    )


def test_column_aliases_from_network_yml(case_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    with (case.inv / "network.yml").open("a") as fh:
        fh.write("\nplanner:\n  columns: {Site Name: name, Ministry: agency, Y: lat, X: lon}\n")
    text = case.sites.read_text().replace("name,agency,kind,lat,lon", "Site Name,Ministry,kind,Y,X", 1)
    aliased = tmp_path / "aliased.csv"
    aliased.write_text(text)
    res = plan_town(case.inv, "kitui", aliased)
    assert res.stats.sites == 15


def test_cli_with_candidate_towers_and_json(case_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 40, 2)
    towers = tmp_path / "towers.csv"
    # a hill 6 km south-west of the centre offered as a tower site
    towers.write_text(
        f"name,lat,lon,elevation_m,height_m\nkavuta-hill,{case.town.lat - 0.04},{case.town.lon - 0.04},1320,36\n"
    )
    args = [
        "--inventory",
        str(case.inv),
        "plan",
        "town",
        "kitui",
        "--sites",
        str(case.sites),
        "--towers",
        str(towers),
        "--json",
    ]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    import json

    data = json.loads(res.stdout)
    assert data["stats"]["sites"] == 40 and data["mode"] == "fresh"
    text = case.file.read_text()
    assert "kit-bs1: the hub compound is always a tower" in text
    if data["stats"]["towers"] > 1:  # taken only when it serves sites the hub compound cannot
        assert "candidate kavuta-hill (--towers)" in text and "tower_height_m: 36" in text


def neighbour(tmp_path: Path, lon: float) -> tuple[list[str], list[str]]:
    """A 30-site town planned east of Mwingi (centre 38.06 E): (validation findings, planner findings)."""
    from planner_helpers import make_case
    from planner_synth import Town, generate, write_csv, write_stub

    case = make_case(tmp_path, "kitui", 15, 1, "nofbi-mwingi")
    case.file.unlink()
    town = Town("nguni", "Kitui", -0.9340, lon)
    write_stub(case.inv, town, 1000.0, "nofbi-mwingi")
    sites = write_csv(tmp_path / "nguni.csv", generate(town, 30, 5, base_m=1000.0))
    res = plan_town(case.inv, "nguni", sites)
    allocate_lock(case.inv)
    return [f.format() for f in validate(case.inv).findings], res.findings


def test_neighbouring_town_20_km_away_is_coloured_around(tmp_path: Path) -> None:
    findings, planner = neighbour(tmp_path, 38.25)
    assert findings == [] and planner == []


def test_neighbouring_town_10_km_away_shares_only_what_the_planner_reports(tmp_path: Path) -> None:
    """Mwingi uses all seven 5.8 GHz channels: what a town 10 km away cannot avoid, it reports itself."""
    findings, planner = neighbour(tmp_path, 38.15)
    assert not [f for f in findings if " error: " in f]
    shared = {f.split(":")[0] for f in planner if "every usable channel is heard by a neighbour" in f}
    warned = {f.split(": ")[2].split(" on ")[0] for f in findings if "CN307" in f}
    assert warned <= shared  # e.g. {"sector ngu-bs1/s1"}, or nothing when the colouring found room


def test_geojson_site_list(case_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import csv
    import json

    case = case_factory("kitui", 15, 1)
    rows = list(csv.DictReader(case.sites.open()))
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"]), float(r["elevation_m"])]},
            "properties": {"name": r["name"], "agency": r["agency"], "kind": r["kind"]},
        }
        for r in rows
    ]
    gj = tmp_path / "sites.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    from_csv = plan_town(case.inv, "kitui", case.sites, out=tmp_path / "a.yml").text
    from_geojson = plan_town(case.inv, "kitui", gj, out=tmp_path / "b.yml").text
    strip = lambda t: t.split("\n\n", 1)[1]  # noqa: E731  (the intro names the source file)
    assert strip(from_geojson) == strip(from_csv)


def test_planned_town_renders_clean(case_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Whole-dBm powers and the rest: the rendered configs pass the rendered-level rules (CN5xx)."""
    from planner_helpers import SECRETS

    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    case = case_factory("kitui", 40, 2)
    plan_town(case.inv, "kitui", case.sites)
    allocate_lock(case.inv)
    args = ["--inventory", str(case.inv), "render", "--town", "kitui", "--out", str(tmp_path / "rendered")]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "finding" not in res.output
