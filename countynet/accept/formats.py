"""The installation report: planned against measured per hop, in JSON, Markdown, JUnit and a rich table.

Every planned hop is one row / one test case, whatever its status; a missing measurement is
written "not measured" and fails the JUnit case, the lab's "not measurable" is a skipped case.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.table import Table

from countynet.accept import AcceptanceReport, HopResult

STYLE = {"pass": "green", "fail": "red", "not measured": "yellow", "not measurable": "dim"}


def _f(x: Any, nd: int = 1, unit: str = "") -> str:
    return "-" if x is None else f"{x:.{nd}f}{unit}"


def _row(h: HopResult) -> dict[str, str]:
    p, m = h.hop.planned(), h.measured
    rx = m.get("rx_dbm")
    mcs = "/".join(str(m.get(k)) if m.get(k) is not None else "-" for k in ("rx_mcs", "tx_mcs"))
    return {
        "town": h.hop.lp.town,
        "hop": h.hop.lp.name,
        "kind": h.hop.lp.kind,
        "radio": h.hop.unit,
        "planned Rx": _f(p["rx_b_dbm"]),
        "measured Rx": _f(rx, 0),
        "delta": _f(rx - p["rx_b_dbm"], 1) if rx is not None else "-",
        "planned MCS": f"{p['mcs_ab']}/{p['mcs_ba']}",
        "measured MCS": mcs if m else "-",
        "planned margin": _f(p["margin_db"]),
        "realised margin": _f(h.realised_margin_db),
        "status": h.status,
        "finding": "; ".join(f"{f.detail} -> {f.cause}" for f in h.failed) or h.note,
    }


COLUMNS = [
    "town",
    "hop",
    "kind",
    "radio",
    "planned Rx",
    "measured Rx",
    "delta",
    "planned MCS",
    "measured MCS",
    "planned margin",
    "realised margin",
    "status",
    "finding",
]


def to_json(report: AcceptanceReport) -> str:
    return json.dumps(report.as_dict(), indent=2, sort_keys=True)


def _verdict(report: AcceptanceReport) -> str:
    n = len(report.hops)
    passed = sum(h.status == "pass" for h in report.hops)
    if n and all(h.status == "not measurable" for h in report.hops):
        return f"{n} hops not measurable (virtual lab: the FRR stand-ins have no radios)"
    return f"{passed} of {n} hops accepted"


def to_markdown(report: AcceptanceReport, title: str = "Installation report: radio acceptance") -> str:
    lines = [
        f"# {title}",
        "",
        f"{_verdict(report)}. Accepted: registered to the planned sector/link, received level within "
        f"+/-{report.tolerance_db:g} dB of plan, modulation at least the planned MCS, registered for at least "
        f"{report.settle_s // 60} min. Source: {report.source or '-'}.",
        "",
        "| town | hops | pass | fail | not measured | not measurable |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for town, r in sorted(report.by_town().items()):
        lines.append(
            f"| {town} | {r['hops']} | {r['pass']} | {r['fail']} | {r['not measured']} | {r['not measurable']} |"
        )
    lines += ["", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for h in report.hops:
        row = _row(h)
        lines.append("| " + " | ".join(row[c].replace("|", "\\|") for c in COLUMNS) + " |")
    lines += ["", "Rx in dBm at the far radio (station or PtP end b); MCS downlink/uplink; margins in dB."]
    if report.sectors:
        lines += ["", "## Sector APs (their own registration tables)", "", "| sector | AP | interface | status | detail |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for sec in report.sectors:
            d = sec.as_dict()
            text = f"{sec.detail} -> {sec.cause}" if sec.cause else sec.detail
            lines.append(f"| {d['sector']} | {d['unit']} | {d['interface']} | {sec.status} | {text} |")
    return "\n".join(lines) + "\n"


def to_junit(report: AcceptanceReport) -> str:
    """One suite per town: one case per planned hop, then one per sector AP whose table was read."""
    suites = ET.Element("testsuites", name="countynet radio acceptance")
    towns: dict[str, list[HopResult]] = {}
    for h in report.hops:
        towns.setdefault(h.hop.lp.town, []).append(h)
    total = 0
    for town, hops in sorted(towns.items()):
        suite = ET.SubElement(suites, "testsuite", name=f"acceptance {town}", errors="0")
        for h in hops:
            _hop_case(suite, town, h)
        for sec in (s for s in report.sectors if s.info.town == town):
            case = ET.SubElement(suite, "testcase", classname=f"{town}.ap", name=f"sector {sec.as_dict()['sector']}")
            if sec.status == "fail":
                ET.SubElement(
                    case, "failure", message=sec.detail[:300], type="sector"
                ).text = f"{sec.detail} -> {sec.cause}"
            elif sec.status != "pass":
                ET.SubElement(case, "skipped", message=sec.detail)
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
        suite.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))
        total += len(cases)
    suites.set("tests", str(total))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _hop_case(suite: ET.Element, town: str, h: HopResult) -> None:
    case = ET.SubElement(suite, "testcase", classname=f"{town}.{h.hop.lp.kind}", name=h.hop.lp.name)
    text = _row(h)["finding"]
    if h.status == "fail":
        ET.SubElement(case, "failure", message=text[:300], type="radio").text = text
    elif h.status == "not measured":
        ET.SubElement(case, "failure", message="not measured", type="not-measured").text = h.note
    elif h.status == "not measurable":
        ET.SubElement(case, "skipped", message=h.note)


def to_table(report: AcceptanceReport) -> Table:
    """The terminal view: one row per hop (the radio column is left to the JSON and Markdown)."""
    table = Table(title=f"radio acceptance: {_verdict(report)}", show_lines=False)
    cols = [c for c in COLUMNS[:-1] if c != "radio" and (c != "town" or len(report.by_town()) > 1)]
    for c in cols:
        right = any(w in c for w in ("Rx", "delta", "MCS", "margin"))
        table.add_column(c, justify="right" if right else "left", no_wrap=c in ("hop", "status"))
    for h in report.hops:
        row = _row(h)
        row["status"] = f"[{STYLE[h.status]}]{h.status}[/]"
        table.add_row(*(row[c] for c in cols))
    return table


def sector_lines(report: AcceptanceReport) -> list[str]:
    """One line per sector AP whose table was read and did not match the plan."""
    out = []
    for sec in report.sectors:
        if sec.status == "fail":
            out.append(f"{sec.as_dict()['sector']} ({sec.info.unit} {sec.info.interface}): {sec.detail} -> {sec.cause}")
    return out


def write_reports(report: AcceptanceReport, out: Path) -> list[Path]:
    """The installation report per town and for the whole rollout, in JSON, Markdown and JUnit."""
    out.mkdir(parents=True, exist_ok=True)
    parts = [(t, report.for_town(t)) for t in sorted(report.by_town())] + [("rollout", report)]
    written = []
    for name, rep in parts:
        title = f"Installation report: {name}" if name != "rollout" else "Installation report: whole rollout"
        for suffix, text in ((".json", to_json(rep)), (".md", to_markdown(rep, title)), (".xml", to_junit(rep))):
            path = out / f"{name}{suffix}"
            path.write_text(text)
            written.append(path)
    return written
