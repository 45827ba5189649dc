"""The site in a real browser: headless Chromium (Debian's) driven by Selenium, no browser download.

Screenshots are kept as test artifacts under the pytest tmp folder; their paths are printed
(`pytest -s` shows them).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from docsite_helpers import INVENTORY, State

from countynet.docsite import build_site
from countynet.model import Model as Context

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver")

FAILED_RED = "207, 34, 46"  # #cf222e, the failed state (rgb() or rgba() as the browser reports it)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


def errors(drv: object) -> list[dict[str, object]]:
    return [e for e in drv.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]  # type: ignore[attr-defined]


def shot(drv: object, path: Path) -> None:
    drv.save_screenshot(str(path))  # type: ignore[attr-defined]
    print(f"screenshot: {path}")


def click(drv: object, element: object) -> None:
    drv.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", element)  # type: ignore[attr-defined]


def count(drv: object, css: str) -> int:
    return len(drv.find_elements("css selector", css))  # type: ignore[attr-defined]


@pytest.fixture
def verified_site(state: State, tmp_path: Path) -> Path:
    state.deploy("lab")
    state.verify("lab")
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    return tmp_path / "site"


def test_dashboard_map_and_site_page(browser: object, verified_site: Path, ctx: Context, tmp_path: Path) -> None:
    drv = browser
    drv.get((verified_site / "index.html").as_uri())  # type: ignore[attr-defined]
    assert count(drv, "#towns tbody tr") == 6
    assert count(drv, "#sites tbody tr") == 140
    assert count(drv, '#sites td[data-target="lab"][data-state="verified"]') == 140
    assert errors(drv) == []
    shot(drv, tmp_path / "dashboard.png")

    drv.find_element("link text", "thika").click()  # type: ignore[attr-defined]
    town = ctx.inv.town("thika")
    assert town is not None
    assert count(drv, 'svg.town-map [data-kind="tower"]') == len(town.base_stations)
    assert count(drv, 'svg.town-map [data-kind="sector"]') == sum(len(b.sectors) for b in town.base_stations)
    assert count(drv, 'svg.town-map [data-kind="hop"]') == len(ctx.radio.select(town="thika"))
    assert count(drv, 'svg.town-map [data-kind="site"]') == len(town.sites)
    assert errors(drv) == []
    diagram = drv.find_element("css selector", ".topology-wrap")  # type: ignore[attr-defined]
    assert count(drv, "svg.topology a") >= len(town.sites) + len(town.base_stations) + 1  # every router links
    hub = drv.find_element("css selector", 'svg.topology a[*|href$="/thk-hub.html"]')  # type: ignore[attr-defined]
    drv.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'start'})", hub)  # type: ignore[attr-defined]
    diagram.screenshot(str(tmp_path / "thika-topology.png"))
    print(f"screenshot: {tmp_path / 'thika-topology.png'}")

    hop = drv.find_element("css selector", '[data-name="ptp:thk-ptp-mangu"]')  # type: ignore[attr-defined]
    click(drv, hop)  # a 3 px diagonal line: Selenium's own click aims at its box centre, off the stroke
    panel = drv.find_element("id", "hop-info").text  # type: ignore[attr-defined]
    lp = ctx.radio.for_link("thk-ptp-mangu")
    assert lp is not None and "ptp hop thk-ptp-mangu" in panel and f"margin db {round(lp.margin_db, 1)}" in panel
    shot(drv, tmp_path / "thika.png")

    site = drv.find_element("css selector", 'svg.town-map a[data-name="thk-ngoliba-health-centre"] circle')  # type: ignore[attr-defined]
    site.click()  # a real click on the marker
    assert drv.current_url.endswith("/devices/thk-ngoliba-health-centre.html")  # type: ignore[attr-defined]
    assert drv.find_element("tag name", "h1").text.startswith("thk-ngoliba-health-centre")  # type: ignore[attr-defined]
    assert errors(drv) == []
    shot(drv, tmp_path / "site-page.png")


def test_a_failed_site_is_red_on_the_map_and_the_dashboard(browser: object, state: State, tmp_path: Path) -> None:
    state.deploy("lab")
    state.verify("lab", bad_sites={"thk-police-station": "tcp 10.250.10.10:443 refused"})
    build_site(INVENTORY, tmp_path / "site", state=state.root)
    drv = browser
    drv.get((tmp_path / "site" / "towns" / "thika.html").as_uri())  # type: ignore[attr-defined]
    dot = drv.find_element("css selector", 'svg.town-map a[data-name="thk-police-station"] circle')  # type: ignore[attr-defined]
    assert FAILED_RED in dot.value_of_css_property("fill")
    ok = drv.find_element("css selector", 'svg.town-map a[data-name="thk-law-courts"] circle')  # type: ignore[attr-defined]
    assert FAILED_RED not in ok.value_of_css_property("fill")
    shot(drv, tmp_path / "thika-failed.png")
    drv.get((tmp_path / "site" / "index.html").as_uri())  # type: ignore[attr-defined]
    badge = drv.find_element("css selector", 'tr[data-site="thk-police-station"] td[data-target="lab"] .badge')  # type: ignore[attr-defined]
    assert badge.text == "failed" and FAILED_RED in badge.value_of_css_property("background-color")
    assert count(drv, '#sites td[data-state="failed"]') == 1
    assert errors(drv) == []
    shot(drv, tmp_path / "dashboard-failed.png")


def test_keyboard_reaches_a_hop_and_opens_its_figures(browser: object, verified_site: Path) -> None:
    drv = browser
    drv.get((verified_site / "towns" / "mwingi.html").as_uri())  # type: ignore[attr-defined]
    from selenium.webdriver.common.keys import Keys

    hop = drv.find_element("css selector", ".hop")  # type: ignore[attr-defined]
    drv.execute_script("arguments[0].focus()", hop)  # type: ignore[attr-defined]
    hop.send_keys(Keys.ENTER)
    assert "hop" in drv.find_element("id", "hop-info").text  # type: ignore[attr-defined]
