"""The one Jinja environment every template is rendered with.

StrictUndefined turns a missing intent field into an error instead of an empty line;
trim/lstrip blocks keep templates readable without leaking their indentation.
"""

from __future__ import annotations

import os
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from countynet.render.filters import FILTERS
from countynet.resources import resource_path

TEMPLATES = resource_path("countynet", "templates")


def environment(root: str | None = None) -> Environment:
    """The shared environment over `root`, else COUNTYNET_TEMPLATES (a repository's own templates
    folder, same layout), else the package's templates/ folder."""
    return _environment(root or os.environ.get("COUNTYNET_TEMPLATES") or str(TEMPLATES))


@lru_cache(maxsize=8)
def _environment(root: str) -> Environment:
    env = Environment(
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
