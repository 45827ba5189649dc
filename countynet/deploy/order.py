"""Rollout order: canary first, then per town from the edge inwards, in batches.

A device is changed before the links it depends on (deepest first), so a change never cuts
the branch the controller sits on while devices behind it still wait for theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby


@dataclass(frozen=True)
class Target:
    name: str
    town: str
    depth: int


def stages(targets: list[Target], canary: int = 0, batch_size: int | None = None) -> list[list[str]]:
    ordered = sorted(targets, key=lambda t: (t.town, -t.depth, t.name))
    out: list[list[str]] = []
    if canary > 0:
        out.append([t.name for t in ordered[:canary]])
        ordered = ordered[canary:]
    for _key, group in groupby(ordered, key=lambda t: (t.town, t.depth)):
        names = [t.name for t in group]
        size = batch_size or len(names)
        out += [names[i : i + size] for i in range(0, len(names), size)]
    return out
