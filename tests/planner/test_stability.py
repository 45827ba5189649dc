"""Re-planning keeps every other site's assignment and channel; `countynet diff` shows only the change."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from planner_helpers import SECRETS, Case, commit, init_repo
from test_plan_town import allocate_lock
from typer.testing import CliRunner

from countynet.checks.engine import validate
from countynet.cli.main import app
from countynet.planner.town import plan_town


def town_data(case: Case) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(case.file.read_text())
    return data


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in items}


def planned_repo(case: Case, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The case's inventory planned, allocated and committed in a fresh git repository."""
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    top = case.inv.parent
    plan_town(case.inv, case.town.name, case.sites)
    allocate_lock(case.inv)
    for bak in case.inv.rglob("*.bak"):
        bak.unlink()
    init_repo(top)
    commit(top, "kitui: planned")
    monkeypatch.chdir(top)
    return top


def add_row(sites: Path, row: dict[str, object]) -> None:
    with sites.open("a", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(row)).writerow(row)


def diff_plan(inv: Path) -> dict[str, Any]:
    res = CliRunner().invoke(app, ["--inventory", str(inv), "diff", "--base", "HEAD~1", "--json"])
    assert res.exit_code in (0, 1), res.output
    data: dict[str, Any] = json.loads(res.stdout)
    return data


def test_adding_a_site_changes_only_that_site(case_factory, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    top = planned_repo(case, monkeypatch)
    before = town_data(case)
    # a new dispensary 1.5 km north-east of the centre, in the beam of a hub-compound sector
    add_row(
        case.sites,
        {
            "name": "dispensary-new",
            "agency": "Kitui New Dispensary",
            "kind": "health-centre",
            "lat": case.town.lat + 0.010,
            "lon": case.town.lon + 0.009,
            "elevation_m": 1215.0,
        },
    )
    res = plan_town(case.inv, case.town.name, case.sites)
    assert res.mode == "re-plan (kept)"
    allocate_lock(case.inv)
    (case.inv / "towns" / "kitui.yml.bak").unlink()
    after = town_data(case)
    assert [f.format() for f in validate(case.inv).findings] == []
    old_sites, new_sites = by_name(before["sites"]), by_name(after["sites"])
    assert set(new_sites) - set(old_sites) == {"kit-dispensary-new"}
    assert {n: s for n, s in new_sites.items() if n in old_sites} == old_sites  # every other site as it was
    assert after["base_stations"] == before["base_stations"]  # sectors: azimuth, channel, power unchanged
    assert by_name(after["links"]).items() >= by_name(before["links"]).items()
    commit(top, "kitui: add a dispensary")
    plan = diff_plan(case.inv)
    assert {d["host"] for d in plan["devices"] if d["status"] == "added"} == {"kit-dispensary-new"}
    assert {d["host"] for d in plan["devices"] if d["status"] == "changed"} <= {"kit-bs1"}
    assert plan["sites"]["added"] == [{"town": "kitui", "site": "kit-dispensary-new"}]
    assert plan["summary"]["addresses_moved"] == 0


def test_removing_a_site_changes_only_that_site(case_factory, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    top = planned_repo(case, monkeypatch)
    before = town_data(case)
    sector_site = next(s for s in before["sites"] if "sector" in s["connect"])
    raw = sector_site["name"].removeprefix("kit-")
    lines = [ln for ln in case.sites.read_text().splitlines() if not ln.startswith(f"{raw},")]
    case.sites.write_text("\n".join(lines) + "\n")
    plan_town(case.inv, case.town.name, case.sites)
    allocate_lock(case.inv)
    after = town_data(case)
    old_sites = by_name(before["sites"])
    del old_sites[sector_site["name"]]
    assert by_name(after["sites"]) == old_sites
    assert after["base_stations"] == before["base_stations"] and after["links"] == before["links"]
    commit(top, "kitui: a site closed")
    plan = diff_plan(case.inv)
    assert {d["host"] for d in plan["devices"] if d["status"] == "removed"} == {sector_site["name"]}
    assert plan["summary"]["addresses_moved"] == 0


def test_replan_starts_over(case_factory) -> None:  # type: ignore[no-untyped-def]
    case = case_factory("kitui", 15, 1)
    plan_town(case.inv, case.town.name, case.sites)
    assert plan_town(case.inv, case.town.name, case.sites, replan=True).mode == "fresh"
    assert plan_town(case.inv, case.town.name, case.sites).mode == "re-plan (kept)"
