"""Console, JSON output and the one place where exit codes are decided."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import typer
from rich.console import Console

from countynet.errors import CountynetError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

OK, FINDINGS, INPUT_ERROR = 0, 1, 2


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def fail(exc: CountynetError) -> NoReturn:
    err_console.print(str(exc), markup=False, soft_wrap=True)
    raise typer.Exit(INPUT_ERROR)


def guarded(func: Callable[..., int | None]) -> Callable[..., int | None]:
    """Run a command body: a CountynetError becomes one line and exit 2, a return value the exit code."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except CountynetError as exc:
            fail(exc)
        raise typer.Exit(code or OK)

    return wrapper
