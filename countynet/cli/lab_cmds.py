"""`countynet lab ...`: thin commands over countynet.lab (bring up, inspect, enter, remove labs)."""

from __future__ import annotations

import os
from typing import Any

import typer
from rich.table import Table

from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, INPUT_ERROR, OK, console, guarded, print_json
from countynet.errors import CountynetError

lab_app = typer.Typer(help="The virtual lab: every device as a namespace with FRR and sshd.", no_args_is_help=True)
app.add_typer(lab_app, name="lab")

NAME = typer.Option("countynet", "--name", "-n", help="Lab name (a-z, 0-9, '-').")
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _inventory_spec(name: str, towns: list[str], sites: list[str]) -> Any:
    """Build the LabSpec from the inventory through the lead's adapter (imported lazily)."""
    try:
        from countynet.lab.from_inventory import select_devices, spec_from_inventory
    except ImportError as exc:
        raise CountynetError(
            "`lab up` needs countynet.lab.from_inventory, which is not there yet",
            "build a LabSpec in Python and call countynet.lab.lab_up",
        ) from exc
    from countynet.allocate.allocator import allocate
    from countynet.inventory.loader import load
    from countynet.inventory.topology import build
    from countynet.radio.plan import plan_radio

    result = load(state.inventory)
    if result.inventory is None:
        raise CountynetError(f"inventory {state.inventory} cannot be loaded", "run `countynet validate`")
    inv = result.inventory
    topo = build(inv)
    alloc = allocate(inv, topo)
    devices = select_devices(inv, topo, towns or None, sites or None)
    return spec_from_inventory(inv, topo, alloc, plan_radio(inv, topo), devices, name)


@lab_app.command("up")
@guarded
def up(
    town: list[str] = typer.Option([], "--town", help="Only the devices of this town (repeatable)."),
    site: list[str] = typer.Option([], "--site", help="Only this agency site and its path to the hub (repeatable)."),
    all_: bool = typer.Option(False, "--all", help="Every device of the inventory."),
    name: str = NAME,
    parallel: int = typer.Option(4, "--parallel", help="Devices started at once."),
) -> int:
    """Build the lab from the inventory and write its lab inventory file (hosts, keys, known_hosts)."""
    from countynet.lab import lab_up

    if not (town or site or all_):
        raise CountynetError("choose what to build", "pass --town X, --site S or --all")
    spec = _inventory_spec(name, town, site)
    if not spec.routers:
        raise CountynetError("the selection has no devices", "check the --town/--site names")
    lab = lab_up(spec, parallel=parallel, progress=True, persistent=True)
    console.print(f"lab [bold]{lab.name}[/] up: {len(lab.nodes)} nodes; inventory {lab.inventory_file}")
    return OK


@lab_app.command("down")
@guarded
def down(name: str = NAME, json_out: bool = JSON) -> int:
    """Stop every process of the lab and delete its namespaces, links and state (idempotent)."""
    from countynet.lab import lab_down

    result = lab_down(name)
    if json_out:
        print_json({"name": name, **result})
    else:
        console.print(
            f"lab {name}: stopped {result['processes']} processes, removed {result['netns']} namespaces, "
            f"{result['links']} links"
        )
    return OK


@lab_app.command("status")
@guarded
def status(name: str = NAME, json_out: bool = JSON) -> int:
    """Nodes, management addresses, which FRR nodes stand in for ios/routeros, and what runs."""
    from countynet.lab import lab_status

    st = lab_status(name)
    if json_out:
        print_json(st)
    else:
        table = Table(title=f"lab {name} ({st['status']})")
        for col in ("node", "kind", "mgmt", "stands in for", "running"):
            table.add_column(col)
        bad = 0
        for n in st["nodes"]:
            procs = {**n.get("daemons", {})}
            for key in ("holder", "sshd", "listener"):
                if key in n:
                    procs[key] = n[key]
            down_ = [k for k, v in procs.items() if not v]
            bad += bool(down_) or not n["netns_present"]
            running = "[green]ok[/]" if not down_ else f"[red]down: {', '.join(down_)}[/]"
            table.add_row(n["name"], n["kind"], n["mgmt"] or "", n["stand_in_for"] or "", running)
        console.print(table)
        console.print(f"inventory: {st['inventory']}")
    return FINDINGS if any(not n["netns_present"] for n in st["nodes"]) else OK


@lab_app.command("shell")
@guarded
def shell(
    host: str = typer.Argument(..., help="Node name."),
    name: str = NAME,
    bash: bool = typer.Option(False, "--bash", help="A shell instead of vtysh."),
) -> int:
    """Open vtysh (or a shell) inside a node, as on its console."""
    from countynet.lab import Lab

    lab = Lab.load(name)
    kind = lab.nodes.get(host, {}).get("kind")
    argv = ["/bin/bash", "-l"] if bash or kind == "host" else ["vtysh"]
    full = lab.argv(host, argv)
    os.execvp(full[0], full)
    return INPUT_ERROR  # not reached


@lab_app.command("list")
@guarded
def list_(json_out: bool = JSON) -> int:
    """Labs on this machine."""
    from countynet.lab import list_labs

    labs = list_labs()
    if json_out:
        print_json(labs)
    else:
        table = Table(title="labs")
        for col in ("name", "status", "nodes", "persistent", "dir"):
            table.add_column(col)
        for lab in labs:
            table.add_row(lab["name"], str(lab["status"]), str(lab["nodes"]), str(lab["persistent"]), lab["dir"])
        console.print(table)
    return OK


@lab_app.command("cleanup")
@guarded
def cleanup(
    all_labs: bool = typer.Option(False, "--all", help="Remove every lab, not only stale ones."),
    json_out: bool = JSON,
) -> int:
    """Remove stale labs (builder gone before finishing) and countynet-prefixed objects no lab claims."""
    from countynet.lab import cleanup_stale

    result = cleanup_stale(all_labs=all_labs)
    if json_out:
        print_json(result)
    else:
        console.print(
            f"removed labs: {', '.join(result['labs']) or '-'}; orphan namespaces: {len(result['netns'])}; "
            f"orphan links: {len(result['links'])}"
        )
    return OK
