"""Verification reports for people and machines: JSON, JUnit XML (CI) and Markdown (pull requests)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict

from countynet.verify.results import VerifyReport


def to_json(report: VerifyReport) -> str:
    return json.dumps(
        {
            "ok": report.ok,
            "seconds": round(report.seconds, 2),
            "attempts": report.attempts,
            "towns": report.by_town(),
            "checks": [c.as_dict() for c in report.checks],
            "stand_ins": report.stand_ins,
            "stand_in_note": report.stand_in_note(),
        },
        indent=2,
        sort_keys=True,
    )


def to_junit(report: VerifyReport) -> str:
    """One test suite per town, one test case per check; failures carry the detail."""
    suites = ET.Element("testsuites", name="countynet verify", tests=str(len(report.checks)))
    grouped = defaultdict(list)
    for c in report.checks:
        grouped[c.town].append(c)
    for town in sorted(grouped):
        checks = grouped[town]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=town,
            tests=str(len(checks)),
            failures=str(sum(c.status == "fail" for c in checks)),
            errors=str(sum(c.status in ("parse-error", "error") for c in checks)),
            skipped=str(sum(c.status == "not-measurable" for c in checks)),
        )
        note = report.stand_in_note()
        if note:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="stand-ins", value=note)
        for c in checks:
            case = ET.SubElement(suite, "testcase", classname=f"{town}.{c.device}", name=f"{c.kind} {c.target}")
            if c.status == "fail":
                ET.SubElement(case, "failure", message=c.detail or "failed", type=c.kind).text = c.detail
            elif c.status in ("parse-error", "error"):
                ET.SubElement(case, "error", message=c.detail or c.status, type=c.status).text = c.detail
            elif c.status == "not-measurable":
                ET.SubElement(case, "skipped", message=c.detail or "not measurable on this platform")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: VerifyReport, title: str = "countynet verify") -> str:
    verdict = "all checks passed" if report.ok else f"{len(report.failed)} check(s) failed"
    lines = [
        f"## {title}: {verdict}",
        "",
        "| town | sites verified | checks | ok | failed |",
        "|---|---:|---:|---:|---:|",
    ]
    for town, row in sorted(report.by_town().items()):
        lines.append(f"| {town} | {row['sites_ok']}/{row['sites']} | {row['checks']} | {row['ok']} | {row['failed']} |")
    note = report.stand_in_note()
    if note:
        lines += ["", f"*{note}.*"]
    if report.failed:
        lines += [
            "",
            "### Failures",
            "",
            "| town | device | check | target | status | detail |",
            "|---|---|---|---|---|---|",
        ]
        for c in report.failed:
            lines.append(
                f"| {c.town} | {_cell(c.device)} | {c.kind} | {_cell(c.target)} | {c.status} | {_cell(c.detail)} |"
            )
    return "\n".join(lines) + "\n"
