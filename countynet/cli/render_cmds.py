"""Commands: `render` (configs to disk, with the security baseline) and `intent` (one device's intent)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, print_json
from countynet.errors import CountynetError
from countynet.render.pipeline import prepare, render_and_write

JSON = typer.Option(False, "--json", help="Machine-readable output.")


@app.command()
@guarded
def render(
    town: str | None = typer.Option(None, "--town", help="Only this town's devices."),
    host: list[str] = typer.Option([], "--host", help="Only this device (repeatable)."),
    out: Path = typer.Option(Path("rendered"), "--out", help="Folder for the rendered files."),
    platform_override: str | None = typer.Option(
        None, "--platform-override", help="Render every device as this platform (lab: frr)."
    ),
    json_out: bool = JSON,
) -> int:
    """Render device configs into --out, rewriting only changed files; exit 1 if a baseline rule fails."""
    model = prepare(state.inventory, town=town, hosts=host or None, platform_override=platform_override)
    if json_out or len(model.intents) < 200:
        result = render_and_write(model, out)
    else:
        with Progress(
            TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("render", total=len(model.intents))
            result = render_and_write(model, out, progress=lambda n: bar.advance(task, n))
    if json_out:
        print_json({**result.summary.as_dict(), "findings": [f.as_dict() for f in result.findings], "out": str(out)})
    else:
        for f in result.findings:
            console.print(f.format(), style="red", markup=False, soft_wrap=True)
        s = result.summary
        console.print(
            f"rendered {s.rendered}, changed {len(s.changed)}, unchanged {len(s.unchanged)}"
            + (f", kept {len(s.backups)} foreign file(s) as .bak" if s.backups else "")
            + f" -> {out}"
        )
    return FINDINGS if result.findings else OK


@app.command()
@guarded
def intent(
    host: str = typer.Argument(..., help="Device name."),
    platform_override: str | None = typer.Option(None, "--platform-override", help="As this platform (lab: frr)."),
    json_out: bool = JSON,
) -> int:
    """Show the fully-resolved intent of one device (secrets as references only)."""
    model = prepare(state.inventory, hosts=[host], platform_override=platform_override)
    if host not in model.intents:
        raise CountynetError(f"no device named {host!r}", "see `countynet validate` for the devices of the inventory")
    data = model.intents[host]
    if json_out:
        print_json(data)
        return OK
    console.print(f"[bold]{host}[/] {data['role']} in {data['town']}, {data['platform']} {data['model']}")
    for f in data["interfaces"]:
        peer = f" -> {f['peer']} {f['peer_address'] or ''}" if f["peer"] else ""
        console.print(f"  {f['name']:<24} {f['logical']:<14} {f['kind']:<10} {f['address']}{peer}", markup=False)
    if data["bgp"]:
        for n in data["bgp"]["neighbors"]:
            console.print(
                f"  bgp AS{data['bgp']['asn']} -> {n['address']} AS{n['remote_as']} accept {', '.join(n['accept'])}"
            )
    for acl in data["acls"]:
        console.print(
            f"  acl {acl['name']} on {', '.join(acl['interfaces'])}: services {', '.join(acl['services']) or '-'}"
        )
    for p in data["problems"]:
        console.print(f"  [yellow]problem[/]: {p}")
    return OK
