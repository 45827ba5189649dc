"""`countynet plan town NAME --sites FILE`: propose a town file from a site list (countynet.planner)."""

from __future__ import annotations

from pathlib import Path

import typer

from countynet.cli.main import app, state
from countynet.cli.output import OK, console, guarded, print_json

plan_app = typer.Typer(help="Propose inventory from site lists, for review.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("town")
@guarded
def town(
    name: str = typer.Argument(..., help="Town name: towns/NAME.yml (a stub there gives the header)."),
    sites: Path = typer.Option(..., "--sites", help="Site list: CSV or GeoJSON (name, agency, kind, lat, lon, ...)."),
    towers: Path | None = typer.Option(None, "--towers", help="Candidate towers (CSV/GeoJSON: name, lat, lon, ...)."),
    dem: Path | None = typer.Option(None, "--dem", help="SRTM .hgt tile (or folder) for elevations and profiles."),
    replan: bool = typer.Option(False, "--replan", help="Start over instead of keeping what the town file plans."),
    out: Path | None = typer.Option(None, "--out", help="Write here instead of towns/NAME.yml."),
    county: str | None = typer.Option(None, "--county", help="County, when no stub gives it."),
    pop: str | None = typer.Option(None, "--pop", help="NOFBI PoP name (default: the nearest)."),
    lat: float | None = typer.Option(None, "--lat", help="Town centre latitude (default: stub, county HQ, centroid)."),
    lon: float | None = typer.Option(None, "--lon", help="Town centre longitude."),
    prefix: str | None = typer.Option(None, "--prefix", help="Device name prefix (default: stub hub or NAME[:3])."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable summary."),
) -> int:
    """Plan towers, sectors, PtP links and relays, channels and power for a town; write it as a proposal.

    The previous file (and nofbi.yml, when a handoff placeholder is added) is kept as .bak.
    Then: `countynet allocate`, `countynet validate`, `countynet diff`.

    Examples:
      countynet plan town kitui --sites kitui-sites.csv
      countynet plan town kitui --sites sites.geojson --towers towers.csv --dem S02E038.hgt
      countynet plan town kitui --sites kitui-sites.csv --replan --out /tmp/kitui.yml
    """
    from countynet.planner.header import Options
    from countynet.planner.town import plan_town

    res = plan_town(state.inventory, name, sites, towers, dem, replan, out, Options(county, lat, lon, pop, prefix))
    if json_out:
        print_json(
            {
                "file": str(res.path),
                "backup": str(res.backup) if res.backup else None,
                "mode": res.mode,
                "seconds": round(res.seconds, 3),
                "stats": res.stats.as_dict(),
                "findings": res.findings,
                "notes": res.notes,
            }
        )
        return OK
    st = res.stats
    console.print(f"{res.path}: {res.mode} plan in {res.seconds:.2f} s", markup=False)
    console.print(
        f"  {st.sites} sites: {st.fibre} fibre, {st.sector_sites} on {st.sectors} sectors of {st.towers} towers, "
        f"{st.ptp_sites} by PtP/relay; {st.hops_meeting_target}/{st.hops} hops meet the margin target "
        f"(lowest {st.lowest_margin_db:g} dB); {st.channels_used} channels, {st.conflicts} conflicts",
        markup=False,
        soft_wrap=True,
    )
    for f in res.findings:
        console.print(f"  finding: {f}", style="yellow", markup=False, soft_wrap=True)
    if res.backup:
        console.print(f"  previous file kept as {res.backup}", markup=False)
    if res.nofbi_backup:
        console.print(f"  nofbi.yml gained a handoff placeholder (previous: {res.nofbi_backup})", markup=False)
    console.print("  next: countynet allocate && countynet validate && countynet diff", markup=False)
    return OK
