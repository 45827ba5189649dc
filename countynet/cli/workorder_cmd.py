"""`countynet workorder`: one installer's page per agency site, Markdown or printable HTML."""

from __future__ import annotations

from pathlib import Path

import typer

from countynet.cli.main import app, state
from countynet.cli.output import OK, console, guarded


@app.command("workorder")
@guarded
def workorder_cmd(
    town: str = typer.Option(..., "--town", help="The town whose sites get work orders."),
    site: str = typer.Option(None, "--site", help="Only this agency site."),
    out: Path = typer.Option(Path("workorders"), "--out", help="Folder for the files (one per site)."),
    fmt: str = typer.Option("md", "--format", help="md or html (printable, self-contained)."),
) -> int:
    """Write work orders: where, what to mount how high, azimuth/elevation, expected signal, ports, acceptance."""
    from countynet.accept.workorder_job import write_work_orders

    written = write_work_orders(state.inventory, town, site, out, fmt)
    for path in written:
        console.print(str(path), highlight=False)
    console.print(f"{len(written)} work order file(s) in {out}/")
    return OK
