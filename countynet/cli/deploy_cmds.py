"""`countynet deploy` and `countynet runs`: parse, call the deploy job, print."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, mode, print_json, summary, table, want_json

if TYPE_CHECKING:
    from countynet.deploy.engine import DeployReport, DeviceResult

STYLE = {
    "changed": "green",
    "unchanged": "dim",
    "would-change": "cyan",
    "failed": "red",
    "reverted": "red",
    "skipped": "yellow",
    "pending": "bold red",
}
COUNTED = ("changed", "unchanged", "would-change", "failed", "reverted", "pending", "skipped")


def device_printer(show_diff: bool, bar: bool = False) -> tuple[object, DeviceResultPrinter]:
    """A progress bar (when asked) and a per-device line printer for deploy results."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("deploy"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        TimeElapsedColumn(), console=console.target, transient=True, disable=not bar,
    )  # fmt: skip
    return progress, DeviceResultPrinter(progress, show_diff, bar)


class DeviceResultPrinter:
    def __init__(self, progress: object, show_diff: bool, bar: bool) -> None:
        self.progress, self.show_diff, self.bar = progress, show_diff, bar
        self.task = None

    def __call__(self, res: DeviceResult) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=1, description=f"{res.device}: {res.status}")  # type: ignore[attr-defined]
        quiet = mode.quiet or (self.bar and res.status not in ("failed", "reverted"))
        if quiet:
            return
        line = f"[{STYLE.get(res.status, '')}]{res.status:>12}[/] {res.device}"
        if res.error:
            line += f"  [dim]{res.error}[/]"
        console.print(line, soft_wrap=True, highlight=False)
        if self.show_diff and res.diff and res.status in ("would-change", "failed", "reverted"):
            console.print(res.diff, markup=False, highlight=False, soft_wrap=True)


def print_summary(report: DeployReport) -> None:
    counts = report.counts()
    table(f"deploy {report.run_id} ({report.mode})", COUNTED, [[str(counts.get(c, 0)) for c in COUNTED]],
          right=COUNTED)  # fmt: skip
    line = f"deploy {report.run_id}: " + ", ".join(f"{c} {counts[c]}" for c in COUNTED if counts.get(c))
    summary(line or f"deploy {report.run_id}: nothing to do")
    if report.stopped:
        console.print(f"[bold red]{report.stopped}[/]", soft_wrap=True)


# size: a typer command: its length is its option list; the body parses, calls one job, prints
@app.command("deploy")
@guarded
def deploy_cmd(
    town: list[str] = o.TOWN,
    site: list[str] = o.SITE,
    host: list[str] = o.HOST,
    limit: str = o.LIMIT,
    target: str = o.TARGET,
    lab_name: str = o.LAB,
    commit: bool = typer.Option(False, "--commit", help="Apply. Without it: a dry run showing each device's diff."),
    revert_in: int = typer.Option(120, "--revert-in", help="Seconds before an unconfirmed commit reverts on the device."),
    canary: int = typer.Option(0, "--canary", help="Deploy this many devices first, alone."),
    batch_size: int = typer.Option(0, "--batch-size", help="At most this many devices at once (0: a whole depth level)."),
    max_failures: int = typer.Option(1, "--max-failures", help="Stop after this many failed devices."),
    health_timeout: float = typer.Option(30.0, "--health-timeout", help="Seconds the health gate waits for recovery."),
    workers: int = typer.Option(0, "--workers", help="Devices handled at once within a stage (0: 16 per CPU core, "
                                "at most 64; a device mostly waits out its health gate)."),
    resume: str = typer.Option(None, "--resume", help="Continue an interrupted run (see `countynet runs`).",
                               metavar="RUN"),
    show_diff: bool = typer.Option(True, "--diff/--no-diff", help="Print diffs of devices that would change."),
    candidate: Path = typer.Option(None, "--candidate", metavar="FILE",
                                   help="A hand-edited config for the one --host, deployed through the same locks, "
                                        "gate and journal (--config is the countynet.toml)."),
    user: str = o.USER,
    key_file: Path = o.KEY,
    ask_pass: bool = o.ASK_PASS,
    vault_file: Path = o.VAULT,
    vault_password_file: Path = o.VAULT_PASS,
    json_out: bool = o.JSON,
) -> int:
    """Push rendered configs: backup -> diff -> (dry run stops) -> commit-confirm -> health gate -> confirm.

    Devices are changed from the edge of each town inwards, so no change cuts the path to a
    device that still waits for its own. Every run keeps a journal under .countynet/runs/; the
    security baseline runs first and stops the deploy before anything connects.

    Examples:
      countynet deploy --target lab --lab-name phase3                 # dry run: diffs only
      countynet deploy --target field --town thika --commit --canary 1
      countynet deploy --limit 'town_mwingi:&role_agency' --commit --vault-file secrets.vault
      countynet deploy --resume 20261201T101500-4242
      countynet deploy --target field --host thk-hub --candidate thk-hub.fixed.conf --commit
    """
    from countynet.deploy.engine import DeployOptions
    from countynet.jobs.deploy import DeployJob, deploy
    from countynet.model import open_model

    job = DeployJob(
        o.selection(town, site, host, limit),
        o.target(target, lab_name, user, key_file, ask_pass, vault_file, vault_password_file),
        DeployOptions(commit, revert_in, canary, batch_size or None, max_failures, health_timeout),
        resume,
        workers,
        config=str(candidate.resolve()) if candidate else None,
    )
    as_json = want_json(json_out)
    progress, printer = device_printer(show_diff and not as_json)
    with progress:  # type: ignore[attr-defined]
        report = deploy(open_model(state.inventory), job, None if as_json else printer)
    if as_json:
        print_json({"run": report.run_id, "mode": report.mode, "stopped": report.stopped,
                    "counts": report.counts(), "gate_hold_s": report.holds,
                    "devices": [r.as_dict() for r in report.results]})  # fmt: skip
    else:
        print_summary(report)
    return FINDINGS if report.failed or report.stopped else OK


@app.command("runs")
@guarded
def runs_cmd(json_out: bool = o.JSON) -> int:
    """List deploy runs from their journals (newest last).

    Examples:
      countynet runs
      countynet runs --json | jq '.[-1].run_id'
    """
    from countynet.deploy.journal import list_runs

    runs = list_runs()
    if want_json(json_out):
        print_json([vars(r) for r in runs])
        return OK
    rows = []
    for r in runs:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r.started)) if r.started else "?"
        outcome = ", ".join(f"{k} {v}" for k, v in sorted(r.counts.items()))
        rows.append([r.run_id, when, r.user, r.mode, str(r.devices), outcome, "yes" if r.ended else "[red]no[/]"])
    table("deploy runs", ["run", "started (UTC)", "user", "mode", "devices", "outcome", "finished"], rows,
          ids=["run", "started (UTC)"])  # fmt: skip
    for r in runs:
        for problem in r.problems:  # unreadable lines are skipped, never fatal
            console.print(f"run {r.run_id}: journal {problem} (skipped)", markup=False, highlight=False, soft_wrap=True)
    summary(f"{len(runs)} run(s)" + (f"; newest {runs[-1].run_id}" if runs else ""))
    return OK
