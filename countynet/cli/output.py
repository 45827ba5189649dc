"""Console, tables that never cut an identifier, JSON, logging, and where exit codes are decided."""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from countynet.errors import CountynetError

OK, FINDINGS, INPUT_ERROR = 0, 1, 2


def _width() -> int | None:
    """The terminal's width; when output is piped or logged, COLUMNS or a width that cuts nothing."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return None
    return 200


class _Tee:
    """stdout plus a log file, for --log-file."""

    def __init__(self, *streams: IO[str]) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for s in self.streams:
            s.write(text)
        return len(text)

    def flush(self) -> None:
        for s in self.streams:
            s.flush()

    def isatty(self) -> bool:
        return self.streams[0].isatty()


class _Swappable:
    """A console that `configure` can replace after command modules imported it by name."""

    def __init__(self, target: Console) -> None:
        self.target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


console: Any = _Swappable(Console(highlight=False, width=_width()))
err_console: Any = _Swappable(Console(stderr=True, highlight=False, width=_width()))


class _Mode:
    verbose = 0
    quiet = False
    wide = False


mode = _Mode()


def configure(verbose: int = 0, quiet: bool = False, wide: bool = False, log_file: Path | None = None) -> None:
    """Apply the global options: verbosity, quiet, wide tables, a log file."""
    mode.verbose, mode.quiet, mode.wide = verbose, quiet, wide
    width = _width()
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)] if verbose else []
    if log_file is not None:
        try:
            log = log_file.open("a", encoding="utf-8")
        except OSError as exc:
            raise CountynetError(f"cannot write --log-file {log_file}: {exc.strerror}", "choose a writable file") from None
        handlers.append(logging.StreamHandler(log))
        console.target = Console(highlight=False, width=width or 200, file=_Tee(sys.stdout, log))  # type: ignore[arg-type]
        err_console.target = Console(highlight=False, width=width or 200, file=_Tee(sys.stderr, log))  # type: ignore[arg-type]
        level = min(level, logging.INFO)
    else:
        console.target = Console(highlight=False, width=width)
        err_console.target = Console(stderr=True, highlight=False, width=width)
    if handlers:
        logging.basicConfig(level=level, handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                            force=True)  # fmt: skip


def want_json(flag: bool = False) -> bool:
    from countynet.cli.main import state

    return flag or state.json


def print_json(data: Any) -> None:
    console.file.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def say(text: str) -> None:
    """A detail line: shown unless -q."""
    if not mode.quiet:
        console.print(text, soft_wrap=True, highlight=False)


def summary(text: str) -> None:
    """The one line a command always prints (also with -q)."""
    console.print(text, soft_wrap=True, highlight=False)


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], ids: Sequence[str] = (),
          right: Sequence[str] = ()) -> None:  # fmt: skip
    """A table, or, when it cannot fit the width, one block per row: never a cut identifier.

    `ids` names columns holding identifiers (run ids, device names): they are never wrapped.
    """
    if mode.quiet:
        return
    cells = [[("" if v is None else str(v)) for v in r] for r in rows]
    need = sum(max([len(c), *(len(_plain(r[i])) for r in cells)]) + 3 for i, c in enumerate(columns)) + 1
    width = console.width
    if not mode.wide and need > width and len(columns) > 2:
        console.print(f"[bold]{title}[/]" if title else "", highlight=False)
        for r in cells:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for i, c in enumerate(columns):
                grid.add_row(f"  {c}", r[i])
            console.print(grid)
            console.print("")
        return
    t = Table(title=title or None, expand=False)
    for c in columns:
        t.add_column(c, justify="right" if c in right else "left", no_wrap=c in ids or mode.wide,
                     overflow="fold")  # fmt: skip
    for r in cells:
        t.add_row(*r)
    if mode.wide:
        Console(highlight=False, width=max(need, console.width), file=console.file).print(t)
    else:
        console.print(t)


def _plain(text: str) -> str:
    from rich.text import Text

    return Text.from_markup(text).plain if "[" in text else text


def fail(exc: CountynetError) -> NoReturn:
    err_console.print(str(exc), markup=False, soft_wrap=True)
    raise typer.Exit(INPUT_ERROR)


def guarded(func: Callable[..., int | None]) -> Callable[..., int | None]:
    """Run a command body: a CountynetError or an OS error becomes one line and exit 2, Ctrl-C exit
    130, and the return value the exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except CountynetError as exc:
            fail(exc)
        except KeyboardInterrupt:
            err_console.print("interrupted", markup=False)
            raise typer.Exit(130) from None
        except (PermissionError, IsADirectoryError, NotADirectoryError, FileNotFoundError) as exc:
            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            fail(CountynetError(f"cannot use{where}: {exc.strerror or exc}",
                                "check the path and its permissions (or run from a writable folder)"))  # fmt: skip
        except OSError as exc:
            if exc.errno in (28, 30, 122):  # no space, read-only file system, quota
                fail(CountynetError(f"cannot write: {exc.strerror}", "free space or choose another folder"))
            raise
        raise typer.Exit(code or OK)

    return wrapper


def term_width() -> int:
    return console.width or shutil.get_terminal_size().columns
