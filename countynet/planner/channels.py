"""Channels by colouring the interference graph; power lowered to what the margin target needs.

Vertices are channel owners (sectors, PtP links) of the town; an edge joins two owners on one
tower, or whose radios hear each other at the noise floor (radio.interference, the CN307 test,
with a guard). Owners of neighbouring towns are pre-coloured. DSatur order (most constrained
first); each owner takes the first channel in preference order that no neighbour uses and that
its hops can work on within the band's EIRP limit: 5725-5875 MHz (2 W), then 5150-5250 MHz
(200 mW, PtP only), then DFS channels only where `planner.dfs: allow`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from countynet.planner.draft import Draft, LinkDraft, SectorDraft
from countynet.radio import formulas as fx
from countynet.radio.interference import Owner, may_reach, reach_km, worst
from countynet.radio.spectrum import channel_edges, is_dfs, overlaps

UPPER = [5745.0, 5765.0, 5785.0, 5805.0, 5825.0, 5845.0, 5865.0]  # 5725-5875 MHz, no DFS, 2 W
LOWER = [5180.0, 5200.0, 5220.0, 5240.0]  # 5150-5250 MHz, no DFS, 200 mW: short hops only
DFS = [5260.0, 5280.0, 5300.0, 5320.0, *(5500.0 + 20 * i for i in range(11))]
GUARD_DB = 3.0  # planning margin on the CN307 test: a channel's power or frequency may shift slightly
HORIZON_KM = 60.0
COMPOUND_KM = 0.05  # radios closer than this share a compound (the hub and its tower)


@dataclass
class Vertex:
    key: str
    draft: SectorDraft | LinkDraft
    owner: Owner
    fixed: float | None = None
    neighbours: set[str] = field(default_factory=set)
    compound: set[str] = field(default_factory=set)  # neighbours on the same tower or compound: never shared
    banned: list[tuple[float, float]] = field(default_factory=list)  # channels of neighbouring towns it hears
    colour: float | None = None


def candidates(v: Vertex, dfs_allowed: bool) -> list[float]:
    """Channels in preference order: a link takes 200 mW channels first when it works there (it is
    short), leaving the 2 W band to sectors and long links; DFS only when the policy allows."""
    out = LOWER + UPPER if isinstance(v.draft, LinkDraft) else UPPER + LOWER
    if dfs_allowed:
        out += DFS
    return out


def build_graph(mine: dict[str, Vertex], others: list[Owner]) -> None:
    """Edges among the town's owners, and the channels of other towns' owners each one hears."""
    everyone = [v.owner for v in mine.values()] + others
    reach = {id(o): reach_km(o) for o in everyone}
    verts = list(mine.values())
    for i, v in enumerate(verts):
        for w in verts[i + 1 :]:
            a, b = v.owner.anchor, w.owner.anchor
            if v.owner.towers & w.owner.towers or fx.haversine_km(a.lat, a.lon, b.lat, b.lon) < COMPOUND_KM:
                v.compound.add(w.key)
                w.compound.add(v.key)
            if w.key in v.compound or (
                may_reach(v.owner, w.owner, reach, HORIZON_KM) and worst(v.owner, w.owner, -GUARD_DB)[0] >= -GUARD_DB
            ):
                v.neighbours.add(w.key)
                w.neighbours.add(v.key)
        for o in others:
            if may_reach(v.owner, o, reach, HORIZON_KM) and worst(v.owner, o, -GUARD_DB)[0] >= -GUARD_DB:
                v.banned.append(o.anchor.edges)


def _free(v: Vertex, mine: dict[str, Vertex], freq: float) -> bool:
    edges = channel_edges(freq, 20)
    if any(overlaps(edges, b) for b in v.banned):
        return False
    for n in v.neighbours:
        c = mine[n].colour if mine[n].colour is not None else mine[n].fixed
        if c is not None and overlaps(edges, channel_edges(c, 20)):
            return False
    return True


def colour(mine: dict[str, Vertex], feasible: Callable[[Vertex, float], bool], dfs_allowed: bool, draft: Draft) -> None:
    """DSatur over the unfixed vertices; a vertex with no free channel gets the least-shared one (a finding)."""
    todo = {k for k, v in mine.items() if v.fixed is None}

    def saturation(k: str) -> tuple[int, int, str]:
        used = {mine[n].colour or mine[n].fixed for n in mine[k].neighbours} - {None}
        return (-len(used), -len(mine[k].neighbours), k)

    while todo:
        k = min(todo, key=saturation)
        v = mine[k]
        todo.discard(k)
        options = [f for f in candidates(v, dfs_allowed) if feasible(v, f)]
        free = [f for f in options if _free(v, mine, f)]
        if free:
            v.colour = free[0]
            continue
        lawful = [f for f in options if _free(Vertex(k, v.draft, v.owner, neighbours=v.compound), mine, f)]
        if not lawful:  # one compound never shares: a DFS channel (a warning) before an overlap (an error)
            lawful = [
                f for f in DFS if feasible(v, f) and _free(Vertex(k, v.draft, v.owner, neighbours=v.compound), mine, f)
            ]
        v.colour = min(
            lawful or options or UPPER[:1],
            key=lambda f: sum(not _free(Vertex(k, v.draft, v.owner, neighbours={n}), mine, f) for n in v.neighbours),
        )
        draft.shared += 1
        draft.findings.append(
            f"{v.key}: every usable channel is heard by a neighbour; {v.colour:g} MHz is shared (CN307 will warn): "
            "add a tower, narrow the sectors or allow DFS (planner.dfs)"
        )
    for v in mine.values():
        if v.colour is not None and is_dfs(v.colour, 20):
            draft.notes.append(f"{v.key}: DFS channel {v.colour:g} MHz (planner.dfs: allow); radar may move it")
