"""Files shipped inside the package, as real paths, found with importlib.resources.

Scripts started by path (lab holder, PoP listener, LAN probe), TextFSM templates opened by path and
the Jinja template folder must work from a wheel installed anywhere, not only from a checkout.
"""

from __future__ import annotations

import atexit
import contextlib
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

_KEEP = contextlib.ExitStack()  # extracted copies (zip installs) live until the process exits
atexit.register(_KEEP.close)


@lru_cache(maxsize=64)
def resource_path(package: str, name: str) -> Path:
    """`name` inside `package` as a file-system path (the file itself for an ordinary install)."""
    return _KEEP.enter_context(as_file(files(package).joinpath(name)))
