"""`countynet init DIR`: write a starter repository (the work is countynet.starter.init_repository)."""

from __future__ import annotations

from pathlib import Path

import typer

from countynet.cli import options as o
from countynet.cli.main import app
from countynet.cli.output import OK, console, guarded, print_json, want_json
from countynet.starter import init_repository


@app.command()
@guarded
def init(
    directory: Path = typer.Argument(..., help="Folder for the new repository (created if missing)."),
    backup: bool = typer.Option(False, "--backup", help="Move existing files aside as *.bak instead of refusing."),
    json_out: bool = o.JSON,
) -> int:
    """Write a starter repository: a one-town inventory that validates, ansible.cfg, playbooks, CI, README.

    Refuses to overwrite any file (exit 2) unless --backup.

    Examples:
      countynet init my-county && cd my-county && countynet validate
      countynet init . --backup        # keep the files it would replace as *.bak
    """
    result = init_repository(directory, backup=backup)
    if want_json(json_out):
        print_json({"root": str(result.root), "written": result.written, "backups": result.backups,
                    "lock": result.lock})  # fmt: skip
        return OK
    for rel in result.written:
        note = f"  (old file kept as {result.backups[rel]})" if rel in result.backups else ""
        console.print(f"wrote {rel}{note}", markup=False)
    if result.lock:
        console.print(f"wrote {result.lock} (countynet allocate)", markup=False)
    console.print(f"next: cd {directory} && countynet validate && countynet render", markup=False)
    return OK
