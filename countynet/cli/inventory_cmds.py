"""Commands over the inventory itself: validate, allocate, rules."""

from __future__ import annotations

import typer

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import (
    FINDINGS,
    INPUT_ERROR,
    OK,
    console,
    guarded,
    mode,
    print_json,
    summary,
    table,
    want_json,
)


@app.command()
@guarded
def validate(json_out: bool = o.JSON) -> int:
    """Check the inventory: schema, references, addressing, radio plan, security, capacity.

    Prints one line per finding as `file:line:col: RULE severity: message (hint)`.
    Exit 0 when clean (warnings allowed), 1 on errors, 2 when the files cannot be read.

    Examples:
      countynet validate
      countynet validate --inventory other/inventory --json
      countynet rules CN301            # what a finding means and how to fix it
    """
    from countynet.jobs.validate import validate as run_validate

    report = run_validate(state.inventory)
    if want_json(json_out):
        print_json(
            {
                "summary": {**report.summary, "errors": report.errors, "warnings": report.warnings},
                "seconds": round(report.seconds, 3),
                "findings": [f.as_dict() for f in report.findings],
            }
        )
    else:
        for f in report.findings:
            if f.severity == "error" or not mode.quiet:
                console.print(f.format(), style="red" if f.severity == "error" else "yellow", markup=False,
                              soft_wrap=True)  # fmt: skip
        s = report.summary
        if not report.summary:  # not loaded (a cached report has no model)
            summary(f"[red]inventory could not be loaded[/]: {report.errors} error(s)")
        else:
            summary(
                f"{s['towns']} towns, {s['sites']} agency sites, {s['devices']} devices, {s['links']} links: "
                f"[{'red' if report.errors else 'green'}]{report.errors} errors[/], "
                f"[{'yellow' if report.warnings else 'green'}]{report.warnings} warnings[/] "
                f"({report.seconds:.2f} s)"
            )
    if not report.summary:  # not loaded (a cached report has no model)
        return INPUT_ERROR
    return FINDINGS if report.errors else OK


@app.command()
@guarded
def allocate(
    release: bool = typer.Option(False, "--release", help="Free the addresses of objects no longer in the inventory."),
    check: bool = typer.Option(False, "--check", help="Only report whether allocations.yml is current (exit 1 if not)."),
    json_out: bool = o.JSON,
) -> int:
    """Assign addresses into inventory/allocations.yml, keeping every existing assignment.

    The previous lock is kept as allocations.yml.bak (ignored by git); the file keeps its mode.

    Examples:
      countynet allocate --check       # in CI: is the lock current?
      countynet allocate               # after adding a site
      countynet allocate --release     # after removing one, to free its addresses
    """
    from countynet.allocate.allocator import allocate as allocate_addresses
    from countynet.allocate.lockfile import write_lock
    from countynet.model import load_model

    model = load_model(state.inventory)
    alloc = allocate_addresses(model.inv, model.topo, release=release)
    current = model.inv.lock == alloc.to_lock()
    wrote = None
    if not check and not current and not alloc.shortages:
        wrote = write_lock(model.inv.root, alloc.to_lock())
    if want_json(json_out):
        print_json(
            {
                "current": current,
                "written": str(wrote) if wrote else None,
                "added": alloc.added,
                "moved": alloc.moved,
                "released": alloc.released,
                "shortages": [vars(s) for s in alloc.shortages],
            }
        )
    else:
        for line in alloc.moved:
            console.print(f"[bold red]MOVED[/] {line}", soft_wrap=True)
        for line in alloc.released:
            console.print(f"[yellow]released[/] {line}", soft_wrap=True)
        for s in alloc.shortages:
            console.print(f"[red]pool exhausted[/]: {s.town} {s.pool}: no room for {s.key} (/{s.size})", soft_wrap=True)
        verb = "would add" if check else "added"
        summary(
            f"{verb} {len(alloc.added)}, moved {len(alloc.moved)}, released {len(alloc.released)}; "
            + ("lock is current" if current else f"wrote {wrote}" if wrote else "lock is NOT current")
        )
    if alloc.shortages:
        return FINDINGS
    return FINDINGS if check and not current else OK


@app.command()
@guarded
def rules(
    rule_id: str = typer.Argument(None, help="A rule id (e.g. CN301): print its page.", metavar="[ID]"),
    markdown: bool = typer.Option(False, "--markdown", help="Every rule's page as Markdown (docs/rules.md)."),
    json_out: bool = o.JSON,
) -> int:
    """List every check with its id, severity and what it looks for; with an ID, the rule's page.

    Examples:
      countynet rules
      countynet rules CN301
      countynet rules --markdown > docs/rules.md
    """
    from countynet.checks.registry import all_rules
    from countynet.checks.rule_docs import markdown_all, page

    if rule_id:
        p = page(rule_id)
        if want_json(json_out):
            print_json(vars(p))
        else:
            console.print(p.markdown(), markup=False, soft_wrap=True)
        return OK
    if markdown:
        console.file.write(markdown_all() + "\n")
        return OK
    rows = all_rules()
    if want_json(json_out):
        print_json([dict(zip(("id", "name", "severity", "scope", "description"), r, strict=True)) for r in rows])
        return OK
    table("rules", ["id", "name", "severity", "scope", "description"], rows, ids=["id", "name"])
    summary(f"{len(rows)} rules; `countynet rules ID` explains one")
    return OK
