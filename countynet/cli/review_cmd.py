"""`countynet diff`: the change plan of a pull request (computation lives in countynet.review)."""

from __future__ import annotations

from pathlib import Path

import typer

from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, print_json, want_json
from countynet.errors import CountynetError


@app.command("diff")
@guarded
def diff_cmd(
    base: str = typer.Option(..., "--base", help="Git revision to compare with (e.g. origin/main)."),
    head: str = typer.Option(None, "--head", help="Git revision of the change (default: the working tree)."),
    markdown: Path = typer.Option(None, "--markdown", help="Also write the plan as a pull-request comment here."),
    json_out: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
    changed_towns: bool = typer.Option(
        False, "--changed-towns", help="Print only the towns to verify, one per line (for CI)."
    ),
    full: bool = typer.Option(False, "--full", help="Compare every town, not just those whose files changed."),
) -> int:
    """Per-device config diff, address, radio and site changes, and the head's findings: exit 1 on errors.

    Examples:
      countynet diff --base origin/main
      countynet diff --base origin/main --markdown plan.md     # a pull-request comment
      countynet diff --base HEAD~1 --changed-towns             # towns CI should roll out in the lab
    """
    from countynet.review.markdown import to_markdown
    from countynet.review.plan import compute_plan
    from countynet.review.terminal import print_plan

    plan = compute_plan(state.inventory, base, head, full=full)
    if markdown is not None:
        try:
            markdown.write_text(to_markdown(plan), encoding="utf-8")
        except OSError as exc:
            raise CountynetError(f"cannot write {markdown}: {exc.strerror}", "pass a writable --markdown path") from exc
    if want_json(json_out):
        print_json(plan.as_dict())
    elif changed_towns:
        for town in plan.changed_towns:
            typer.echo(town)
    else:
        print_plan(plan, console.target)
    return FINDINGS if plan.errors else OK
