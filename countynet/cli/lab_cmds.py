"""`countynet lab ...`: thin commands over countynet.lab (bring up, inspect, enter, remove labs)."""

from __future__ import annotations

import os

import typer

from countynet.cli import options as o
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, INPUT_ERROR, OK, guarded, print_json, summary, table, want_json
from countynet.errors import CountynetError

lab_app = typer.Typer(help="The virtual lab: every device as a namespace with FRR and sshd.", no_args_is_help=True,
                      context_settings={"help_option_names": ["-h", "--help"]})  # fmt: skip
app.add_typer(lab_app, name="lab")

# `--lab-name` as everywhere else; `--name`/`-n` kept for existing scripts.
NAME = typer.Option("countynet", "--lab-name", "--name", "-n", help="Lab name (a-z, 0-9, '-').", metavar="NAME")


def _need_root(what: str) -> None:
    if os.geteuid() != 0:
        raise CountynetError(f"`lab {what}` needs root (network namespaces)", "run it as root, e.g. with sudo")


@lab_app.command("up")
@guarded
def up(
    town: list[str] = o.TOWN,
    site: list[str] = o.SITE,
    host: list[str] = o.HOST,
    limit: str = o.LIMIT,
    all_: bool = typer.Option(False, "--all", help="Every device of the inventory."),
    name: str = NAME,
    parallel: int = typer.Option(4, "--parallel", help="Devices started at once."),
    share_memory: bool | None = typer.Option(
        None, "--share-memory/--no-share-memory",
        help="Merge the routers' identical memory pages (default: only when separate copies would be tight)."),
) -> int:
    """Build the lab from the inventory and write its lab inventory file (hosts, keys, known_hosts).

    Examples:
      countynet lab up --town mwingi --lab-name mw
      countynet lab up --all --lab-name phase3
    """
    from countynet.lab import lab_up
    from countynet.lab.from_inventory import spec_from_model
    from countynet.model import load_model

    sel = o.selection(town, site, host, limit)
    if not (sel.narrow or all_):
        raise CountynetError("choose what to build", "pass --town X, --site S, --host H, --limit P or --all")
    _need_root("up")
    model = load_model(state.inventory)
    spec = spec_from_model(model, sel.devices(model), name)
    if not spec.routers:
        raise CountynetError("the selection has no devices", "check the --town/--site names")
    lab = lab_up(spec, parallel=parallel, progress=True, persistent=True, shared_memory=share_memory)
    shared = ", memory shared" if lab.state.data.get("shared_memory") else ""
    summary(f"lab [bold]{lab.name}[/] up: {len(lab.nodes)} nodes{shared}; inventory {lab.inventory_file}")
    return OK


@lab_app.command("down")
@guarded
def down(name: str = NAME, json_out: bool = o.JSON) -> int:
    """Stop every process of the lab and delete its namespaces, links and state (idempotent)."""
    from countynet.lab import lab_down

    _need_root("down")
    result = lab_down(name)
    if want_json(json_out):
        print_json({"name": name, **result})
    else:
        summary(f"lab {name}: stopped {result['processes']} processes, removed {result['netns']} namespaces, "
                f"{result['links']} links")  # fmt: skip
    return OK


@lab_app.command("status")
@guarded
def status(name: str = NAME, json_out: bool = o.JSON) -> int:
    """Nodes, management addresses, which FRR nodes stand in for ios/routeros, and what runs.

    Stand-ins run the FRR rendering of their device's intent; the field/stand-in equivalence check
    in `countynet render` is what carries lab results over to the real platform.
    """
    from countynet.lab import lab_status

    st = lab_status(name)
    if want_json(json_out):
        print_json(st)
        return FINDINGS if any(not n["netns_present"] for n in st["nodes"]) else OK
    rows, bad, stand_ins = [], 0, 0
    for n in st["nodes"]:
        procs = {**n.get("daemons", {})}
        for key in ("holder", "sshd", "listener"):
            if key in n:
                procs[key] = n[key]
        down_ = [k for k, v in procs.items() if not v]
        bad += bool(down_) or not n["netns_present"]
        stand_ins += bool(n["stand_in_for"])
        running = "[green]ok[/]" if not down_ else f"[red]down: {', '.join(down_)}[/]"
        rows.append([n["name"], n["kind"], n["mgmt"] or "", n["stand_in_for"] or "", running])
    table(f"lab {name} ({st['status']})", ["node", "kind", "mgmt", "stands in for", "running"], rows,
          ids=["node", "mgmt"])  # fmt: skip
    summary(f"lab {name}: {len(rows)} nodes, {bad} with problems, {stand_ins} FRR stand-ins for field platforms "
            f"(checks on them ran on the stand-in; CN510 field/stand-in equivalence in `countynet render` carries "
            f"them over to the field); inventory {st['inventory']}")  # fmt: skip
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

    _need_root("shell")
    lab = Lab.load(name)
    if host not in lab.nodes:
        raise CountynetError(f"no node {host!r} in lab {name}", "see `countynet lab status`")
    kind = lab.nodes.get(host, {}).get("kind")
    argv = ["/bin/bash", "-l"] if bash or kind == "host" else ["vtysh"]
    full = lab.argv(host, argv)
    os.execvp(full[0], full)
    return INPUT_ERROR  # not reached


@lab_app.command("list")
@guarded
def list_(json_out: bool = o.JSON) -> int:
    """Labs on this machine."""
    from countynet.lab import list_labs

    labs = list_labs()
    if want_json(json_out):
        print_json(labs)
        return OK
    table("labs", ["name", "status", "nodes", "persistent", "dir"],
          [[lab["name"], lab["status"], lab["nodes"], lab["persistent"], lab["dir"]] for lab in labs],
          ids=["name", "dir"])  # fmt: skip
    summary(f"{len(labs)} lab(s)")
    return OK


@lab_app.command("cleanup")
@guarded
def cleanup(
    all_labs: bool = typer.Option(False, "--all", help="Remove every lab, not only stale ones."),
    json_out: bool = o.JSON,
) -> int:
    """Remove stale labs (builder gone before finishing) and countynet-prefixed objects no lab claims."""
    from countynet.lab import cleanup_stale

    _need_root("cleanup")
    result = cleanup_stale(all_labs=all_labs)
    if want_json(json_out):
        print_json(result)
    else:
        summary(f"removed labs: {', '.join(result['labs']) or '-'}; orphan namespaces: {len(result['netns'])}; "
                f"orphan links: {len(result['links'])}")  # fmt: skip
    return OK
