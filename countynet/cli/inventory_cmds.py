"""Commands over the inventory itself: validate, allocate, rules."""

from __future__ import annotations

import typer
from rich.table import Table

from countynet.allocate.allocator import allocate as allocate_addresses
from countynet.allocate.lockfile import write_lock
from countynet.checks.engine import validate as run_validate
from countynet.checks.registry import all_rules
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, INPUT_ERROR, OK, console, guarded, print_json
from countynet.inventory.loader import load
from countynet.inventory.topology import build

JSON = typer.Option(False, "--json", help="Machine-readable output.")


@app.command()
@guarded
def validate(json_out: bool = JSON) -> int:
    """Check the inventory: schema, references, addressing, radio plan, security.

    Prints one line per finding as `file:line:col: RULE severity: message (hint)`.
    Exit 0 when clean (warnings allowed), 1 on errors, 2 when the files cannot be read.
    """
    report = run_validate(state.inventory)
    if json_out:
        print_json(
            {
                "summary": {**report.summary, "errors": report.errors, "warnings": report.warnings},
                "seconds": round(report.seconds, 3),
                "findings": [f.as_dict() for f in report.findings],
            }
        )
    else:
        for f in report.findings:
            style = "red" if f.severity == "error" else "yellow"
            console.print(f.format(), style=style, markup=False, soft_wrap=True)
        s = report.summary
        if report.context is None:
            console.print(f"[red]inventory could not be loaded[/]: {report.errors} error(s)")
        else:
            console.print(
                f"{s['towns']} towns, {s['sites']} agency sites, {s['devices']} devices, {s['links']} links: "
                f"[{'red' if report.errors else 'green'}]{report.errors} errors[/], "
                f"[{'yellow' if report.warnings else 'green'}]{report.warnings} warnings[/] "
                f"({report.seconds:.2f} s)"
            )
    if report.context is None:
        return INPUT_ERROR
    return FINDINGS if report.errors else OK


@app.command()
@guarded
def allocate(
    release: bool = typer.Option(False, "--release", help="Free the addresses of objects no longer in the inventory."),
    check: bool = typer.Option(
        False, "--check", help="Only report whether allocations.yml is current (exit 1 if not)."
    ),
    json_out: bool = JSON,
) -> int:
    """Assign addresses into inventory/allocations.yml, keeping every existing assignment."""
    result = load(state.inventory)
    if result.inventory is None:
        for f in result.findings:
            console.print(f.format(), style="red", markup=False, soft_wrap=True)
        return INPUT_ERROR
    inv = result.inventory
    alloc = allocate_addresses(inv, build(inv), release=release)
    current = inv.lock == alloc.to_lock()
    wrote = None
    if not check and not current and not alloc.shortages:
        wrote = write_lock(inv.root, alloc.to_lock())
    if json_out:
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
            console.print(f"[red]pool exhausted[/]: {s.town} {s.pool}: no room for {s.key} (/{s.size})")
        verb = "would add" if check else "added"
        console.print(
            f"{verb} {len(alloc.added)}, moved {len(alloc.moved)}, released {len(alloc.released)}; "
            + ("lock is current" if current else f"wrote {wrote}" if wrote else "lock is NOT current")
        )
    if alloc.shortages:
        return FINDINGS
    return FINDINGS if check and not current else OK


@app.command()
@guarded
def rules(json_out: bool = JSON) -> int:
    """List every check with its id, severity and what it looks for."""
    rows = all_rules()
    if json_out:
        print_json([dict(zip(("id", "name", "severity", "scope", "description"), r, strict=True)) for r in rows])
        return OK
    table = Table("id", "name", "severity", "scope", "description")
    for r in rows:
        table.add_row(*r)
    console.print(table)
    return OK
