"""Keeping the plan cache under its size cap: least recently used entries go first.

Every distinct town-file content adds entries, so without a cap the folder only grows. A read
marks an entry used by setting its mtime (at most once an hour per entry, see store.read); when
a write takes the folder past the cap, the oldest entries are removed until it is back under
LOW_WATER of the cap, so the next few writes do not prune again. The folder's size is estimated
once per process (on its first write, from a few of its shards) and the figure kept up to date
from the entries it writes; only when it says the cap is passed is every entry measured. Other
processes writing at the same time only make that figure low; the next process estimates again.

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
SHARDS = 256  # entries sit in root/<first two hex digits of the key>/
SAMPLE = 8  # shards measured to estimate the folder's size


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


def scan(root: Path, shards: list[str] | None = None) -> tuple[list[Entry], list[Path]]:
    """(entries, stale temporary files) under root, or under some of its shards; anything that
    vanishes meanwhile is skipped."""
    entries: list[Entry] = []
    stale: list[Path] = []
    if shards is None:
        try:
            shards = [d.name for d in os.scandir(root) if d.is_dir(follow_symlinks=False)]
        except OSError:
            return entries, stale
    now = time.time()
    for shard in shards:
        try:
            files = list(os.scandir(root / shard))
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


def estimate(root: Path, shard: str) -> int:
    """The folder's size from SAMPLE of its 256 shards (keys are hashes, spread evenly over them).

    A few milliseconds where measuring all of a full folder (tens of thousands of entries) takes
    most of a second. With a few thousand entries it is within about a fifth, so the cap is a soft
    one: an estimate past it only makes prune measure properly, one short of it leaves the prune
    to a later run.
    """
    first = int(shard, 16)
    names = [f"{(first + k) % SHARDS:02x}" for k in range(SAMPLE)]
    return sum(e.size for e in scan(root, names)[0]) * (SHARDS // SAMPLE)


def prune(root: Path, target: int, over: int = 0) -> tuple[int, int, int]:
    """Remove the least recently used entries until at most `target` bytes remain (nothing when
    the folder holds no more than `over` bytes). Returns (entries removed, bytes freed, bytes left).
    Stale temporary files go too."""
    entries, stale = scan(root)
    for tmp in stale:
        with contextlib.suppress(OSError):
            tmp.unlink()
    left = sum(e.size for e in entries)
    removed = freed = 0
    if left <= over:
        return removed, freed, left
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

    def wrote(self, path: Path, size: int) -> None:
        """Account an entry just written at root/shard/name; past the cap, prune to LOW_WATER of it."""
        cap = max_bytes()
        root = path.parent.parent
        if self.root != root:  # first write of this process (or the folder changed): estimate it
            self.root = root
            self.used = estimate(root, path.parent.name)
        else:
            self.used += size
        if self.used > cap:
            self.used = prune(root, int(cap * LOW_WATER), over=cap)[2]
