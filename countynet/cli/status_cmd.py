"""`countynet status`: progress against the inventory's targets, lab and field apart."""

from __future__ import annotations

import typer

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import OK, console, guarded, mode, print_json, summary, table, want_json


@app.command("status")
@guarded
def status_cmd(
    target: list[str] = typer.Option([], "--target", help="field or lab (repeatable; default: both).",
                                     metavar="field|lab"),
    sites: bool = typer.Option(False, "--sites", help="Also list every site with its state."),
    json_out: bool = o.JSON,
) -> int:
    """Rollout progress against the targets in network.yml (`targets:`), per target.

    Deployed counts commit runs of that target only; verified is cumulative per site (a one-site
    verify updates that site alone).

    Examples:
      countynet status
      countynet status --target field --sites
    """
    from countynet.jobs.status import status
    from countynet.model import open_model

    model = open_model(state.inventory)
    results = [status(model, t) for t in (target or ["field", "lab"])]
    if want_json(json_out):
        print_json(results[0].as_dict() if len(results) == 1 else {r.target: r.as_dict() for r in results})
        return OK
    for res in results:
        tot = res.total()
        lab = res.target == "lab"
        rows = [[r["town"], r["sites"], r["deployed"], r["verified"], "-" if lab else r["accepted"], r["failed"]]
                for r in res.towns()]  # fmt: skip
        rows.append([f"total ({tot['towns_complete']}/{res.target_towns} towns complete)",
                     f"{tot['sites']}/{res.target_sites}", f"{tot['deployed']}/{res.target_sites}",
                     f"{tot['verified']}/{res.target_sites}",
                     "not measurable" if lab else f"{tot['accepted']}/{res.target_sites}", tot["failed"]])  # fmt: skip
        cols = ["town", "sites", "deployed", "verified", "accepted (radio)", "failed"]
        table(f"{res.label} status: {res.target} ({res.runs} commit run(s))", cols, rows, ids=["town"],
              right=cols[1:])  # fmt: skip
        if sites or mode.verbose:
            table(f"sites ({res.target})", ["site", "town", "state"],
                  [[s.site, s.town, s.state] for s in res.sites], ids=["site"])  # fmt: skip
        for note in res.notes:
            console.print(f"[dim]note: {note}[/]", soft_wrap=True)
        summary(f"{res.target}: {tot['verified']}/{res.target_sites} sites verified, {tot['deployed']} deployed, "
                f"{tot['towns_complete']}/{res.target_towns} towns complete")  # fmt: skip
    return OK
