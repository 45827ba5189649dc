"""`countynet cache info|prune|clear`: the plan cache of per-town results (countynet.plancache)."""

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
    from countynet.plancache import prune, store

    folder, entries, size = store.stats()
    cap = prune.max_bytes()
    unsafe = store.untrusted_reason(folder)
    if want_json(json_out):
        print_json(
            {"folder": str(folder), "entries": entries, "bytes": size, "max_bytes": cap,
             "enabled": store.enabled() and not unsafe, "untrusted": unsafe}
        )  # fmt: skip
    else:
        state = "on" if store.enabled() else "off (--no-cache or COUNTYNET_NO_CACHE)"
        if unsafe:
            state = f"not used: the folder {unsafe} (chmod go-w {folder}, or set {store.CACHE_ENV})"
        summary(f"plan cache {folder}: {entries} entries, {_mib(size)} of {_mib(cap)} ({prune.MAX_ENV}); {state}")
    return OK


@cache_app.command("prune")
@guarded
def prune_cmd(
    max_mb: int | None = typer.Option(None, "--max-mb", min=0, help="Prune down to this many MiB (default: the cap)."),
) -> int:
    """Remove the least recently used entries until the cache is within its cap (runs do this themselves).

    Examples:
      countynet cache prune
      countynet cache prune --max-mb 100
    """
    from countynet.plancache import prune, store

    target = prune.max_bytes() if max_mb is None else max_mb * prune.MIB
    removed, freed, left = store.prune_now(target)
    summary(f"removed {removed} entries ({_mib(freed)}) from {store.stats()[0]}; {_mib(left)} left of {_mib(target)}")
    return OK


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


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
