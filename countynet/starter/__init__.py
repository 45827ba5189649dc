"""`countynet init`: a starter repository for users who install countynet from PyPI instead of cloning.

The files ship as package data under starter/files/ (found with importlib.resources); names that start
with a dot are stored as `dot-<name>` so packaging tools do not drop them. After writing, the address
lock is generated with the allocator, so the example validates and renders as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from countynet import __version__
from countynet.errors import CountynetError

DOT = "dot-"
VERSION = b"@COUNTYNET_VERSION@"  # replaced by the installed version (the EE pins the countynet it was made with)
LOCK = "inventory/allocations.yml"  # generated after the files are written; never overwritten either


@dataclass
class InitResult:
    """What `init` wrote, which existing files it moved aside, and the generated lock."""

    root: Path
    written: list[str] = field(default_factory=list)
    backups: dict[str, str] = field(default_factory=dict)
    lock: str | None = None


def starter_files() -> dict[str, Traversable]:
    """Relative destination path -> shipped file, for every file of the starter repository."""
    out: dict[str, Traversable] = {}

    def walk(node: Traversable, rel: tuple[str, ...]) -> None:
        for child in node.iterdir():
            name = "." + child.name[len(DOT) :] if child.name.startswith(DOT) else child.name
            if child.is_dir():
                if child.name != "__pycache__":
                    walk(child, (*rel, name))
            else:
                out["/".join((*rel, name))] = child

    walk(files("countynet.starter").joinpath("files"), ())
    return dict(sorted(out.items()))


def _backup_name(path: Path) -> Path:
    n = 0
    while True:
        cand = path.with_name(f"{path.name}.bak" + (f".{n}" if n else ""))
        if not cand.exists():
            return cand
        n += 1


def init_repository(root: Path, backup: bool = False) -> InitResult:
    """Write the starter repository into `root`; refuse to overwrite unless `backup` moves files aside."""
    if root.exists() and not root.is_dir():
        raise CountynetError(f"{root} exists and is not a folder", "name a new or existing folder")
    plan = starter_files()
    clash = [rel for rel in [*plan, LOCK] if (root / rel).exists() or (root / rel).is_symlink()]
    if clash and not backup:
        shown = ", ".join(clash[:4]) + (f" and {len(clash) - 4} more" if len(clash) > 4 else "")
        raise CountynetError(
            f"{root}: would overwrite {shown}", "use an empty folder, or --backup to keep the old files as *.bak"
        )
    result = InitResult(root=root)
    for rel in clash:
        moved = _backup_name(root / rel)
        (root / rel).rename(moved)
        result.backups[rel] = str(moved.relative_to(root))
    for rel, src in plan.items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes().replace(VERSION, __version__.encode()))
        result.written.append(rel)
    result.lock = _allocate(root / "inventory")
    return result


def _allocate(inventory: Path) -> str | None:
    """Generate allocations.yml for the example (what `countynet allocate` does)."""
    from countynet.allocate.allocator import allocate
    from countynet.allocate.lockfile import write_lock
    from countynet.model import load_model

    model = load_model(inventory, cached=False)
    wrote = write_lock(model.inv.root, allocate(model.inv, model.topo).to_lock())
    return str(wrote.relative_to(inventory.parent)) if wrote else None
