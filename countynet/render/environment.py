"""The one Jinja environment every template is rendered with.

StrictUndefined turns a missing intent field into an error instead of an empty line;
trim/lstrip blocks keep templates readable without leaking their indentation. Templates read from
a pull request's revision (`countynet diff`) are code from an untrusted author: they are rendered in
Jinja's immutable sandbox (no access to Python internals, no mutation, bounded `range`).
"""

from __future__ import annotations

import os
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from countynet.render.filters import FILTERS
from countynet.resources import resource_path

TEMPLATES = resource_path("countynet", "templates")


def environment(root: str | None = None, sandboxed: bool = False) -> Environment:
    """The shared environment over `root`, else COUNTYNET_TEMPLATES (a repository's own templates
    folder, same layout), else the package's templates/ folder; `sandboxed` for untrusted templates."""
    return _environment(root or os.environ.get("COUNTYNET_TEMPLATES") or str(TEMPLATES), sandboxed)


@lru_cache(maxsize=8)
def _environment(root: str, sandboxed: bool = False) -> Environment:
    cls = ImmutableSandboxedEnvironment if sandboxed else Environment
    env = cls(
        loader=FileSystemLoader(root),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env
