"""Work orders as Markdown and as printable, self-contained HTML (inline CSS, no external assets)."""

from __future__ import annotations

import html
import re

from countynet.accept.workorder import RadioOrder, WorkOrder


def _facts(wo: WorkOrder) -> list[tuple[str, str]]:
    rows = [
        ("Agency", f"{wo.agency} ({wo.kind})"),
        ("Where", f"{wo.lat:.5f}, {wo.lon:.5f} (ground {wo.elevation_m:g} m above sea level)"),
        ("Contact", wo.contact or "not in the inventory: confirm with the county ICT office before travelling"),
        ("Connection", wo.connect),
        ("Router", wo.router),
    ]
    r = wo.radio
    if r is not None:
        target = f"{r.tower} sector {r.sector}" if r.sector else f"{r.tower} (far end of {r.hop})"
        rows += [
            ("Mount", f"{r.mount}, antenna {r.height_m:g} m above ground"),
            ("Point at", f"{target} at {r.tower_lat:.5f}, {r.tower_lon:.5f}, {r.distance_km:g} km away"),
            ("Azimuth", f"{r.azimuth_deg:.1f} deg (true north; correct the compass for magnetic declination)"),
            ("Elevation", f"{r.elevation_deg:+.2f} deg (positive: tilt up)"),
            (
                "Expected signal",
                f"{r.expected_dbm:.1f} dBm; accept {r.accept_low_dbm:.1f} to {r.accept_high_dbm:.1f} dBm",
            ),
            ("Expected modulation", f"MCS{r.mcs} or better"),
            ("Channel", f"{r.frequency_mhz:g} MHz, {r.width_mhz} MHz wide"),
            ("SSID", f"{r.ssid} ({r.security}; key from the project's secret store, never written down)"),
            ("Radio package", r.package),
        ]
    return rows


def _steps(r: RadioOrder) -> list[str]:
    return [
        f"Run each command on the radio and save its output in the recordings folder as shown; "
        f"then `countynet accept --recordings <folder>` judges the hop ({r.hop}).",
    ]


def to_markdown(wo: WorkOrder) -> str:
    lines = [f"# Work order: {wo.site} ({wo.town})", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in _facts(wo)]
    lines += ["", "## Ports", "", "| port | role | what | connects to |", "|---|---|---|---|"]
    lines += [f"| {p['port']} | {p['role']} | {p['what']} | {p['to']} |" for p in wo.ports]
    if wo.radio is not None:
        lines += ["", "## Acceptance", "", *_steps(wo.radio), ""]
        lines += ["| command | save as |", "|---|---|"]
        lines += [f"| `{c}` | `{f}` |" for c, f in wo.radio.commands]
    else:
        lines += ["", "No radio at this site: acceptance is `countynet verify` from the agency LAN."]
    return "\n".join(lines) + "\n"


CSS = """body{font-family:sans-serif;font-size:11pt;margin:1.5cm}h1{font-size:16pt}h2{font-size:13pt}
table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #999;padding:3px 6px;text-align:left}
code{font-size:9pt}.page{page-break-after:always}@media print{body{margin:0}}"""


def _table(rows: list[list[str]], head: list[str] | None = None) -> str:
    e = html.escape
    out = ["<table>"]
    if head:
        out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>")
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows]
    return "".join(out) + "</table>"


def _code(text: str) -> str:
    """`inline code` (already escaped text) as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def page_html(wo: WorkOrder) -> str:
    e = html.escape
    parts = [f'<section class="page"><h1>Work order: {e(wo.site)} ({e(wo.town)})</h1>']
    parts.append(_table([[f"<b>{e(k)}</b>", e(v)] for k, v in _facts(wo)]))
    parts.append("<h2>Ports</h2>")
    parts.append(
        _table(
            [[e(p["port"]), e(p["role"]), e(p["what"]), e(p["to"])] for p in wo.ports],
            ["port", "role", "what", "connects to"],
        )
    )
    if wo.radio is not None:
        parts.append("<h2>Acceptance</h2>" + "".join(f"<p>{_code(e(s))}</p>" for s in _steps(wo.radio)))
        parts.append(
            _table(
                [[f"<code>{e(c)}</code>", f"<code>{e(f)}</code>"] for c, f in wo.radio.commands], ["command", "save as"]
            )
        )
    else:
        parts.append("<p>No radio at this site: acceptance is <code>countynet verify</code> from the agency LAN.</p>")
    return "".join(parts) + "</section>"


def to_html(orders: list[WorkOrder], title: str) -> str:
    body = "\n".join(page_html(wo) for wo in orders)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )
