"""Rollout order: canary first, then per town from the edge inwards, in batches.

A device is changed before the links it depends on (deepest first), so a change never cuts
the branch the controller sits on while devices behind it still wait for theirs. Towns are
independent (each hangs off its own NOFBI hub), so with `overlap_towns` the k-th level of every
town runs in the same stage: the order inside each town is unchanged, only the wait for other
towns goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby


@dataclass(frozen=True)
class Target:
    name: str
    town: str
    depth: int


def stages(
    targets: list[Target], canary: int = 0, batch_size: int | None = None, overlap_towns: bool = False
) -> list[list[str]]:
    ordered = sorted(targets, key=lambda t: (t.town, -t.depth, t.name))
    out: list[list[str]] = []
    if canary > 0:
        out.append([t.name for t in ordered[:canary]])
        ordered = ordered[canary:]
    per_town: dict[str, list[list[str]]] = {}
    for (town, _depth), group in groupby(ordered, key=lambda t: (t.town, t.depth)):
        per_town.setdefault(town, []).append([t.name for t in group])
    levels = [level for town in per_town.values() for level in town]
    if overlap_towns and per_town:
        deepest = max(len(town) for town in per_town.values())
        levels = [[n for town in per_town.values() if k < len(town) for n in town[k]] for k in range(deepest)]
    for names in levels:
        size = batch_size or len(names)
        out += [names[i : i + size] for i in range(0, len(names), size)]
    return out
