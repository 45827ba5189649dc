"""The `countynet` command: thin typer functions over the library (see each command module)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import typer

from countynet import __version__

app = typer.Typer(
    name="countynet",
    help="Plan, render, deploy and verify the county connectivity network from its YAML inventory.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)


class State:
    inventory: Path = Path("inventory")


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"countynet {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    inventory: Path = typer.Option(
        Path("inventory"), "--inventory", "-i", envvar="COUNTYNET_INVENTORY", help="Inventory folder."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Plan, render, deploy and verify the county connectivity network from its YAML inventory."""
    state.inventory = inventory


# Each command module (countynet/cli/*_cmd.py, *_cmds.py) registers its commands on `app` when
# imported; a new command is a new module, nothing to list here.
COMMAND_MODULES = sorted(
    f"countynet.cli.{m.name}"
    for m in pkgutil.iter_modules([str(Path(__file__).parent)])
    if m.name.endswith(("_cmd", "_cmds"))
)
for _mod in COMMAND_MODULES:
    importlib.import_module(_mod)


def main() -> None:
    app()
