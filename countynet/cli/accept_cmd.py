"""`countynet accept`: the installation report, planned against measured for every radio hop."""

from __future__ import annotations

from pathlib import Path

import typer

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded


@app.command("accept")
@guarded
def accept_cmd(
    town: list[str] = typer.Option([], "--town", help="Only this town (repeatable)."),
    recordings: Path = typer.Option(
        None,
        "--recordings",
        help="Folder of recorded radio outputs: <radio>/<command>.txt (see docs of countynet.accept.recordings).",
    ),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output."),
    markdown: Path = typer.Option(None, "--markdown", help="Write the Markdown installation report here."),
    junit: Path = typer.Option(None, "--junit", help="Write JUnit XML here (CI)."),
    collect: bool = typer.Option(
        False, "--collect", help="Collect from the field radios that are inventory devices (stations, sector APs)."
    ),
    user: str = o.USER,
    key_file: Path = o.KEY,
    ask_pass: bool = o.ASK_PASS,
    out: Path = typer.Option(
        None, "--out", help="Write <town>.json/.md/.xml per town and rollout.json/.md/.xml for the whole rollout here."
    ),
) -> int:
    """Judge every planned radio hop against the plan (sector, Rx +/- tolerance, MCS, uptime).

    Exit 0 when every hop is accepted, 1 when any failed or was not measured.
    """
    from countynet.accept.formats import sector_lines, to_json, to_junit, to_markdown, to_table, write_reports
    from countynet.accept.run import run_acceptance

    field = o.target("field", "", user, key_file, ask_pass).access if collect else None
    if field is not None:
        field.check()
    report = run_acceptance(state.inventory, town or None, recordings, field)
    if markdown:
        markdown.write_text(to_markdown(report))
    if junit:
        junit.write_text(to_junit(report))
    if out:
        write_reports(report, out)
    if json_out:
        print(to_json(report))
    else:
        console.print(to_table(report))
        for h in report.hops:
            for f in h.failed:
                console.print(f"[red]{h.hop.lp.name}[/]: {f.detail} -> {f.cause}", soft_wrap=True, highlight=False)
        for line in sector_lines(report):
            console.print(f"[red]sector[/] {line}", soft_wrap=True, highlight=False)
    return OK if report.ok else FINDINGS
