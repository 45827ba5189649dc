"""`countynet radio`: the radio plan as a table or JSON (computation lives in countynet.radio.plan)."""

from __future__ import annotations

import math

import typer
from rich import box
from rich.table import Table

from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, INPUT_ERROR, OK, console, guarded, print_json
from countynet.errors import CountynetError
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.radio.plan import LinkPlan, plan_radio

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
    town: str | None = typer.Option(None, "--town", help="Only this town."),
    link: str | None = typer.Option(None, "--link", help="Only this PtP link or station (agency site)."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> int:
    """Plan every radio hop: distance, received level, fade margin, clearance, MCS, capacity, availability.

    Exit 0 when no hop is in error (warnings allowed), 1 when any is, 2 when the inventory cannot be read.
    """
    result = load(state.inventory)
    if result.inventory is None:
        for f in result.findings:
            console.print(f.format(), style="red", markup=False, soft_wrap=True)
        return INPUT_ERROR
    inv = result.inventory
    if town is not None and inv.town(town) is None:
        raise CountynetError(f"unknown town '{town}'", "towns are the files in towns/", state.inventory)
    plan = plan_radio(inv, build(inv))
    links = plan.select(town, link)
    if link is not None and not links:
        raise CountynetError(f"no radio link or station '{link}'", "see `countynet radio` for the names")
    if json_out:
        print_json(
            {
                "links": [lp.as_dict() for lp in links],
                "summary": {v: sum(lp.verdict == v for lp in links) for v in ("ok", "warning", "error")},
            }
        )
    else:
        table = Table(
            title="Radio plan (Rx level and margin in dB of the weaker direction)",
            box=box.SIMPLE_HEAD,
            collapse_padding=True,
            pad_edge=False,
        )
        for i, col in enumerate(COLUMNS):
            table.add_column(col, justify="left" if i in (0, 5, 8) else "right", no_wrap=i == 0)
        for lp in links:
            table.add_row(*_row(lp))
        console.print(table)
        for lp in links:
            if lp.reasons:
                console.print(f"{lp.name}: {'; '.join(lp.reasons)}", style=STYLE[lp.verdict], markup=False)
        bad = sum(lp.verdict == "error" for lp in links)
        warn = sum(lp.verdict == "warning" for lp in links)
        console.print(f"{len(links)} radio hops: {bad} in error, {warn} with warnings")
    return FINDINGS if any(lp.verdict == "error" for lp in links) else OK
