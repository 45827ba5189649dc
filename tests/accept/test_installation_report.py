"""The installation report of Mwingi from recordings, in all four formats, every planned hop exactly once."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from countynet.accept import AcceptanceReport, accept, load_recordings, radio_commands
from countynet.accept.formats import to_json, to_junit, to_markdown, to_table
from countynet.model import open_model as prepare

ROOT = Path(__file__).parents[2]
REC = ROOT / "tests" / "verify" / "fixtures" / "routeros" / "recordings"


@pytest.fixture(scope="module")
def report() -> AcceptanceReport:
    prep = prepare(ROOT / "inventory")
    planned = [lp.name for lp in prep.radio.select("mwingi")]
    assert len(planned) == 14
    rep = accept(
        prep.radio,
        load_recordings(REC, radio_commands()),
        agencies=set(prep.topo.sites),
        towns={"mwingi"},
        source=str(REC),
    )
    assert sorted(h.hop.lp.name for h in rep.hops) == sorted(planned)
    return rep


EXPECTED = {
    "mwg-law-courts": "fail",
    "mwg-registration-office": "fail",
    "mwg-tsc-office": "fail",
    "mwg-ptp-nguutani": "fail",
    "mwg-kyome-primary": "not measured",
}


def test_statuses(report: AcceptanceReport) -> None:
    got = {h.hop.lp.name: h.status for h in report.hops}
    assert {k: v for k, v in got.items() if v != "pass"} == EXPECTED
    assert report.by_town() == {"mwingi": {"hops": 14, "pass": 9, "fail": 4, "not measured": 1, "not measurable": 0}}


def test_json(report: AcceptanceReport) -> None:
    data = json.loads(to_json(report))
    names = [h["name"] for h in data["hops"]]
    assert len(names) == len(set(names)) == 14
    hop = next(h for h in data["hops"] if h["name"] == "mwg-kyome-primary")
    assert hop["status"] == "not measured" and hop["measured"] == {}
    good = next(h for h in data["hops"] if h["name"] == "mwg-police-station")
    assert (
        good["planned"]["rx_b_dbm"] == -53.6
        and good["measured"]["rx_dbm"] == -54
        and good["realised_margin_db"] == 18.0
    )


def test_markdown(report: AcceptanceReport) -> None:
    md = to_markdown(report)
    rows = [line for line in md.splitlines() if line.startswith("| mwingi | mwg-")]
    assert len(rows) == 14 and len({r.split(" | ")[1] for r in rows}) == 14
    assert "9 of 14 hops accepted" in md
    kyome = next(r for r in rows if r.startswith("| mwingi | mwg-kyome-primary |"))
    assert "| not measured | no output recorded for radio mwg-kyome-primary |" in kyome
    assert any("registered to the wrong sector: mwg-bs1-s2 on 5785 MHz" in r for r in rows)


def test_junit(report: AcceptanceReport) -> None:
    root = ET.fromstring(to_junit(report))
    cases = root.findall(".//testcase")
    assert sorted(c.get("name") for c in cases) == sorted(h.hop.lp.name for h in report.hops)
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failed == set(EXPECTED)
    suite = root.find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("14", "5", "0")


def test_terminal(report: AcceptanceReport) -> None:
    console = Console(record=True, width=250)
    console.print(to_table(report))
    text = console.export_text()
    assert text.count("mwg-") >= 14 and "not measured" in text and "9 of 14 hops accepted" in text


def test_lab_report_says_not_measurable() -> None:
    prep = prepare(ROOT / "inventory")
    rep = accept(prep.radio, None, agencies=set(prep.topo.sites), towns={"mwingi"})
    md = to_markdown(rep)
    assert "14 hops not measurable (virtual lab: the FRR stand-ins have no radios)" in md
    root = ET.fromstring(to_junit(rep))
    assert len(root.findall(".//testcase/skipped")) == 14


def test_accept_command_writes_the_report_and_fails_on_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from countynet.cli.main import app

    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    md, xml = tmp_path / "acc.md", tmp_path / "acc.xml"
    args = ["-i", str(ROOT / "inventory"), "accept", "--town", "mwingi", "--recordings", str(REC)]
    r = CliRunner().invoke(app, [*args, "--markdown", str(md), "--junit", str(xml), "--json"])
    assert r.exit_code == 1, r.output
    assert json.loads(r.output)["towns"]["mwingi"]["pass"] == 9
    assert "9 of 14 hops accepted" in md.read_text()
    cases = ET.parse(xml).findall(".//testcase")
    assert len([c for c in cases if not c.get("classname", "").endswith(".ap")]) == 14  # every hop once
    aps = {c.get("name"): c.find("failure") is None for c in cases if c.get("classname") == "mwingi.ap"}
    # the station on the wrong sector shows on the APs too: s1 short of one, s2 one too many
    assert aps == {"sector mwg-bs1/s1": False, "sector mwg-bs1/s2": False, "sector mwg-bs2/s1": True}
    assert "| mwg-bs1/s2 | mwg-bs1 | wifi2 | fail | 5 station(s) registered on wifi2, planned 4 ->" in md.read_text()
    saved = json.loads((tmp_path / "state" / "accept" / "latest.json").read_text())
    assert len(saved["hops"]) == 14


def test_reports_per_town_and_for_the_whole_rollout(tmp_path: Path) -> None:
    from countynet.accept.formats import write_reports

    prep = prepare(ROOT / "inventory")
    rep = accept(prep.radio, load_recordings(REC, radio_commands()), agencies=set(prep.topo.sites))
    write_reports(rep, tmp_path)
    towns = sorted(t.name for t in prep.inv.towns)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}{s}" for n in [*towns, "rollout"] for s in (".json", ".md", ".xml")
    )
    whole = json.loads((tmp_path / "rollout.json").read_text())
    ids = [h["id"] for h in whole["hops"]]
    assert len(ids) == len(set(ids)) == len(prep.radio.links) == 134  # every planned hop, once
    per_town = [h["id"] for t in towns for h in json.loads((tmp_path / f"{t}.json").read_text())["hops"]]
    assert sorted(per_town) == sorted(ids)
    thika = (tmp_path / "thika.md").read_text()
    rows = [line for line in thika.splitlines() if line.startswith("| thika | thk-")]
    assert "0 of 34 hops accepted" in thika and len(rows) == 34 and all("| not measured |" in r for r in rows)
