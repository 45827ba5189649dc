"""`countynet deploy` and `countynet runs`: thin commands over countynet.deploy."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, print_json

if TYPE_CHECKING:
    from countynet.deploy.engine import DeployOptions, DeployReport, DeviceResult
from countynet.errors import CountynetError

STYLE = {
    "changed": "green",
    "unchanged": "dim",
    "would-change": "cyan",
    "failed": "red",
    "reverted": "red",
    "skipped": "yellow",
}

TOWN = typer.Option(None, "--town", "-t", help="Only this town (repeatable).")
SITE = typer.Option(None, "--site", "-s", help="Only this agency site and its path to the hub (repeatable).")
TARGET = typer.Option("field", "--target", help="`field` (real devices) or `lab` (the virtual lab).")
LAB = typer.Option("countynet", "--lab-name", help="Which lab, with --target lab.")
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def run_deploy(
    towns: list[str] | None,
    sites: list[str] | None,
    target: str,
    lab_name: str,
    opts: DeployOptions,
    resume: str | None = None,
    show_diff: bool = True,
    quiet: bool = False,
    bar: bool = False,
) -> DeployReport:
    """Prepare, render and deploy; shared by `deploy` and `rollout`."""
    from countynet import pipeline
    from countynet.deploy.engine import deploy
    from countynet.deploy.journal import Journal

    if target not in ("field", "lab"):
        raise CountynetError(f"unknown target '{target}'", "use --target field or --target lab")
    prep = pipeline.prepare(state.inventory)
    if resume:
        start = Journal.open(resume).start_record()
        devices = set(start.get("devices", []))
        opts.commit = start.get("mode") == "commit"
    else:
        devices = pipeline.select(prep, towns, sites)
    lab = pipeline.lab_for(lab_name) if target == "lab" else None
    texts = pipeline.configs(prep, devices, platform_override="frr" if lab else None)
    payload, redact = pipeline.payloads(texts, lab.dir if lab else None)
    nr = pipeline.nornir(prep, lab.inventory_file if lab else None, devices)
    if target == "field":
        user = os.environ.get("COUNTYNET_USERNAME")
        password = os.environ.get("COUNTYNET_PASSWORD")
        for host in nr.inventory.hosts.values():
            host.username = host.username or user
            host.password = password

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("deploy"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        TimeElapsedColumn(), console=console, transient=True, disable=not bar,
    )  # fmt: skip
    task = progress.add_task("", total=len(devices))

    def show(res: DeviceResult) -> None:
        progress.update(task, advance=1, description=f"{res.device}: {res.status}")
        if res.status in ("failed", "reverted") and bar:
            console.print(f"[red]{res.status:>12}[/] {res.device}  [dim]{res.error}[/]", soft_wrap=True)
        if quiet:
            return
        line = f"[{STYLE.get(res.status, '')}]{res.status:>12}[/] {res.device}"
        if res.error:
            line += f"  [dim]{res.error}[/]"
        console.print(line, soft_wrap=True, highlight=False)
        if show_diff and res.diff and res.status in ("would-change", "failed", "reverted"):
            console.print(res.diff, markup=False, highlight=False, soft_wrap=True)

    with progress:
        return deploy(
            nr,
            payload,
            pipeline.targets(prep, devices),
            opts,
            health_prefixes=pipeline.health_prefixes(prep, devices),
            redact=redact,
            resume=resume,
            progress=show,
            target=target,
        )


def print_summary(report: DeployReport) -> None:
    counts = report.counts()
    table = Table(title=f"deploy {report.run_id} ({report.mode})")
    for col in ("changed", "unchanged", "would-change", "failed", "reverted", "skipped"):
        table.add_column(col, justify="right")
    table.add_row(
        *(str(counts.get(c, 0)) for c in ("changed", "unchanged", "would-change", "failed", "reverted", "skipped"))
    )
    console.print(table)
    if report.stopped:
        console.print(f"[bold red]{report.stopped}[/]")


@app.command("deploy")
@guarded
def deploy_cmd(
    town: list[str] = TOWN,
    site: list[str] = SITE,
    target: str = TARGET,
    lab_name: str = LAB,
    commit: bool = typer.Option(False, "--commit", help="Apply. Without it: a dry run showing each device's diff."),
    revert_in: int = typer.Option(
        120, "--revert-in", help="Seconds before an unconfirmed commit reverts on the device."
    ),
    canary: int = typer.Option(0, "--canary", help="Deploy this many devices first, alone."),
    batch_size: int = typer.Option(
        0, "--batch-size", help="At most this many devices at once (0: a whole depth level)."
    ),
    max_failures: int = typer.Option(1, "--max-failures", help="Stop after this many failed devices."),
    health_timeout: float = typer.Option(30.0, "--health-timeout", help="Seconds the health gate waits for recovery."),
    resume: str = typer.Option(None, "--resume", help="Continue an interrupted run (see `countynet runs`)."),
    show_diff: bool = typer.Option(True, "--diff/--no-diff", help="Print diffs of devices that would change."),
    json_out: bool = JSON,
) -> int:
    """Push rendered configs: backup -> diff -> (dry run stops) -> commit-confirm -> health gate -> confirm.

    Devices are changed from the edge of each town inwards, so no change cuts the path to a
    device that still waits for its own. Every run keeps a journal under .countynet/runs/.
    """
    from countynet.deploy.engine import DeployOptions

    opts = DeployOptions(commit, revert_in, canary, batch_size or None, max_failures, health_timeout)
    report = run_deploy(
        town or None, site or None, target, lab_name, opts, resume, show_diff and not json_out, json_out
    )
    if json_out:
        print_json({"run": report.run_id, "mode": report.mode, "stopped": report.stopped,
                    "counts": report.counts(), "devices": [r.as_dict() for r in report.results]})  # fmt: skip
    else:
        print_summary(report)
    return FINDINGS if report.failed or report.stopped else OK


@app.command("runs")
@guarded
def runs_cmd(json_out: bool = JSON) -> int:
    """List deploy runs from their journals (newest last)."""
    from countynet.deploy.journal import list_runs

    runs = list_runs()
    if json_out:
        print_json([vars(r) for r in runs])
        return OK
    table = Table("run", "started (UTC)", "user", "mode", "devices", "outcome", "finished")
    for r in runs:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r.started)) if r.started else "?"
        outcome = ", ".join(f"{k} {v}" for k, v in sorted(r.counts.items()))
        table.add_row(r.run_id, when, r.user, r.mode, str(r.devices), outcome, "yes" if r.ended else "[red]no[/]")
    console.print(table)
    return OK
