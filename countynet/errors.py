"""The one user-facing error type: where, what, and how to fix it.

Anything else that escapes to the CLI is a bug and may show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Pos:
    """A place in a source file (1-based line and column)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"

    def relative_to(self, root: Path) -> Pos:
        try:
            return Pos(str(Path(self.file).resolve().relative_to(root.resolve())), self.line, self.col)
        except ValueError:
            return self


class CountynetError(Exception):
    """Bad input or a refused operation, explained for a person: printed in one line, exit 2."""

    exit_code = 2

    def __init__(self, what: str, fix: str = "", where: Pos | str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix
        self.where = where

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        suffix = f" ({self.fix})" if self.fix else ""
        return f"{prefix}error: {self.what}{suffix}"
