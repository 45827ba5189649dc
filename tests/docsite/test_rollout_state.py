"""Rollout state on the dashboard and the maps, from journals and verify results written by the real writers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from docsite_helpers import INVENTORY, State, site_state

from countynet.docsite import build_site
from countynet.docsite.rollout import read_state, timeline
from countynet.model import Model as Context


def dashboard_state(html: str, site: str, target: str) -> str:
    row = re.search(rf'<tr data-site="{re.escape(site)}">(.*?)</tr>', html, re.S)
    assert row, site
    m = re.search(rf'data-target="{target}" data-state="([a-z]+)"', row.group(1))
    assert m, (site, target)
    return m.group(1)


def test_after_a_lab_rollout_every_site_is_verified(state: State, tmp_path: Path, ctx: Context) -> None:
    state.deploy("lab")
    state.verify("lab")
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    html = (tmp_path / "site" / "index.html").read_text()
    assert "<strong>140</strong> of 140 sites verified" in html and "6 of 6 towns complete" in html
    assert {dashboard_state(html, s, "lab") for s in ctx.topo.sites} == {"verified"}
    thika = (tmp_path / "site" / "towns" / "thika.html").read_text()
    assert {site_state(thika, s.name) for s in ctx.inv.town("thika").sites} == {"verified"}  # type: ignore[union-attr]
    assert "Field (real devices)" not in html  # nothing ran in the field: no field column


def test_a_failed_site_is_red_on_its_town_map_and_on_the_dashboard(state: State, tmp_path: Path) -> None:
    state.deploy("lab")
    state.verify("lab", bad_sites={"thk-police-station": "tcp 10.250.10.10:443 refused"})
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    html = (tmp_path / "site" / "index.html").read_text()
    assert dashboard_state(html, "thk-police-station", "lab") == "failed"
    assert "<strong>139</strong> of 140 sites verified" in html and "1 failed" in html
    thika = (tmp_path / "site" / "towns" / "thika.html").read_text()
    assert site_state(thika, "thk-police-station") == "failed"
    assert site_state(thika, "thk-law-courts") == "verified"
    page = (tmp_path / "site" / "devices" / "thk-police-station.html").read_text()
    assert 'class="ck-fail">fail</td><td>tcp 10.250.10.10:443 refused' in page


def test_a_reverted_tower_is_red_and_the_sites_behind_it_stay_planned_saying_why(
    state: State, tmp_path: Path, ctx: Context, on_path: Callable[[str], list[str]]
) -> None:
    state.deploy("field", failed={"thk-bs2": "health gate: BGP down"})
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    html = (tmp_path / "site" / "index.html").read_text()
    behind = {s for s in ctx.topo.sites if "thk-bs2" in on_path(s)}
    assert behind and all(dashboard_state(html, s, "field") == "planned" for s in behind)  # as `status` counts
    assert "deploy reverted on thk-bs2: health gate: BGP down" in html
    others = set(ctx.topo.sites) - behind
    assert {dashboard_state(html, s, "field") for s in others} == {"deployed"}  # no verify yet
    thika = (tmp_path / "site" / "towns" / "thika.html").read_text()
    assert 'data-kind="tower" data-name="thk-bs2" data-state="failed"' in thika


def test_counts_agree_with_countynet_status(state: State, tmp_path: Path, ctx: Context) -> None:
    from countynet.jobs.status import status

    state.deploy("lab")
    state.verify("lab", bad_sites={"wby-police-station": "refused"})
    state.verify("lab")  # a later narrow verify would not erase it; this full one clears it
    state.verify("lab", bad_sites={"mwg-law-courts": "no route"})
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    html = (tmp_path / "site" / "index.html").read_text()
    mine = {s: dashboard_state(html, s, "lab") for s in ctx.topo.sites}
    theirs = {s.site: s.state for s in status(ctx, "lab").sites}
    assert mine == theirs and mine["mwg-law-courts"] == "failed"


def test_lab_and_field_are_kept_apart(state: State, tmp_path: Path) -> None:
    state.deploy("lab")
    state.verify("lab")
    state.deploy("field", devices=["thk-hub", "thk-bs1", "thk-police-station"])
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    html = (tmp_path / "site" / "index.html").read_text()
    assert dashboard_state(html, "thk-police-station", "lab") == "verified"
    assert dashboard_state(html, "thk-police-station", "field") == "deployed"
    assert dashboard_state(html, "mwg-police-station", "field") == "planned"
    assert html.index("Field (real devices)") < html.index("Virtual lab")
    thika = (tmp_path / "site" / "towns" / "thika.html").read_text()
    assert 'data-state="deployed" data-state-field="deployed" data-state-lab="verified"' in thika


def test_progress_over_time_from_the_journals(state: State, ctx: Context) -> None:
    state.deploy("lab", devices=[d for d, dev in ctx.topo.devices.items() if dev.town == "mwingi"])
    state.verify("lab")
    state.deploy("lab")
    st = read_state(state.root)
    points = timeline(ctx.topo, sorted(ctx.topo.sites), st.targets["lab"], set())
    assert [p[1]["verified"] for p in points] == [0, 15, 140]  # the full verify checked every site
    assert [p[1]["deployed"] for p in points] == [15, 0, 0]


def test_a_journal_without_a_target_is_not_counted_as_lab_or_field(state: State, tmp_path: Path) -> None:
    state.deploy("")  # written before targets were journaled
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    html = (tmp_path / "site" / "index.html").read_text()
    assert (
        "without a recorded target" in html and dashboard_state(html, "thk-police-station", "unrecorded") == "deployed"
    )


def test_accepted_only_in_the_field_once_the_radio_hop_passed(state: State, tmp_path: Path) -> None:
    import json

    for target in ("lab", "field"):
        state.deploy(target)
        state.verify(target)
    (state.root / "accept").mkdir(parents=True)
    hops = [{"site": "thk-police-station", "status": "pass"}, {"site": "thk-law-courts", "status": "fail"}]
    (state.root / "accept" / "latest.json").write_text(json.dumps({"hops": hops}))
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    html = (tmp_path / "site" / "index.html").read_text()
    assert dashboard_state(html, "thk-police-station", "field") == "accepted"
    assert dashboard_state(html, "thk-law-courts", "field") == "verified"
    assert dashboard_state(html, "thk-subcounty-office", "field") == "accepted"  # fibre: no hop to pass
    assert dashboard_state(html, "thk-police-station", "lab") == "verified"  # the lab has no radios
    assert '<a href="attachments/accept/latest.json">latest.json</a>' in html


def test_work_orders_are_linked_from_their_site_and_town(tmp_path: Path) -> None:
    from countynet.accept.workorder_job import write_work_orders

    orders = tmp_path / "workorders"
    write_work_orders(INVENTORY, "mwingi", "mwg-police-station", orders, "html")
    build_site(INVENTORY, tmp_path / "site", state=tmp_path / "none", workorders=orders)
    link = '<a href="../attachments/workorders/mwg-police-station.html">mwg-police-station.html</a>'
    assert link in (tmp_path / "site" / "devices" / "mwg-police-station.html").read_text()
    assert link in (tmp_path / "site" / "towns" / "mwingi.html").read_text()
    assert (tmp_path / "site" / "attachments" / "workorders" / "mwg-police-station.html").is_file()


def test_installation_report_on_the_town_page(state: State, tmp_path: Path) -> None:
    from countynet.accept.run import run_acceptance

    recordings = INVENTORY.parent / "tests" / "verify" / "fixtures" / "routeros" / "recordings" / "mwingi"
    run_acceptance(INVENTORY, ["mwingi"], recordings)  # saves <state>/accept/latest.json
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    town = (tmp_path / "site" / "towns" / "mwingi.html").read_text()
    body = town[town.index('<table id="acceptance">') :]
    body = body[: body.index("</table>")]
    assert body.count("<tr data-hop=") == 14  # every planned hop of the town once
    row = re.search(r'<tr data-hop="mwg-registration-office">(.*?)</tr>', body, re.S)
    assert row and 'class="acc-fail">fail' in row.group(1) and "registered to the wrong sector" in row.group(1)
    assert 'class="acc-not-measured">not measured' in body
