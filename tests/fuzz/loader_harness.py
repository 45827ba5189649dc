"""What one fuzz input goes through (shared by the atheris target and the pytest replay).

The input is one town file. It is parsed within a small budget and, when it parses to a mapping,
loaded as towns/ruiru.yml of the mini inventory and validated with every rule. The only exception
allowed out is CountynetError (a one-line finding or error); anything else is a crash.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from countynet.checks.engine import validate
from countynet.errors import CountynetError
from countynet.inventory.limits import Limits
from countynet.inventory.yaml_source import SourceMap, parse_yaml

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
# Small enough that the fuzzer reaches every limit quickly; the defaults are exercised by the tests.
BUDGET = Limits(file_bytes=64 * 1024, depth=16, nodes=5_000, scalar_chars=2_000, aliases=20, alias_nodes=500)
ENV = {f"COUNTYNET_LIMIT_{k.upper()}": str(v) for k, v in vars(BUDGET).items()}
_INV: Path | None = None


def _inventory() -> Path:
    global _INV
    if _INV is None:
        work = tempfile.mkdtemp(prefix="countynet-fuzz-")
        atexit.register(shutil.rmtree, work, True)
        _INV = Path(work) / "inv"
        shutil.copytree(MINI, _INV)
    return _INV


def check(data: bytes) -> None:
    """Parse `data`; when it is a mapping (or not UTF-8), load and validate it as a town file."""
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        try:
            value = parse_yaml(text, "fuzz.yml", SourceMap(), BUDGET)
        except CountynetError:
            return
        if not isinstance(value, dict):
            return
    inv = _inventory()
    (inv / "towns" / "ruiru.yml").write_bytes(data)
    saved = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    try:
        validate(inv)
    except CountynetError:
        pass
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
