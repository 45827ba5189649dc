"""`countynet radio`: the radio plan as a table or JSON (computation lives in countynet.radio.plan)."""

from __future__ import annotations

import math

import typer

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, mode, print_json, summary, table, want_json
from countynet.errors import CountynetError
from countynet.model import load_model
from countynet.radio.plan import LinkPlan

STYLE = {"ok": "green", "warning": "yellow", "error": "red"}


def _fmt(x: float, nd: int = 1) -> str:
    return f"{x:.{nd}f}" if math.isfinite(x) else "-"


def _row(lp: LinkPlan) -> list[str]:
    return [
        lp.name,
        _fmt(lp.distance_km, 2),
        _fmt(min(lp.ab.rx_dbm, lp.ba.rx_dbm)),
        _fmt(lp.margin_db),
        _fmt(lp.clearance_pct, 0),
        f"MCS{lp.mcs}" if lp.mcs >= 0 else "none",
        _fmt(lp.capacity_mbps),
        _fmt(lp.availability_pct, 3),
        f"[{STYLE[lp.verdict]}]{lp.verdict}[/]",
    ]


COLUMNS = ("link/station", "km", "Rx dBm", "margin", "clear %", "MCS", "Mbit/s", "avail %", "verdict")


@app.command()
@guarded
def radio(
    town: list[str] = o.TOWN,
    link: list[str] = typer.Option([], "--link", help="Only this PtP link or station (agency site); repeatable.",
                                   metavar="LINK"),
    json_out: bool = o.JSON,
) -> int:
    """Plan every radio hop: distance, received level, fade margin, clearance, MCS, capacity, availability.

    Exit 0 when no hop is in error (warnings allowed), 1 when any is, 2 when the inventory cannot be read.

    Examples:
      countynet radio --town thika
      countynet radio --link thk-police --json
    """
    model = load_model(state.inventory)
    model.select(towns=town)  # unknown towns: one line, exit 2
    links = [lp for lp in model.radio.select() if not town or lp.town in town]
    if link:
        missing = [name for name in link if not model.radio.select(None, name)]
        if missing:
            raise CountynetError(f"no radio link or station {missing[0]!r}", "see `countynet radio` for the names")
        chosen = {lp.id for name in link for lp in model.radio.select(None, name)}
        links = [lp for lp in links if lp.id in chosen]
    if want_json(json_out):
        print_json(
            {
                "links": [lp.as_dict() for lp in links],
                "summary": {v: sum(lp.verdict == v for lp in links) for v in ("ok", "warning", "error")},
            }
        )
    else:
        table("Radio plan (Rx level and margin in dB of the weaker direction)", COLUMNS,
              [_row(lp) for lp in links], ids=["link/station"], right=[c for c in COLUMNS if c not in
              ("link/station", "MCS", "verdict")])  # fmt: skip
        if not mode.quiet:
            for lp in links:
                if lp.reasons:
                    console.print(f"{lp.name}: {'; '.join(lp.reasons)}", style=STYLE[lp.verdict], markup=False)
        bad = sum(lp.verdict == "error" for lp in links)
        warn = sum(lp.verdict == "warning" for lp in links)
        summary(f"{len(links)} radio hops: {bad} in error, {warn} with warnings")
    return FINDINGS if any(lp.verdict == "error" for lp in links) else OK
