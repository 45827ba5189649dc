"""`countynet verify` and `countynet rollout` (the main job): parse, call the job, print."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from countynet.cli import options as o
from countynet.cli.deploy_cmds import device_printer, print_summary
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, mode, print_json, say, summary, table, want_json
from countynet.errors import CountynetError
from countynet.jobs.verify import CONVERGENCE_WAIT_S

if TYPE_CHECKING:
    from countynet.verify.results import VerifyReport

WAIT = typer.Option(CONVERGENCE_WAIT_S, "--wait", metavar="SECONDS",
                    help="Wait up to this long for convergence before judging (0: judge at once).")  # fmt: skip


def write_outputs(report: VerifyReport, junit: Path | None, markdown: Path | None) -> None:
    from countynet.report.formats import to_junit, to_markdown

    for path, text in ((junit, to_junit(report) if junit else ""), (markdown, to_markdown(report) if markdown else "")):
        if path is None:
            continue
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CountynetError(f"cannot write {path}: {exc.strerror or exc}", "choose a writable path") from None


def print_verify(report: VerifyReport) -> None:
    for c in report.failed:
        console.print(f"[red]{c.status:>11}[/] {c.town} {c.device} {c.kind} {c.target}: {c.detail}",
                      soft_wrap=True, highlight=False)  # fmt: skip
    if mode.verbose:
        for c in report.checks:
            if not c.bad:
                say(f"[green]{c.status:>11}[/] {c.town} {c.device} {c.kind} {c.target} {c.detail}")
    rows = [[town, f"{r['sites_ok']}/{r['sites']}", r["checks"], r["ok"], r["failed"]]
            for town, r in sorted(report.by_town().items())]  # fmt: skip
    table(f"verify ({report.seconds:.1f} s, {report.attempts} attempt(s))",
          ["town", "sites verified", "checks", "ok", "failed"], rows, ids=["town"],
          right=["sites verified", "checks", "ok", "failed"])  # fmt: skip
    unmeasured = sum(c.status == "not-measurable" for c in report.checks)
    summary(f"verify: {len(report.checks) - len(report.failed)}/{len(report.checks)} checks ok, "
            f"{len(report.failed)} failed" + (f", {unmeasured} not measurable here" if unmeasured else ""))  # fmt: skip
    note = report.stand_in_note()
    if note:
        say(f"[dim]{note}[/]")


def _say_waiting(msg: str) -> None:
    """While verify waits, a pass that still finds unconverged checks is progress, not a verdict."""
    if mode.quiet:
        return
    m = re.match(r"attempt \d+: (\d+) of", msg)
    text = ("converged: " if m and m.group(1) == "0" else "not converged yet: ") + msg if m else msg
    console.print(f"[dim]{text}[/]", soft_wrap=True, highlight=False)


@app.command("verify")
@guarded
def verify_cmd(
    town: list[str] = o.TOWN,
    site: list[str] = o.SITE,
    host: list[str] = o.HOST,
    limit: str = o.LIMIT,
    target: str = o.TARGET,
    lab_name: str = o.LAB,
    wait: float = WAIT,
    workers: int = typer.Option(10, "--workers", help="Devices collected from at once."),
    user: str = o.USER,
    key_file: Path = o.KEY,
    ask_pass: bool = o.ASK_PASS,
    json_out: bool = o.JSON,
    junit: Path = typer.Option(None, "--junit", help="Write JUnit XML here (CI).", metavar="FILE"),
    markdown: Path = typer.Option(None, "--markdown", help="Write a Markdown report here (pull request, ticket).",
                                  metavar="FILE"),
    recordings: Path = typer.Option(None, "--recordings", metavar="DIR",
                                    help="Judge the radio hops from recorded radio outputs (<radio>/<command>.txt)."),
) -> int:
    """Prove that every agency reaches NOFBI and each shared service it uses (and no other).

    Waits for convergence first (default 90 s, the same as rollout), then judges. Results are kept
    per target, so `countynet status` shows lab and field apart and a one-site verify changes only
    that site's state.

    Examples:
      countynet verify --target lab --lab-name phase3 --junit verify.xml
      countynet verify --target field --site thk-police --wait 0
    """
    from countynet.jobs.verify import VerifyJob, verify
    from countynet.model import open_model

    tgt = o.target(target, lab_name, user, key_file, ask_pass)
    job = VerifyJob(o.selection(town, site, host, limit), tgt, wait, workers, recordings)
    if not want_json(json_out) and wait > 0:
        say(f"verify: waiting up to {wait:.0f} s for convergence (--wait 0 judges at once)")
    report = verify(open_model(state.inventory), job, _say_waiting if not want_json(json_out) else lambda _m: None)
    write_outputs(report, junit, markdown)
    if want_json(json_out):
        from countynet.report.formats import to_json

        console.file.write(to_json(report) + "\n")
    else:
        print_verify(report)
    return OK if report.ok else FINDINGS


# size: a typer command: its length is its option list; the body parses, calls one job, prints
@app.command("rollout")
@guarded
def rollout_cmd(
    town: list[str] = o.TOWN,
    site: list[str] = o.SITE,
    host: list[str] = o.HOST,
    limit: str = o.LIMIT,
    target: str = o.TARGET,
    lab_name: str = o.LAB,
    revert_in: int = typer.Option(120, "--revert-in", help="Device-side revert timer of each commit (s)."),
    canary: int = typer.Option(1, "--canary", help="Devices deployed first, alone."),
    max_failures: int = typer.Option(3, "--max-failures", help="Stop the rollout after this many failed devices."),
    wait: float = WAIT,
    workers: int = typer.Option(0, "--workers", help="Devices handled at once (0: the deploy 16 per CPU core, at most "
                                "64; verify 10)."),
    overlap_towns: bool = typer.Option(True, "--overlap-towns/--town-by-town",
                                       help="Towns side by side (each still edge inwards), or one town after another."),
    fresh_lab: bool = typer.Option(True, "--fresh-lab/--reuse-lab", help="With --target lab: rebuild the lab bare first."),
    out: Path = typer.Option(Path("rendered"), "--out", help="Where the rendered configs are written.", metavar="DIR"),
    junit: Path = typer.Option(None, "--junit", help="Write the verify JUnit XML here.", metavar="FILE"),
    markdown: Path = typer.Option(None, "--markdown", help="Write the verify Markdown report here.", metavar="FILE"),
    user: str = o.USER,
    key_file: Path = o.KEY,
    ask_pass: bool = o.ASK_PASS,
    vault_file: Path = o.VAULT,
    vault_password_file: Path = o.VAULT_PASS,
    json_out: bool = o.JSON,
) -> int:
    """The main job: validate -> allocate check -> radio plan -> render -> deploy -> verify, per town.

    With --target lab the virtual lab is built first, bare, so the deploy is what makes it route.

    Examples:
      countynet rollout --target lab --lab-name phase3
      countynet rollout --target lab --town mwingi --lab-name mw --junit mw.xml
    """
    from countynet.deploy.engine import DeployOptions
    from countynet.jobs.rollout import RolloutJob, rollout
    from countynet.model import open_model

    as_json = want_json(json_out)
    job = RolloutJob(
        o.selection(town, site, host, limit),
        o.target(target, lab_name, user, key_file, ask_pass, vault_file, vault_password_file),
        DeployOptions(True, revert_in, canary, None, max_failures, 30.0, overlap_towns),
        wait, fresh_lab, out, workers,
    )  # fmt: skip
    progress, printer = device_printer(False, bar=not as_json and not mode.quiet)
    with progress:  # type: ignore[attr-defined]
        res = rollout(open_model(state.inventory), job, (lambda _m: None) if as_json else _say_step, printer)
    write_outputs(res.verify, junit, markdown)
    if as_json:
        print_json({"towns": res.towns, "deploy_run": res.deploy.run_id, "verify_ok": res.verify.ok,
                    "seconds": {k: round(v, 1) for k, v in res.seconds.items()}})  # fmt: skip
        return OK if res.ok else FINDINGS
    print_summary(res.deploy)
    for c in res.verify.failed:
        console.print(f"[red]{c.status}[/] {c.town} {c.device} {c.kind} {c.target}: {c.detail}", soft_wrap=True)
    cols = ["town", "sites planned", "deployed", "verified", "devices", "checks failed"]
    rows = [[r["town"], r["planned"], r["deployed"], r["verified"], r["devices"], r["failed_checks"]] for r in res.towns]
    table(f"rollout ({target}), {res.seconds.get('total', 0):.0f} s", cols, rows, ids=["town"], right=cols[1:])
    verified = sum(r["verified"] for r in res.towns)
    planned = sum(r["planned"] for r in res.towns)
    summary(f"rollout ({target}): {verified}/{planned} sites verified in {len(res.towns)} town(s), "
            f"{len(res.deploy.failed)} device(s) failed, {res.seconds.get('total', 0):.0f} s")  # fmt: skip
    return OK if res.ok else FINDINGS


def _say_step(msg: str) -> None:
    head, _, tail = msg.partition(":")
    say(f"[green]{head}[/]:{tail}" if tail else msg)
