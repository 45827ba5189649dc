"""An inventory folder cut into towns: each town's own inputs, and a one-town folder to compute it in.

A one-town folder holds the shared files, the town's file under its own name and the lock's
header with the town's own section: every position a finding names in the town's file, the shared
files and the lock's header is the one the whole inventory would name; positions inside the
town's section of the lock are kept relative to the section (unit.py), which moves anyway when an
earlier town grows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from countynet.errors import CountynetError
from countynet.inventory import limits as lim
from countynet.inventory.loader import LOCK_FILE, NETWORK_FILE, NOFBI_FILE, TOWNS_DIR
from countynet.plancache.keys import code_hash, digest, environment_hash

TOWN_NAME = re.compile(r"^name:[ \t]*['\"]?([A-Za-z0-9_.-]+)", re.MULTILINE)


@dataclass
class TownInput:
    file: str  # relative to the inventory folder, posix: towns/<name>.yml
    name: str  # the town's name as its file writes it
    data: bytes
    section: tuple[int, int] | None = None  # the town's lines [start, end) in the lock

    key: str = ""


@dataclass
class FolderInputs:
    root: Path
    shared: dict[str, bytes]  # network.yml, nofbi.yml
    towns: list[TownInput]
    lock: list[str] | None  # the lock's lines (None: no lock file)
    lock_towns: set[str] = field(default_factory=set)
    towns_line: int = 0  # index of the lock's `towns:` line
    total_bytes: int = 0

    def town(self, name: str) -> TownInput | None:
        return next((t for t in self.towns if t.name == name), None)


def _read(path: Path, root: Path) -> bytes | None:
    try:
        return lim.read_user_file(path, root=root)
    except (CountynetError, OSError):
        return None


def _sections(lines: list[str]) -> tuple[int, dict[str, tuple[int, int]]] | None:
    """(index of `towns:`, {town: (first, end) line index}); None when not the generated layout."""
    try:
        start = lines.index("towns:\n")
    except ValueError:
        return None
    out: dict[str, tuple[int, int]] = {}
    current: str | None = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.startswith("    ") or not line.strip():
            if current is None:
                return None
            out[current] = (out[current][0], i + 1)
        elif line.startswith("  ") and line[2] not in " #" and line.rstrip().endswith(":"):
            current = line.strip()[:-1]
            if current in out:
                return None
            out[current] = (i, i + 1)
        else:
            return None  # flow style, comments or keys after `towns`: not the generated layout
    return start, out


def read_inputs(root: Path) -> FolderInputs | None:
    """Every town's inputs and key; None when the folder cannot be cut into towns (the caller goes the long way)."""
    limits = lim.current()
    folder = root / TOWNS_DIR
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if not files or len(files) > limits.files:
        return None
    shared: dict[str, bytes] = {}
    for name in (NETWORK_FILE, NOFBI_FILE):
        data = _read(root / name, root)
        if data is None:
            return None
        shared[name] = data
    towns = []
    for path in files:
        data = _read(path, root)
        m = TOWN_NAME.search(data.decode("utf-8", errors="replace")) if data is not None else None
        if data is None or m is None:
            return None
        towns.append(TownInput(f"{TOWNS_DIR}/{path.name}", m[1], data))
    inputs = FolderInputs(root, shared, towns, None)
    inputs.total_bytes = sum(map(len, shared.values())) + sum(len(t.data) for t in towns)
    if (root / LOCK_FILE).exists():
        raw = _read(root / LOCK_FILE, root)
        if raw is None:
            return None
        try:
            lines = raw.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            return None
        cut = _sections(lines)
        if cut is None:
            return None
        inputs.lock, inputs.lock_towns, inputs.towns_line = lines, set(cut[1]), cut[0]
        inputs.total_bytes += len(raw)
        for t in towns:
            t.section = cut[1].get(t.name)
        header = "".join(lines[: cut[0] + 1])
    else:
        header = None
    common = digest(code_hash(), environment_hash(), shared[NETWORK_FILE], shared[NOFBI_FILE], header)
    for t in towns:
        # Where the section sits is not part of the key: a town earlier in the lock growing by a line
        # moves it, and findings in it are stored relative to its first line (unit.py).
        body = "".join(inputs.lock[slice(*t.section)]) if inputs.lock and t.section else None
        t.key = digest(common, t.file, t.data, "lock" if inputs.lock is not None else None, body)
    return inputs


def write_town_folder(inputs: FolderInputs, town: TownInput, dest: Path) -> Path:
    """A folder holding the shared files, `town`'s file and the lock's header with the town's section only."""
    (dest / TOWNS_DIR).mkdir(parents=True)
    for name, data in inputs.shared.items():
        (dest / name).write_bytes(data)
    (dest / town.file).write_bytes(town.data)
    if inputs.lock is not None:
        head = inputs.lock[: inputs.towns_line + 1]
        body = inputs.lock[slice(*town.section)] if town.section else []
        (dest / LOCK_FILE).write_text("".join(head + body), encoding="utf-8")
    return dest


def unit_section_line(inputs: FolderInputs, town: TownInput) -> int | None:
    """The line the town's section starts at in its one-town folder's lock (1-based)."""
    return inputs.towns_line + 2 if town.section else None
