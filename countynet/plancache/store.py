"""Where the plan cache lives, and how an entry is read and written.

Entries are content-addressed (the key is a hash of every input, see keys.py), so an entry is
never updated, only written once and read many times. A write goes to a temporary file in the
same folder and is renamed into place, so a reader sees a whole entry or none. Anything wrong
with an entry (truncated, from another countynet, not a pickle at all) reads as a miss: the
caller recomputes, the cache can only make a run faster, never change or break it.

The folder is the user's own (0700): entries are pickles, which must not come from anyone else.
A folder others can write to is neither read nor written, and the run says so once on stderr.
The folder is kept under a size cap, least recently used entries first (see prune.py).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from countynet.plancache import prune

CACHE_ENV = "COUNTYNET_CACHE_DIR"
OFF_ENV = "COUNTYNET_NO_CACHE"
FORMAT = 1  # bump when what an entry holds changes shape

TOUCH_S = 3600.0  # a read marks an entry used at most this often (one utime, not one per read)

_off = False
_warned = False
_budget = prune.Budget()


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


def untrusted_reason(folder: Path) -> str:
    """Why the entries folder is not this user's alone ('' when it is, or is not there yet)."""
    try:
        st = os.stat(folder)
    except OSError:
        return ""  # not there yet: created 0700 on the first write
    if st.st_uid != os.getuid():
        return "is owned by another user"
    if st.st_mode & 0o022:
        return "can be written by group or others"
    return ""


def _trusted() -> bool:
    """Whether the entries folder is this user's alone (else nothing in it is unpickled or written).

    The first time in a process it is not, stderr says why and how to fix it: the run goes on
    without the cache and gives the same results, only slower.
    """
    global _warned
    folder = cache_dir() / "towns"
    reason = untrusted_reason(folder)
    if not reason:
        return True
    if not _warned:
        _warned = True
        print(
            f"{folder}: warning: plan cache not used: the folder {reason}, so its entries could come from"
            f" someone else (run `chmod go-w {folder}` if it is yours, or set {CACHE_ENV} to a folder of"
            " your own; results are the same, only slower)",
            file=sys.stderr,
        )
    return False


def read(kind: str, key: str) -> Any | None:
    """The entry stored under (kind, key), or None: absent, unreadable or not what was asked for."""
    if not _trusted():
        return None
    path = _path(kind, key)
    try:
        with open(path, "rb") as fh:
            fmt, stored_key, payload = pickle.load(fh)
            used = os.fstat(fh.fileno()).st_mtime
    except Exception:  # any damage is a miss: the entry is recomputed and written again
        return None
    if fmt != FORMAT or stored_key != key:
        return None
    if time.time() - used > TOUCH_S:  # mark it recently used, for the size cap's eviction order
        with contextlib.suppress(OSError):
            os.utime(path)
    return payload


def write(kind: str, key: str, payload: Any) -> bool:
    """Store an entry atomically; False when the cache folder is not writable (the run goes on)."""
    if not _trusted():
        return False
    path = _path(kind, key)
    tmp: Path | None = None
    try:
        (cache_dir() / "towns").mkdir(parents=True, exist_ok=True, mode=0o700)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-", delete=False) as fh:
            tmp = Path(fh.name)
            pickle.dump((FORMAT, key, payload), fh, protocol=pickle.HIGHEST_PROTOCOL)
            size = fh.tell()
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return False
    _budget.wrote(path, size)
    return True


def stats() -> tuple[Path, int, int]:
    """(folder, entries, bytes) of the cache."""
    root = cache_dir() / "towns"
    entries = prune.scan(root)[0]
    return root, len(entries), sum(e.size for e in entries)


def prune_now(max_bytes: int | None = None) -> tuple[int, int, int]:
    """Remove least recently used entries down to max_bytes (default: the cap); (removed, freed, left)."""
    return prune.prune(cache_dir() / "towns", prune.max_bytes() if max_bytes is None else max_bytes)


def clear() -> int:
    """Remove every entry; the number removed."""
    root, n, _size = stats()
    shutil.rmtree(root, ignore_errors=True)
    return n
