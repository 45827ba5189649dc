"""The site as files: every page there, maps complete, offline, deterministic, accessible markup."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest
from docsite_helpers import INVENTORY, kinds
from markupsafe import escape

from countynet.docsite import build_site
from countynet.errors import CountynetError
from countynet.model import Model as Context


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(INVENTORY, out, state=out.parent / "no-state")
    return out


def rows(html: str, table: str) -> list[str]:
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, table
    return re.findall(r"<tr[ >]", body.group(1))


def test_every_page_is_written(site: Path, ctx: Context) -> None:
    assert (site / "index.html").is_file() and (site / "style.css").is_file()
    assert sorted(p.stem for p in (site / "towns").glob("*.html")) == sorted(t.name for t in ctx.inv.towns)
    assert len(list((site / "devices").glob("*.html"))) == len(ctx.topo.devices) == 158
    assert (site / "rules" / "CN301.html").is_file() and (site / "rules" / "index.html").is_file()


def test_dashboard_lists_six_towns_and_140_sites_all_planned_without_state(site: Path) -> None:
    html = (site / "index.html").read_text()
    assert len(rows(html, "towns")) == 6
    assert len(rows(html, "sites")) == 140
    assert "every site is planned" in html


def test_each_town_map_shows_every_tower_sector_and_hop_of_the_plan(site: Path, ctx: Context) -> None:
    for town in ctx.inv.towns:
        html = (site / "towns" / f"{town.name}.html").read_text()
        assert sorted(kinds(html, "tower")) == sorted(b.name for b in town.base_stations)
        assert sorted(kinds(html, "sector")) == sorted(
            f"{b.name}/{s.name}" for b in town.base_stations for s in b.sectors
        )
        assert sorted(kinds(html, "hop")) == sorted(lp.id for lp in ctx.radio.select(town=town.name))
        assert sorted(kinds(html, "site")) == sorted(s.name for s in town.sites)
        assert kinds(html, "hub") == [town.hub.name] and kinds(html, "pop") == [town.nofbi_pop]


def test_hop_figures_are_the_radio_plans(site: Path, ctx: Context) -> None:
    lp = ctx.radio.for_link("thk-ptp-mangu")
    assert lp is not None
    html = (site / "towns" / "thika.html").read_text()
    assert f"fade margin {lp.margin_db:.1f} dB" in html
    assert f"&quot;margin_db&quot;:{round(lp.margin_db, 1)}" in html


def test_topology_shows_handoff_31s_and_ospf_roles(site: Path) -> None:
    html = (site / "towns" / "thika.html").read_text()
    topo = html[html.index('<svg class="topology"') :]
    for text in (
        "eBGP AS65101 ↔ AS37061",
        "10.254.0.0/31",
        "fibre 10.96.1.0/31",
        "OSPF point&#45;to&#45;point",
        "(DR)",
    ):
        assert text in topo, text


def test_device_page_has_addressing_hops_services_and_highlighted_config(site: Path) -> None:
    html = (site / "devices" / "thk-mangu-high-school.html").read_text()
    assert "<code>10.96.1.11/31</code>" in html and "thk-ptp-mangu" in html and "tsc" in html
    assert '<span class="w">/ip address</span>' in html or '<span class="w">/ip' in html
    assert "{{secret:env:COUNTYNET_ADMIN_PASSWORD}}" in html  # a placeholder, never a value


def test_rule_pages_come_from_the_registry(site: Path) -> None:
    from countynet.checks.registry import all_rules
    from countynet.checks.rule_docs import page

    html = (site / "rules" / "index.html").read_text()
    assert len(rows(html, "rules")) == len(all_rules())
    cn301, doc = (site / "rules" / "CN301.html").read_text(), page("CN301")  # what `countynet rules CN301` prints
    assert escape(doc.rationale) in cn301 and escape(doc.example) in cn301 and escape(doc.fix) in cn301


def test_offline_no_external_reference(site: Path) -> None:
    allowed = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css"):
            urls = set(re.findall(r"https?://[^\s\"'<>)]+", path.read_text()))
            assert urls <= allowed, (path, urls - allowed)
            assert "@import" not in path.read_text() and "<script src" not in path.read_text()


def test_accessible_markup(site: Path) -> None:
    for path in [site / "index.html", site / "towns" / "webuye.html", site / "devices" / "wby-hub.html"]:
        html = path.read_text()
        assert re.search(r"<title>[^<]+</title>", html) and '<html lang="en">' in html
        for svg in re.findall(r"<svg [^>]*>", html):
            assert 'role="img"' in svg and ("aria-label" in svg or "aria-labelledby" in svg), svg
        assert "<th scope=" in html
    town = (site / "towns" / "webuye.html").read_text()
    assert town.count('tabindex="0" role="button"') == town.count('data-kind="hop"')


def test_same_inventory_gives_the_same_bytes(tmp_path: Path) -> None:
    site, again = tmp_path / "first", tmp_path / "again"
    build_site(INVENTORY, site, state=tmp_path / "no-state")
    build_site(INVENTORY, again, state=tmp_path / "no-state")
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(site, again, files, shallow=False)
    assert not mismatch and not errors and len(match) == len(files)


def test_one_town_only_and_unknown_town(tmp_path: Path, ctx: Context) -> None:
    res = build_site(INVENTORY, tmp_path / "s", ["mwingi"], state=tmp_path / "none")
    assert res.towns == 1 and res.devices == sum(d.town == "mwingi" for d in ctx.topo.devices.values())
    assert [p.stem for p in (tmp_path / "s" / "towns").glob("*.html")] == ["mwingi"]
    with pytest.raises(CountynetError, match="no town named 'nowhere'"):
        build_site(INVENTORY, tmp_path / "t", ["nowhere"], state=tmp_path / "none")
