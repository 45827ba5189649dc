"""Commands: `render` (configs to disk, with the security baseline) and `intent` (one device's intent)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, mode, print_json, summary, want_json
from countynet.errors import CountynetError
from countynet.platforms import names as platform_names

PLATFORM = typer.Option(None, "--platform-override", metavar="|".join(sorted(platform_names())),
                        help="Render every device as this platform (lab stand-ins: frr).")  # fmt: skip


@app.command()
@guarded
def render(
    town: list[str] = o.TOWN,
    site: list[str] = o.SITE,
    host: list[str] = o.HOST,
    limit: str = o.LIMIT,
    out: Path = typer.Option(Path("rendered"), "--out", help="Folder for the rendered files.", metavar="DIR"),
    platform_override: str = PLATFORM,
    json_out: bool = o.JSON,
) -> int:
    """Render device configs into --out, rewriting only changed files; exit 1 if a baseline rule fails.

    Every file is checked by the security baseline (CN501-506) and by its platform's own rules
    (CN520: FRR's vtysh, RouterOS's command database); every field config is compared with its
    lab stand-in (CN510), which is what carries lab results over to the field. A file in the way
    that countynet did not write is kept as .bak.

    Examples:
      countynet render
      countynet render --town thika --town webuye --out rendered
      countynet render --platform-override frr --out lab-configs
    """
    from countynet.jobs.render import RenderOptions
    from countynet.jobs.render import render as render_job
    from countynet.model import load_model

    model = load_model(state.inventory)
    opts = RenderOptions(o.selection(town, site, host, limit), out, platform_override)
    as_json = want_json(json_out)
    if as_json or mode.quiet or len(model.topo.devices) < 200:
        result = render_job(model, opts)
    else:
        with Progress(TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console.target) as bar:  # fmt: skip
            task = bar.add_task("render", total=len(opts.selection.devices(model)))
            result = render_job(model, opts, progress=lambda n: bar.advance(task, n))
    s = result.summary
    assert s is not None
    if as_json:
        print_json({**s.as_dict(), "findings": [f.as_dict() for f in result.findings],
                    "equivalence": result.equivalence(), "out": str(out)})  # fmt: skip
    else:
        for f in result.findings:
            console.print(f.format(), style="red", markup=False, soft_wrap=True)
        summary(
            f"rendered {s.rendered}, changed {len(s.changed)}, unchanged {len(s.unchanged)}"
            + (f", kept {len(s.backups)} foreign file(s) as .bak" if s.backups else "")
            + (f", {len(result.findings)} finding(s)" if result.findings else "")
            + f" -> {out}"
        )
        eq = result.equivalence()
        if eq["checked"]:
            summary(f"{eq['rule']} field/stand-in equivalence: {eq['equal']} of {eq['checked']} field configs equal"
                    " their lab stand-in (what carries lab results over to the field)")  # fmt: skip
    return FINDINGS if result.findings else OK


@app.command()
@guarded
def intent(
    host: str = typer.Argument(..., help="Device name."),
    platform_override: str = PLATFORM,
    json_out: bool = o.JSON,
) -> int:
    """Show the fully-resolved intent of one device (secrets as references only).

    Examples:
      countynet intent thk-hub
      countynet intent thk-police --platform-override frr --json
    """
    from countynet.model import load_model

    model = load_model(state.inventory)
    if host not in model.topo.devices:
        raise CountynetError(f"no device named {host!r}", "see `countynet validate --json` for the devices")
    data = model.intents([host], platform_override)[host]
    if want_json(json_out):
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
