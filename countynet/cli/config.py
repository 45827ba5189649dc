"""Defaults for every option from a file, the way click's `default_map` takes them.

`countynet.toml` (or `[tool.countynet]` in pyproject.toml) in the working folder, or the file
given with `--config`/COUNTYNET_CONFIG. Top-level keys are the global options; a table per
command holds that command's option defaults (option names with `_`), e.g.

    inventory = "inventory"
    [deploy]
    revert_in = 300
    lab_name = "phase3"
    [lab.up]
    parallel = 8
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError
from countynet.inventory.limits import read_user_text

FILE = "countynet.toml"


def _nest(data: dict[str, Any]) -> dict[str, Any]:
    """Dotted table names (`lab.up`) are nested the way click looks them up."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        parts = key.split(".")
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = _nest(value) if isinstance(value, dict) else value
    return out


def load_defaults(path: Path | None = None, cwd: Path | None = None) -> dict[str, Any]:
    import os

    here = cwd or Path.cwd()
    if path is None and os.environ.get("COUNTYNET_CONFIG"):
        path = Path(os.environ["COUNTYNET_CONFIG"])
    data: dict[str, Any] = {}
    try:
        if path is not None:
            data = tomllib.loads(read_user_text(path))
            data = data.get("tool", {}).get("countynet", data) if path.name == "pyproject.toml" else data
        elif (here / FILE).is_file():
            path = here / FILE
            data = tomllib.loads(read_user_text(path))
        elif (here / "pyproject.toml").is_file():
            path = here / "pyproject.toml"
            data = tomllib.loads(read_user_text(path)).get("tool", {}).get("countynet", {})
    except OSError as exc:
        raise CountynetError(f"cannot read config {path}: {exc.strerror}", "check --config / COUNTYNET_CONFIG") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CountynetError(f"{path}: not valid TOML: {exc}", "fix the file or pass another with --config") from None
    if not isinstance(data, dict):
        return {}
    return _nest(data)
