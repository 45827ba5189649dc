"""Reports a CI system and a reviewer can read: JUnit parsed back by junitparser, Markdown tables."""

from __future__ import annotations

import json
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from countynet.report.formats import to_json, to_junit, to_markdown
from countynet.verify.results import Check, VerifyReport


def sample() -> VerifyReport:
    return VerifyReport(
        [
            Check("thika", "thk-hub", "bgp", "10.254.0.0 AS37061", "ok", "received 5"),
            Check("thika", "thk-school", "tcp", "tsc 10.250.30.10:443", "fail", "ConnectionRefused", site="thk-school"),
            Check(
                "thika", "thk-school", "radio", "signal vs plan", "not-measurable", "FRR stand-in", site="thk-school"
            ),
            Check("malindi", "mld-hub", "ospf", "dn1 -> 10.96.1.1", "parse-error", "parse failure: header"),
            Check("malindi", "mld-clinic", "ping", "NOFBI gateway 10.254.0.2", "ok", "loss 0 %", site="mld-clinic"),
        ]
    )


def test_junit_round_trips_through_a_real_consumer(tmp_path: Path) -> None:
    path = tmp_path / "verify.xml"
    path.write_text(to_junit(sample()))
    xml = JUnitXml.fromfile(str(path))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"thika", "malindi"}
    thika = suites["thika"]
    assert thika.tests == 3 and thika.failures == 1 and thika.skipped == 1
    outcomes = {c.name: [type(r) for r in c.result] for c in thika}
    assert outcomes["tcp tsc 10.250.30.10:443"] == [Failure]
    assert outcomes["radio signal vs plan"] == [Skipped]
    malindi = {c.name: [type(r) for r in c.result] for c in suites["malindi"]}
    assert malindi["ospf dn1 -> 10.96.1.1"] == [Error]
    assert malindi["ping NOFBI gateway 10.254.0.2"] == []


def test_markdown_is_a_table_with_failures_listed() -> None:
    md = to_markdown(sample())
    lines = md.splitlines()
    assert lines[0].startswith("## countynet verify: 2 check(s) failed")
    header = lines.index("| town | sites verified | checks | ok | failed |")
    assert lines[header + 1] == "|---|---:|---:|---:|---:|"
    assert "| thika | 0/1 | 3 | 1 | 1 |" in lines
    assert any(line.startswith("| thika | thk-school | tcp | tsc 10.250.30.10:443 | fail |") for line in lines)
    # every table row has the same number of cells as its header
    for line in lines:
        if line.startswith("| town | device"):
            width = line.count("|")
        if line.startswith("| malindi | mld-hub"):
            assert line.count("|") == width


def test_json_summary() -> None:
    data = json.loads(to_json(sample()))
    assert data["ok"] is False
    assert data["towns"]["malindi"] == {"checks": 2, "ok": 1, "failed": 1, "sites": 1, "sites_ok": 1}
