"""Work orders for all 140 shipped sites; angles and levels are the radio plan's figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countynet.accept.workorder import work_orders
from countynet.accept.workorder_render import to_html, to_markdown
from countynet.cli.main import app
from countynet.model import Model as Prepared
from countynet.model import open_model as prepare

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def prep() -> Prepared:
    return prepare(ROOT / "inventory")


def test_every_shipped_site_has_a_work_order_with_the_plans_angles(prep: Prepared) -> None:
    plan = prep.radio
    seen = []
    for town in prep.inv.towns:
        for wo in work_orders(prep, town.name):
            seen.append(wo.site)
            md = to_markdown(wo)
            hop = plan.for_station(wo.site) or next(
                (lp for lp in plan.select(town.name) if lp.b.device == wo.site), None
            )
            if hop is None:
                assert wo.radio is None and wo.connect.startswith("fibre from ")
                continue
            assert wo.radio is not None
            assert wo.radio.azimuth_deg == round(hop.azimuth_b_deg, 1)
            assert wo.radio.elevation_deg == round(hop.elevation_b_deg, 2)
            assert wo.radio.expected_dbm == round(hop.ab.rx_dbm, 1)
            assert f"| Azimuth | {hop.azimuth_b_deg:.1f} deg" in md
            assert f"| Elevation | {hop.elevation_b_deg:+.2f} deg" in md
            assert f"| Channel | {hop.frequency_mhz:g} MHz, {hop.width_mhz} MHz wide |" in md
    assert len(seen) == len(set(seen)) == 140


def test_sector_site_page(prep: Prepared) -> None:
    (wo,) = work_orders(prep, "mwingi", "mwg-law-courts")
    md = to_markdown(wo)
    assert "| Point at | mwg-bs1 sector s1 at -0.93400, 38.06000, 0.6 km away |" in md
    assert "| Expected signal | -55.1 dBm; accept -60.1 to -50.1 dBm |" in md
    assert "| SSID | mwg-bs1-s1 (wpa2-psk;" in md
    # the shipped station model runs RouterOS's `wifi` package (network.yml), whose radio is wifi1
    assert "| wifi1 | station | station of mwg-bs1/s1 | mwg-bs1 |" in md
    assert "`/interface wifi monitor wifi1 once` | `mwg-law-courts/interface_wifi_monitor_wifi1_once.txt` |" in md


def test_html_is_printable_and_self_contained(prep: Prepared) -> None:
    orders = work_orders(prep, "mwingi")
    page = to_html(orders, "mwingi")
    assert page.count('<section class="page">') == 15 and "page-break-after:always" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "<script" not in page


def test_cli_writes_one_file_per_site_and_refuses_bad_input(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        app,
        ["-i", str(ROOT / "inventory"), "workorder", "--town", "webuye", "--out", str(tmp_path), "--format", "html"],
    )
    assert r.exit_code == 0, r.output
    assert len(list(tmp_path.glob("wby-*.html"))) == 17  # one page per site
    book = (tmp_path / "webuye-work-orders.html").read_text()  # and the whole town to print at once
    assert book.count('<section class="page">') == 17
    r = CliRunner().invoke(app, ["-i", str(ROOT / "inventory"), "workorder", "--town", "webuye", "--site", "nope"])
    assert r.exit_code == 2 and "no agency site 'nope' in webuye" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["-i", str(ROOT / "inventory"), "workorder", "--town", "webuye", "--format", "pdf"])
    assert r.exit_code == 2 and "unknown format 'pdf'" in r.output
