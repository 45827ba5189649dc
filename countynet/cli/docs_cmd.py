"""`countynet docs`: the offline documentation site (maps, topology, per-device pages, rollout dashboard)."""

from __future__ import annotations

from pathlib import Path

import typer

from countynet.cli.main import app, state
from countynet.cli.options import JSON, TOWN
from countynet.cli.output import OK, console, guarded, print_json


@app.command("docs")
@guarded
def docs_cmd(
    out: Path = typer.Option(Path("site"), "--out", help="Folder for the site (open index.html).", metavar="DIR"),
    town: list[str] = TOWN,
    state_dir: Path = typer.Option(
        None,
        "--state",
        envvar="COUNTYNET_STATE",
        metavar="DIR",
        help="Where the deploy journals and verify results are (default .countynet).",
    ),
    workorders: Path = typer.Option(
        Path("workorders"),
        "--workorders",
        metavar="DIR",
        help="Work orders to link (as `countynet workorder` writes them).",
    ),
    json_out: bool = JSON,
) -> int:
    """Write a static, offline site: a map and topology per town, a page per device and rule, the rollout dashboard.

    Examples:
      countynet docs                      # site/index.html: the dashboard
      countynet docs --town thika --out /tmp/thika
    """
    from countynet.docsite import build_site

    res = build_site(state.inventory, out, town or None, state_dir, workorders)
    if json_out:
        print_json({"out": str(res.out), "towns": res.towns, "devices": res.devices, "files": res.files,
                    "seconds": round(res.seconds, 2)})  # fmt: skip
    else:
        console.print(
            f"docs: {res.towns} towns, {res.devices} device pages, {res.files} files in {res.out}/ "
            f"({res.seconds:.1f} s); open {res.out / 'index.html'}"
        )
    return OK
