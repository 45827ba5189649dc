"""Load an inventory folder into the typed model, keeping file:line for every object.

Schema problems are returned as findings (rule CN001/CN002) so that one run reports all
of them; only an unreadable folder stops the load with a CountynetError. Every file is read
within the loading budget (countynet.inventory.limits): a file the budget refuses (too large,
too deep, an alias bomb, a symlink out of the folder...) is one finding, CN000-CN009.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from countynet.errors import CountynetError, Pos
from countynet.findings import Finding
from countynet.inventory import limits as lim
from countynet.inventory.limits import Budget, InputRefused, Limits
from countynet.inventory.model import Network, Node, Nofbi, Town
from countynet.inventory.yaml_source import SourceMap, load_yaml

NETWORK_FILE = "network.yml"
NOFBI_FILE = "nofbi.yml"
TOWNS_DIR = "towns"
LOCK_FILE = "allocations.yml"


_UNREADABLE = object()


@dataclass
class Inventory:
    """The whole inventory as written, plus where each part came from."""

    root: Path
    network: Network
    nofbi: Nofbi
    towns: list[Town]
    lock: dict[str, Any]
    smap: SourceMap
    lock_present: bool = False

    def town(self, name: str) -> Town | None:
        return next((t for t in self.towns if t.name == name), None)


@dataclass
class LoadResult:
    inventory: Inventory | None
    findings: list[Finding] = field(default_factory=list)


def _display(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many long-lived objects.

    Loading allocates hundreds of thousands of objects that all stay alive; with the collector
    on, every few hundred allocations trigger a scan of the young ones, which costs more than
    the parsing itself on a national inventory. Reference counting still frees garbage.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load(root: Path | str, limits: Limits | None = None) -> LoadResult:
    """Read network.yml, nofbi.yml, towns/*.yml and the allocation lock from `root`, within `limits`."""
    with gc_paused():
        return _load(root, limits or lim.current())


def _town_files(root: Path, limits: Limits, findings: list[Finding]) -> list[Path]:
    """towns/*.yml and *.yaml; more than the `files` limit is one finding and none are read."""
    folder = root / TOWNS_DIR
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if len(files) > limits.files:
        findings.append(
            Finding(
                lim.FILES,
                "error",
                f"{len(files)} town files, over the files limit of {limits.files}",
                "raise COUNTYNET_LIMIT_FILES if this is a real inventory",
                Pos(_display(root, folder)),
            )
        )
        return []
    return files


def _load(root: Path | str, limits: Limits) -> LoadResult:
    root = Path(root)
    if not root.is_dir():
        raise CountynetError(
            f"inventory folder not found: {root}", "pass --inventory DIR with network.yml, nofbi.yml and towns/"
        )
    smap = SourceMap()
    findings: list[Finding] = []
    budget = Budget(limits)

    def read(path: Path) -> Any:
        try:
            return load_yaml(path, smap, _display(root, path), budget, root)
        except InputRefused as exc:
            pos = exc.where if isinstance(exc.where, Pos) else Pos(_display(root, path))
            findings.append(Finding(exc.rule, "error", exc.what, exc.fix, pos))
            return _UNREADABLE

    net_path, nofbi_path = root / NETWORK_FILE, root / NOFBI_FILE
    network = _parse(Network, read(net_path), _display(root, net_path), smap, findings)
    nofbi = _parse(Nofbi, read(nofbi_path), _display(root, nofbi_path), smap, findings)
    town_files = _town_files(root, limits, findings)
    if not town_files and not findings:
        raise CountynetError(f"no town files in {root / TOWNS_DIR}", "add one towns/<town>.yml per town")
    towns = [_parse(Town, read(p), _display(root, p), smap, findings) for p in town_files]

    lock_path = root / LOCK_FILE
    lock: Any = {}
    if lock_path.exists():
        lock = read(lock_path) or {}
        if lock is _UNREADABLE:
            lock = {}
        elif not isinstance(lock, dict):
            raise CountynetError(
                "allocations.yml is not a mapping",
                "delete it and run `countynet allocate`",
                Pos(_display(root, lock_path)),
            )
    for pos, key in smap.duplicates:
        findings.append(
            Finding(
                "CN002", "error", f"duplicate key '{key}'", "each key may appear once in a mapping; merge them", pos
            )
        )
    if network is None or nofbi is None or any(t is None for t in towns) or findings:
        return LoadResult(None, findings)
    inv = Inventory(root, network, nofbi, typing.cast(list[Town], towns), lock, smap, lock_path.exists())
    return LoadResult(inv, findings)


def _parse(cls: type[Node], data: Any, file: str, smap: SourceMap, findings: list[Finding]) -> Any:
    if data is _UNREADABLE:
        return None
    if not isinstance(data, dict):
        findings.append(
            Finding(
                "CN001",
                "error",
                f"{file} must hold a mapping of keys, not {type(data).__name__}",
                f"start the file with the keys of a {cls.__name__.lower()}",
                Pos(file, 1, 1),
            )
        )
        return None
    try:
        obj = cls.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            findings.append(
                Finding("CN001", "error", _message(err, loc), _hint(cls, err, loc), smap.find(file, _path_only(loc)))
            )
        return None
    _attach(obj, file, (), smap)
    return obj


def _path_only(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    return tuple(x for x in loc if isinstance(x, int | str))


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part[:1].isupper():
            continue  # pydantic's union-member labels, meaningless to a user
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


def _message(err: Any, loc: tuple[Any, ...]) -> str:
    where = _dotted(loc)
    if err["type"] == "missing":
        return f"'{where}' is required"
    if err["type"] == "extra_forbidden":
        return f"unknown key '{where}'"
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"'{where}': {err['msg'].rstrip('.')} (got {shown})"


def _hint(cls: type[BaseModel], err: Any, loc: tuple[Any, ...]) -> str:
    if err["type"] == "missing":
        return f"add '{loc[-1]}' here"
    if err["type"] == "extra_forbidden":
        owner = _model_at(cls, loc[:-1])
        if owner is not None:
            allowed = sorted(owner.model_fields)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            if close:
                return f"did you mean '{close[0]}'?"
            return "allowed keys: " + ", ".join(allowed)
        return "remove it"
    return "correct the value's type or range"


def _model_at(cls: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Follow a pydantic error location through the model classes."""
    current: Any = cls
    for part in loc:
        current = _unwrap(current, part)
        if current is None:
            return None
    current = _unwrap(current, None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any, part: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0], part)
    if origin in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(part, str) and part[:1].isupper():
            return next((m for m in models if m.__name__ == part), None)
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _unwrap(inner[0], part) if len(inner) == 1 else (models[0] if models else None)
    if part is None:
        return tp
    if origin is list and isinstance(part, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
        f = tp.model_fields.get(part)
        return f.annotation if f else None
    return None


def _holds_nodes(tp: Any) -> bool:
    """Whether values of type `tp` can be (or contain) inventory objects."""
    if isinstance(tp, type):
        return issubclass(tp, Node)
    return any(_holds_nodes(a) for a in typing.get_args(tp))


_NODE_FIELDS: dict[type, tuple[str, ...]] = {}


def _node_fields(cls: type[Node]) -> tuple[str, ...]:
    """The fields of `cls` that can hold inventory objects; the others need no walk."""
    names = _NODE_FIELDS.get(cls)
    if names is None:
        names = _NODE_FIELDS[cls] = tuple(n for n, f in cls.model_fields.items() if _holds_nodes(f.annotation))
    return names


def _attach(obj: Any, file: str, path: tuple[str | int, ...], smap: SourceMap) -> None:
    """Give every model object its file, path and position, for findings."""
    if isinstance(obj, Node):
        private: dict[str, Any] = obj.__pydantic_private__  # type: ignore[assignment]  # set directly: pydantic's __setattr__ is slow per object
        private["_file"] = file
        private["_path"] = path
        private["_pos"] = smap.find(file, path)
        private["_smap"] = smap
        for name in _node_fields(type(obj)):
            _attach(getattr(obj, name), file, (*path, name), smap)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            _attach(item, file, (*path, i), smap)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            _attach(item, file, (*path, key), smap)
