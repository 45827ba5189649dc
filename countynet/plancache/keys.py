"""What a cached town result depends on, as one hash.

A town's result is a function of: its own file, the shared files (network.yml, nofbi.yml), the
lock's header and the town's section of the lock, the loading budget, and the code that computes
it: countynet's own source and templates (an upgrade or a local edit invalidates everything),
the libraries whose behaviour reaches the result (schema, YAML, templates, the RouterOS command
database), the Python version, and a COUNTYNET_TEMPLATES folder if one is set.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import countynet
from countynet.inventory import limits

LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "Jinja2", "routeros-lsp", "netaddr")


def _tree_hash(root: Path, h: hashlib._Hash) -> None:
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


@lru_cache(maxsize=1)
def code_hash() -> str:
    """countynet's source and templates, the library versions and Python's: hashed once per process."""
    h = hashlib.sha256()
    _tree_hash(Path(countynet.__file__).parent, h)
    for lib in LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\0".encode())
    h.update(sys.version.encode())
    return h.hexdigest()


def environment_hash() -> str:
    """What the environment adds: the loading budget and a COUNTYNET_TEMPLATES folder."""
    h = hashlib.sha256(repr(limits.current()).encode())
    tpl = os.environ.get("COUNTYNET_TEMPLATES")
    if tpl:
        h.update(tpl.encode())
        if Path(tpl).is_dir():
            _tree_hash(Path(tpl), h)
    return h.hexdigest()


def digest(*parts: bytes | str | None) -> str:
    """One hash over ordered parts (None and b"" are told apart)."""
    h = hashlib.sha256()
    for part in parts:
        if part is None:
            h.update(b"\1N")
            continue
        data = part.encode() if isinstance(part, str) else part
        h.update(b"\1" + str(len(data)).encode() + b":" + data)
    return h.hexdigest()
