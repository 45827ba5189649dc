"""Where the plan cache lives, and how an entry is read and written.

Entries are content-addressed (the key is a hash of every input, see keys.py), so an entry is
never updated, only written once and read many times. A write goes to a temporary file in the
same folder and is renamed into place, so a reader sees a whole entry or none. Anything wrong
with an entry (truncated, from another countynet, not a pickle at all) reads as a miss: the
caller recomputes, the cache can only make a run faster, never change or break it.

The folder is the user's own (0700): entries are pickles, which must not come from anyone else.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "COUNTYNET_CACHE_DIR"
OFF_ENV = "COUNTYNET_NO_CACHE"
FORMAT = 1  # bump when what an entry holds changes shape

_off = False


def disable(off: bool = True) -> None:
    """Turn the cache off for this process (the `--no-cache` option)."""
    global _off
    _off = off


def enabled() -> bool:
    return not _off and os.environ.get(OFF_ENV, "").strip().lower() in ("", "0", "no", "false")


def cache_dir() -> Path:
    """COUNTYNET_CACHE_DIR, else $XDG_CACHE_HOME/countynet, else ~/.cache/countynet."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "countynet"


def _path(kind: str, key: str) -> Path:
    return cache_dir() / "towns" / key[:2] / f"{key}.{kind}"


def _trusted() -> bool:
    """Whether the entries folder is this user's alone (else nothing in it is unpickled)."""
    try:
        st = os.stat(cache_dir() / "towns")
    except OSError:
        return True  # not there yet: created 0700 on the first write
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def read(kind: str, key: str) -> Any | None:
    """The entry stored under (kind, key), or None: absent, unreadable or not what was asked for."""
    if not _trusted():
        return None
    try:
        with open(_path(kind, key), "rb") as fh:
            fmt, stored_key, payload = pickle.load(fh)
    except Exception:  # any damage is a miss: the entry is recomputed and written again
        return None
    if fmt != FORMAT or stored_key != key:
        return None
    return payload


def write(kind: str, key: str, payload: Any) -> bool:
    """Store an entry atomically; False when the cache folder is not writable (the run goes on)."""
    path = _path(kind, key)
    tmp: Path | None = None
    try:
        (cache_dir() / "towns").mkdir(parents=True, exist_ok=True, mode=0o700)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-", delete=False) as fh:
            tmp = Path(fh.name)
            pickle.dump((FORMAT, key, payload), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return False
    return True


def stats() -> tuple[Path, int, int]:
    """(folder, entries, bytes) of the cache."""
    root = cache_dir() / "towns"
    n = size = 0
    if root.is_dir():
        for f in root.rglob("*"):
            if f.is_file():
                n += 1
                size += f.stat().st_size
    return root, n, size


def clear() -> int:
    """Remove every entry; the number removed."""
    root, n, _size = stats()
    shutil.rmtree(root, ignore_errors=True)
    return n
