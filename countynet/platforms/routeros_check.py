"""Rendered RouterOS scripts checked against RouterOS 7's command database (routeros-lsp).

routeros-lsp ships one database (RouterOS 7.21.4, exported from a CHR: `routeros` package, which
on 7.13+ carries `/interface wifi`); `routeros-lsp check` is `analyze()` over each file with that
database, and so is this. The database must match the packages the device runs: each rendered
file names its radio packages on its second line (`# packages: ...`, from the radio models in
network.yml), and a package whose menu the database lacks (the legacy `wireless` package is in no
shipped database) is reported instead of silently checking its lines against the wrong schema.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PACKAGES_LINE = re.compile(r"^# packages: (.*)$", re.M)
# the menu a radio package adds; the database "matches" a package when it has that menu
PACKAGE_MENU = {"wifi": ("interface", "wifi"), "wireless": ("interface", "wireless")}
# every command-database finding is an error for us: a rendered line RouterOS would refuse
ESCALATE = ("schema/unknown-command", "schema/unknown-parameter", "schema/ambiguous-name", "schema/missing-required")


@dataclass(frozen=True)
class LspFinding:
    line: int
    col: int
    severity: str  # error | warning
    rule: str
    message: str

    def format(self) -> str:
        level = "warning: " if self.severity == "warning" else ""
        return f"line {self.line}:{self.col}: {level}{self.message} [{self.rule}]"


@lru_cache(maxsize=1)
def schema() -> Any:
    """The bundled command database (None when routeros-lsp is not installed)."""
    try:
        from routeros_lsp.analyze import bundled_schema
    except ImportError:
        return None
    return bundled_schema()


def has_menu(db: Any, path: tuple[str, ...]) -> bool:
    node = db.root
    for word in path:
        node = (node.get("c") or {}).get(word)
        if node is None:
            return False
    return True


def packages(text: str) -> list[str]:
    m = PACKAGES_LINE.search(text)
    return [p for p in (m.group(1).split() if m else []) if p != "none"]


def check(text: str) -> list[LspFinding]:
    """Errors and warnings of routeros-lsp over one rendered script, with the matching database."""
    db = schema()
    if db is None:
        return [LspFinding(1, 1, "warning", "countynet/no-database", "routeros-lsp is not installed: not checked")]
    from routeros_lsp.analyze import analyze

    out: list[LspFinding] = []
    missing = [p for p in packages(text) if p in PACKAGE_MENU and not has_menu(db, PACKAGE_MENU[p])]
    for p in missing:
        out.append(
            LspFinding(
                1, 1, "warning", "countynet/no-database",
                f"the RouterOS {db.version} command database has no `{p}` package: its /{' '.join(PACKAGE_MENU[p])}"
                " lines are not checked",
            )
        )  # fmt: skip
    unchecked = tuple("/" + " ".join(PACKAGE_MENU[p]) for p in missing)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    lines = text.splitlines()
    result = analyze(text, severities={r: "error" for r in ESCALATE}, schema=db)
    for f in result.findings:
        if f.severity not in ("error", "warning"):
            continue
        line = bisect.bisect_right(starts, f.start) - 1
        if unchecked and _menu_of(lines, line).startswith(unchecked):
            continue
        out.append(LspFinding(line + 1, f.start - starts[line] + 1, f.severity, f.rule, f.message))
    return out


def _menu_of(lines: list[str], index: int) -> str:
    """The menu a line runs in: itself when it names one, else the last menu header above it."""
    for i in range(min(index, len(lines) - 1), -1, -1):
        if lines[i].startswith("/"):
            return lines[i]
    return ""
