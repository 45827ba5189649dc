"""Keeping the plan cache under its size cap: least recently used entries go first.

Every distinct town-file content adds entries, so without a cap the folder only grows. A read
marks an entry used by setting its mtime (at most once an hour per entry, see store.read); when
a write takes the folder past the cap, the oldest entries are removed until it is back under
LOW_WATER of the cap, so the next few writes do not prune again. The folder is measured once per
process (on its first write) and the figure kept up to date from the entries it writes; other
processes writing at the same time only make that figure low, and the next process measures
again.

Other processes may read, write or prune the same folder at any moment: a file that vanishes
while it is being measured or removed is simply skipped.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from countynet.errors import CountynetError

MAX_ENV = "COUNTYNET_CACHE_MAX_MB"
DEFAULT_MAX_MB = 512
LOW_WATER = 0.8  # an automatic prune leaves the folder at 80 % of the cap
STALE_TMP_S = 3600.0  # a temporary file this old was left by a process that died mid-write
MIB = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    path: Path
    size: int
    used: float  # mtime: when the entry was last written or read


def max_bytes() -> int:
    """The cap: COUNTYNET_CACHE_MAX_MB (MiB, a whole number > 0) or 512 MiB."""
    text = os.environ.get(MAX_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_MB * MIB
    if not text.isdigit() or int(text) <= 0:
        raise CountynetError(
            f"{MAX_ENV}={text!r} is not a size in MiB",
            f"write a whole number above 0, e.g. {MAX_ENV}={DEFAULT_MAX_MB}, or unset it for the default",
        )
    return int(text) * MIB


def scan(root: Path) -> tuple[list[Entry], list[Path]]:
    """(entries, stale temporary files) under root; anything that vanishes meanwhile is skipped."""
    entries: list[Entry] = []
    stale: list[Path] = []
    now = time.time()
    try:
        shards = [d for d in os.scandir(root) if d.is_dir(follow_symlinks=False)]
    except OSError:
        return entries, stale
    for shard in shards:
        try:
            files = list(os.scandir(shard.path))
        except OSError:
            continue
        for f in files:
            try:
                st = f.stat(follow_symlinks=False)
            except OSError:
                continue
            if f.name.startswith(".tmp-"):
                if now - st.st_mtime > STALE_TMP_S:
                    stale.append(Path(f.path))
            elif f.is_file(follow_symlinks=False):
                entries.append(Entry(Path(f.path), st.st_size, st.st_mtime))
    return entries, stale


def prune(root: Path, target: int) -> tuple[int, int, int]:
    """Remove the least recently used entries until at most `target` bytes remain.

    Returns (entries removed, bytes freed, bytes left). Stale temporary files go too.
    """
    entries, stale = scan(root)
    for tmp in stale:
        with contextlib.suppress(OSError):
            tmp.unlink()
    left = sum(e.size for e in entries)
    removed = freed = 0
    for entry in sorted(entries, key=lambda e: e.used):
        if left <= target:
            break
        left -= entry.size  # gone either way: removed here, or by another process meanwhile
        try:
            entry.path.unlink()
        except OSError:
            continue
        removed += 1
        freed += entry.size
    return removed, freed, left


class Budget:
    """This process's view of the folder's size, to prune only when a write crosses the cap."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.used = 0

    def wrote(self, root: Path, size: int) -> None:
        """Account a written entry; prune to LOW_WATER when the folder is past the cap."""
        cap = max_bytes()
        if self.root != root:  # first write of this process (or the folder changed): measure it
            self.root = root
            self.used = sum(e.size for e in scan(root)[0])
        else:
            self.used += size
        if self.used > cap:
            self.used = prune(root, int(cap * LOW_WATER))[2]
