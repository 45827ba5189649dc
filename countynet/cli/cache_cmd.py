"""`countynet cache info|clear`: the plan cache of per-town results (countynet.plancache)."""

from __future__ import annotations

import typer

from countynet.cli.main import app
from countynet.cli.output import OK, guarded, print_json, summary, want_json

cache_app = typer.Typer(
    help="The plan cache: each town's findings, addresses, radio plan and intents, by content hash.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
@guarded
def info(json_out: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> int:
    """Where the cache is, how many entries it holds and their size; whether this run would use it.

    Examples:
      countynet cache info
      COUNTYNET_CACHE_DIR=/tmp/cn-cache countynet cache info --json
    """
    from countynet.plancache import store

    folder, entries, size = store.stats()
    if want_json(json_out):
        print_json({"folder": str(folder), "entries": entries, "bytes": size, "enabled": store.enabled()})
    else:
        state = "on" if store.enabled() else "off (--no-cache or COUNTYNET_NO_CACHE)"
        summary(f"plan cache {folder}: {entries} entries, {size / 1e6:.1f} MB; {state}")
    return OK


@cache_app.command("clear")
@guarded
def clear() -> int:
    """Remove every entry (results are recomputed on the next run; nothing else changes).

    Examples:
      countynet cache clear
    """
    from countynet.plancache import store

    folder = store.stats()[0]
    summary(f"removed {store.clear()} entries from {folder}")
    return OK
