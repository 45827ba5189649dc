"""Checks as registered rules, like a linter: one small function per rule, with a stable id.

A rule yields `Issue`s (where, what, fix); the registry stamps them with the rule's id and
severity. `countynet rules` lists this registry, so the docs cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from countynet.errors import Pos
from countynet.findings import Finding, Severity
from countynet.inventory.limits import RULES as LIMIT_RULES

Scope = Literal["model", "rendered"]


@dataclass(frozen=True)
class Issue:
    """What a rule reports; `severity` overrides the rule's default (e.g. warning levels)."""

    at: Pos | None
    message: str
    hint: str = ""
    severity: Severity | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    description: str
    scope: Scope
    func: Callable[[Any], Iterable[Issue]]

    def run(self, subject: Any) -> Iterator[Finding]:
        for issue in self.func(subject):
            yield Finding(self.id, issue.severity or self.severity, issue.message, issue.hint, issue.at)


RULES: dict[str, Rule] = {}

# Findings produced by the loader itself rather than by a rule function.
BUILTIN = {
    "CN000": ("yaml-syntax", "error", "the file is not valid YAML"),
    "CN001": ("schema", "error", "a key is missing, unknown, or has a value of the wrong type or range"),
    "CN002": ("duplicate-key", "error", "a key appears twice in one mapping (YAML would silently keep the last)"),
    # The loading budget (countynet/inventory/limits.py): CN003-CN009.
    **{rid: (name, "error", desc) for rid, (name, desc) in LIMIT_RULES.items()},
}


def rule(id: str, name: str, severity: Severity, description: str, scope: Scope = "model") -> Callable[..., Any]:
    """Register a rule function under a stable id."""

    def wrap(func: Callable[[Any], Iterable[Issue]]) -> Callable[[Any], Iterable[Issue]]:
        if id in RULES or id in BUILTIN:
            raise ValueError(f"rule id {id} registered twice")
        RULES[id] = Rule(id, name, severity, description, scope, func)
        return func

    return wrap


def all_rules() -> list[tuple[str, str, str, str, str]]:
    """(id, name, severity, scope, description) for every rule, loader rules included."""
    load_rules()
    rows = [(i, n, s, "load", d) for i, (n, s, d) in BUILTIN.items()]
    rows += [(r.id, r.name, r.severity, r.scope, r.description) for r in RULES.values()]
    return sorted(rows)


def load_rules() -> None:
    """Import every module that registers rules (cheap after the first call)."""
    import importlib
    import pkgutil

    import countynet.checks.rules as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{info.name}")
