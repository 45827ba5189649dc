"""Files around a plan: the inventory without the town being planned, backups, the NOFBI handoff line."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError
from countynet.inventory.limits import safe_yaml_load
from countynet.inventory.loader import LOCK_FILE, NETWORK_FILE, NOFBI_FILE, TOWNS_DIR, Inventory, load


@contextmanager
def others(root: Path, town_file: Path) -> Iterator[Inventory]:
    """The inventory as if `town_file` did not exist (it may be a stub the schema refuses)."""
    with tempfile.TemporaryDirectory(prefix="cn-plan-") as tmp:
        t = Path(tmp)
        for name in (NETWORK_FILE, NOFBI_FILE, LOCK_FILE):  # copies: the loader refuses links out of the folder
            if (root / name).exists():
                shutil.copyfile(root / name, t / name)
        (t / TOWNS_DIR).mkdir()
        for f in sorted((root / TOWNS_DIR).glob("*.y*ml")):
            if f.resolve() != town_file.resolve():
                shutil.copyfile(f, t / TOWNS_DIR / f.name)
        if not any((t / TOWNS_DIR).iterdir()):
            (t / TOWNS_DIR / "_none.yml").write_text("")  # the loader wants a town file; none is planned yet
        result = _load_or_explain(t)
        yield result


def _load_or_explain(root: Path) -> Inventory:
    try:
        result = load(root)
    except CountynetError:
        raise
    if result.inventory is None:
        real = [f for f in result.findings if "_none.yml" not in str(f.pos)]
        if real:
            raise CountynetError(
                f"the rest of the inventory does not load: {real[0].format()}",
                "run `countynet validate` and fix it first",
            )
        raise CountynetError("the inventory has no town yet", "plan into an inventory with at least one town file")
    return result.inventory


def read_existing(path: Path) -> dict[str, Any]:
    """The town file as plain data (a stub or a planned town), {} when absent."""
    if not path.exists():
        return {}
    data = safe_yaml_load(path) or {}  # a stub from a pull request: within the loading budget
    if not isinstance(data, dict):
        raise CountynetError(f"{path} does not hold a mapping", "a stub holds name, county, location, nofbi_pop, hub")
    return data


def write_with_backup(path: Path, text: str) -> Path | None:
    """Replace `path` atomically; an existing file is first copied to `<path>.bak`."""
    backup = None
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return None
        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return backup


def with_handoff(root: Path, pop: str, town: str, prefix: IPv4Network) -> str:
    """nofbi.yml with `{town: T, prefix: P}` appended to the PoP's handoffs (a text edit: comments survive)."""
    path = root / NOFBI_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(
        (i for i, ln in enumerate(lines) if re.match(rf"^\s*-\s+name:\s*{re.escape(pop)}\s*(#.*)?$", ln)), None
    )
    if start is None:
        raise CountynetError(f"PoP '{pop}' not found in nofbi.yml as `- name: {pop}`", "add the handoff by hand")
    hand = next((i for i in range(start + 1, len(lines)) if re.match(r"^\s*handoffs:\s*$", lines[i])), None)
    nxt = next((i for i in range(start + 1, len(lines)) if re.match(r"^\s{0,3}-\s+name:", lines[i])), len(lines))
    if hand is None or hand > nxt:
        raise CountynetError(f"PoP '{pop}' has no block `handoffs:` list in nofbi.yml", "add the handoff by hand")
    last, indent = hand, None
    for i in range(hand + 1, nxt):
        m = re.match(r"^(\s*)-\s", lines[i])
        if m:
            last, indent = i, m[1]
        elif lines[i].strip() and not lines[i].lstrip().startswith("#"):
            break
    indent = indent if indent is not None else re.match(r"^(\s*)", lines[hand])[1] + "  "  # type: ignore[index]
    lines.insert(last + 1, f"{indent}- {{town: {town}, prefix: {prefix}}}   # placeholder from `countynet plan town`\n")
    return "".join(lines)
