"""Helpers shared by the rule modules: walking devices, names of known platforms, positions."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from countynet.errors import Pos
from countynet.inventory.loader import LOCK_FILE, Inventory
from countynet.inventory.model import BaseStation, Hub, Site, Town

T = TypeVar("T")


def nodes(inv: Inventory) -> Iterator[tuple[Town, Hub | BaseStation | Site]]:
    """Every device as written (duplicates included), in file order: hub, base stations, sites."""
    for town in inv.towns:
        yield town, town.hub
        yield from ((town, bs) for bs in town.base_stations)
        yield from ((town, s) for s in town.sites)


def repeats(items: Iterable[T], key: Callable[[T], Hashable]) -> Iterator[tuple[T, T]]:
    """(item, first item with the same key) for every item whose key was seen before."""
    seen: dict[Hashable, T] = {}
    for item in items:
        first = seen.setdefault(key(item), item)
        if first is not item:
            yield item, first


def role_of(node: Hub | BaseStation | Site) -> str:
    return {Hub: "hub", BaseStation: "base station", Site: "site"}.get(type(node), "device")


def known_platforms() -> frozenset[str]:
    """Platform names from the platform registry."""
    from countynet.platforms import names

    return names()


def display(inv: Inventory, path: Path) -> str:
    """A file name as the loader shows it (relative to the working folder when possible)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def lock_file(inv: Inventory) -> str:
    return display(inv, inv.root / LOCK_FILE)


def lock_pos(inv: Inventory, *keys: str) -> Pos:
    """Position of a key path inside allocations.yml (its nearest existing ancestor)."""
    return inv.smap.find(lock_file(inv), ("towns", *keys) if keys else ())


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"
