"""The `countynet` command: thin typer functions over the jobs layer (see each command module).

Global options (`--inventory`, `--json`, `-v`, `-q`, `--log-file`, `--wide`, `--config`) are accepted
before or after the subcommand; defaults come from `countynet.toml` or `[tool.countynet]` in
pyproject.toml (see countynet/cli/config.py).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from countynet import __version__

ENV_HELP = """\
Environment: COUNTYNET_INVENTORY (inventory folder), COUNTYNET_STATE (journals, locks, progress;
default .countynet), COUNTYNET_LAB_STATE (labs; default /run/countynet/labs), COUNTYNET_USERNAME /
COUNTYNET_PASSWORD / COUNTYNET_SSH_KEY (field device login), COUNTYNET_VAULT_FILE and
COUNTYNET_VAULT_PASSWORD_FILE or ANSIBLE_VAULT_PASSWORD_FILE (secrets), COUNTYNET_CONFIG (a
countynet.toml), COUNTYNET_CACHE_DIR (the plan cache; default ~/.cache/countynet), COUNTYNET_NO_CACHE=1,
COUNTYNET_TEMPLATES (your own templates folder,
same layout as the package's), and every variable a `{secret:env:NAME}` reference in the inventory names.
Exit codes: 0 ok, 1 findings or failures, 2 usage or input error (one line, never a traceback)."""

# option -> number of values it takes; hoisted to the front when given after a subcommand that
# does not define it itself.
GLOBAL_OPTIONS = {
    "--inventory": 1, "-i": 1, "--log-file": 1, "--config": 1,
    "--json": 0, "--verbose": 0, "-v": 0, "-vv": 0, "--quiet": 0, "-q": 0, "--wide": 0, "--no-cache": 0,
}  # fmt: skip


class GlobalOptionsGroup(TyperGroup):
    """A group that also accepts its own options after the subcommand (`countynet validate -i DIR`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist(self, ctx, list(args)))


def _leaf(group: Any, ctx: Any, args: list[str]) -> tuple[Any, int]:
    """The command the arguments name, and the index after its name (typer vendors its own click:
    commands are matched by shape, not by class)."""
    cmd: Any = None
    i = after = 0
    while i < len(args) and (cmd is None or hasattr(cmd, "get_command")):
        a = args[i]
        if a.startswith("-"):
            i += 1 + (GLOBAL_OPTIONS.get(a, 0) if cmd is None else 0)
            continue
        sub = (cmd or group).get_command(ctx, a)
        if sub is None:
            break
        cmd, i = sub, i + 1
        after = i
    return cmd, after


def hoist(group: Any, ctx: Any, args: list[str]) -> list[str]:
    if "--" in args:
        return args
    leaf, start = _leaf(group, ctx, args)
    if leaf is None:
        return args
    own = {o for p in leaf.params for o in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))}
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        name = a.split("=", 1)[0]
        if i >= start and name in GLOBAL_OPTIONS and name not in own:
            n = 0 if "=" in a else GLOBAL_OPTIONS[name]
            front += args[i : i + 1 + n]
            i += 1 + n
            continue
        rest.append(a)
        i += 1
    return front + rest


def _no_flag_metavar() -> None:
    """Help shows a value placeholder for options that take a value, none for flags (`--json`)."""
    from typer.core import TyperOption

    original = TyperOption.display_type_rich

    def display(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag and self.metavar is None else original(self, ctx)

    TyperOption.display_type_rich = display  # type: ignore[method-assign]


_no_flag_metavar()

app = typer.Typer(
    name="countynet",
    cls=GlobalOptionsGroup,
    help="Plan, render, deploy and verify the county connectivity network from its YAML inventory.",
    epilog=ENV_HELP,
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)


class State:
    inventory: Path = Path("inventory")
    json: bool = False
    verbose: int = 0
    quiet: bool = False
    wide: bool = False


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"countynet {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    inventory: Path = typer.Option(
        Path("inventory"), "--inventory", "-i", envvar="COUNTYNET_INVENTORY", help="Inventory folder.",
        metavar="DIR",
    ),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output (every reporting command)."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More detail (repeat for debug logs)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="One summary line per command."),
    wide: bool = typer.Option(False, "--wide", help="Tables as wide as their content, never wrapped."),
    log_file: Path = typer.Option(None, "--log-file", help="Also write everything printed and logged here.",
                                  metavar="FILE"),
    config: Path = typer.Option(None, "--config", envvar="COUNTYNET_CONFIG", metavar="FILE",
                                help="Defaults file (default: ./countynet.toml, else \\[tool.countynet] in pyproject.toml)."),
    budget: list[str] = typer.Option(None, "--budget", metavar="NAME=VALUE",
                                     help="Change one loading limit for this run, e.g. nodes=500000 (repeatable; "
                                          "docs/untrusted-input.md). Never read from countynet.toml."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Compute every town again instead of reading the plan "
                                  "cache (also COUNTYNET_NO_CACHE=1; results are the same, only slower)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Plan, render, deploy and verify the county connectivity network from its YAML inventory.

    Examples:
      countynet validate
      countynet render --town thika --out rendered
      countynet rollout --target lab --lab-name phase3
      countynet deploy --target field --limit 'town_thika:&role_agency' --commit
    """
    from countynet.cli import output

    if budget:
        _set_budget(ctx, budget)
    state.inventory, state.json, state.verbose, state.quiet, state.wide = inventory, json_out, verbose, quiet, wide
    from countynet.plancache import store

    store.disable(no_cache)  # per invocation: an in-process caller's next command starts with the cache on
    output.configure(verbose=verbose, quiet=quiet, wide=wide, log_file=log_file)


def _set_budget(ctx: typer.Context, pairs: list[str]) -> None:
    """--budget overrides; a repository's countynet.toml must not raise the budget its own files are read with."""
    from countynet.cli.output import fail
    from countynet.errors import CountynetError
    from countynet.inventory import limits

    try:
        source = ctx.get_parameter_source("budget")
        if getattr(source, "name", "") == "DEFAULT_MAP":  # typer may bring its own click: compare by name
            raise CountynetError("the loading budget cannot be set in a config file", "use --budget or COUNTYNET_LIMIT_*")
        limits.set_overrides(pairs)
    except CountynetError as exc:
        fail(exc)


def _apply_config(args: list[str]) -> dict[str, Any]:
    from countynet.cli.config import load_defaults

    path = None
    for i, a in enumerate(args):
        if a == "--config" and i + 1 < len(args):
            path = Path(args[i + 1])
        elif a.startswith("--config="):
            path = Path(a.split("=", 1)[1])
    return load_defaults(path)


# Each command module (countynet/cli/*_cmd.py, *_cmds.py) registers its commands on `app` when
# imported; a new command is a new module, nothing to list here.
COMMAND_MODULES = sorted(
    f"countynet.cli.{m.name}"
    for m in pkgutil.iter_modules([str(Path(__file__).parent)])
    if m.name.endswith(("_cmd", "_cmds"))
)
for _mod in COMMAND_MODULES:
    importlib.import_module(_mod)

# Help groups commands by pipeline step (a command not listed goes under "More").
PANELS = {
    "Inventory": ("validate", "allocate", "rules", "radio", "intent", "plan", "cache"),
    "Configs and review": ("render", "diff", "docs", "workorder"),
    "Deploy and verify": ("deploy", "verify", "rollout", "runs", "status", "accept"),
    "Lab and automation": ("lab", "awx", "init"),
}
_PANEL_OF = {name: panel for panel, names in PANELS.items() for name in names}
_ORDER = list(PANELS)
_infos: list[Any] = [*app.registered_commands, *app.registered_groups]
for _info in _infos:
    _name = _info.name or (_info.callback.__name__ if _info.callback else "")
    _info.rich_help_panel = _PANEL_OF.get(_name.replace("_", "-").removesuffix("-cmd"), "More")
app.registered_commands.sort(key=lambda c: _ORDER.index(c.rich_help_panel) if c.rich_help_panel in _ORDER else 99)


def main() -> None:
    from countynet.cli.output import INPUT_ERROR, err_console
    from countynet.errors import CountynetError

    try:
        defaults = _apply_config(sys.argv[1:])
        app(default_map=defaults)
    except CountynetError as exc:
        err_console.print(str(exc), markup=False, soft_wrap=True)
        sys.exit(INPUT_ERROR)
    except KeyboardInterrupt:
        err_console.print("interrupted", markup=False)
        sys.exit(130)
