"""A finding: one problem a rule saw, with where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from countynet.errors import Pos

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    hint: str = ""
    pos: Pos | None = None

    def format(self) -> str:
        where = f"{self.pos}: " if self.pos else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.rule} {self.severity}: {self.message}{hint}"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "file": self.pos.file if self.pos else None,
            "line": self.pos.line if self.pos else None,
            "col": self.pos.col if self.pos else None,
        }
