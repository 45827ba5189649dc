"""`countynet awx export`: AWX job templates, workflows and credential types as code (countynet.awx)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import OK, console, guarded, print_json, want_json
from countynet.errors import CountynetError

awx_app = typer.Typer(help="Run countynet on AWX / Ansible Automation Platform.", no_args_is_help=True)
app.add_typer(awx_app, name="awx")


@awx_app.command("export")
@guarded
def export_cmd(
    town: list[str] = typer.Option([], "--town", help="Only these towns, in this rollout order (repeatable)."),
    out: Path = typer.Option(Path("awx"), "--out", help="Folder for apply.yml and credential_types/."),
    scm_url: str = typer.Option(None, "--scm-url", help="Git URL of this repository (default: its origin)."),
    scm_branch: str = typer.Option("main", "--scm-branch", help="Branch the jobs run from."),
    rollback_ref: str = typer.Option("last-good", "--rollback-ref", help="Git ref the rollback job deploys."),
    organization: str = typer.Option("Default", "--organization", help="AWX organization."),
    project: str = typer.Option("countynet", "--project", help="Name of the AWX project (prefix of every object)."),
    ee_image: str = typer.Option(None, "--ee-image", help="Execution environment image (see execution-environment.yml)."),
    wave_size: int = typer.Option(3, "--wave-size", help="Towns per wave after the first (canary) wave."),
    verify_slices: int = typer.Option(2, "--verify-slices", help="Job slices of the per-host verify job."),
    regions: bool = typer.Option(True, "--regions/--no-regions", help="Run each town's jobs on its region's instance group."),
    json_out: bool = o.JSON,
) -> int:
    """Write AWX objects as code: apply.yml (awx.awx tasks) and the credential type definitions.

    apply.yml creates credential types, region instance groups, the execution environment, the project,
    the inventory and its project source, the job templates, a workflow per rollout wave and one for
    the whole rollout. Apply it with the awx.awx collection (docs/awx.md).

    Examples:
      countynet awx export --scm-url https://git.example/countynet.git
      countynet awx export --town mwingi --town thika --wave-size 2 --out awx-phase3
    """
    from countynet.awx import AwxOptions, export_awx, write_export
    from countynet.awx.export import origin_url

    url = scm_url or origin_url(state.inventory)
    if not url:
        raise CountynetError("no --scm-url and the inventory is not in a git checkout with an origin",
                             "pass --scm-url https://.../your-countynet-repo.git")  # fmt: skip
    opts = AwxOptions(url, organization, project, scm_branch, rollback_ref, towns=tuple(town), wave_size=wave_size,
                      verify_slices=verify_slices, regions=regions)  # fmt: skip
    if ee_image:
        opts = replace(opts, ee_image=ee_image)
    export = export_awx(state.inventory, opts)
    files = write_export(export, out)
    counts: dict[str, int] = {}
    for module, _params in export.tasks:
        counts[module.rsplit(".", 1)[1]] = counts.get(module.rsplit(".", 1)[1], 0) + 1
    if want_json(json_out):
        print_json({"files": [str(f) for f in files], "objects": counts, "waves": export.waves})
        return OK
    for number, wave in enumerate(export.waves, 1):
        devices = sum(export.devices.get(t, 0) for t in wave)
        console.print(f"wave {number}: {', '.join(wave)} ({devices} devices)", markup=False)
    console.print(", ".join(f"{n} {k}" for k, n in counts.items()), markup=False)
    console.print(f"wrote {', '.join(str(f) for f in files[:1])} and {len(files) - 1} credential type(s)", markup=False)
    return OK
