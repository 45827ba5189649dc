"""The QoS items of the normal form (see base_normalize), shared by every platform's normalizer.

`qos mark <service> <to|from> <prefix>` = `<class> <protocol> <dst|src> <prefix> port <ports>`: what a
device classifies, one item per service, direction and prefix (the rule's comment/remark names it).
`qos <logical interface>` = `shape <kbit> kbit; critical <kbit> up to <kbit>; ...; unmarked <class>`:
the queue on a radio hop or the handoff, each class's guaranteed rate and ceiling, and the class
unmarked traffic falls into. Rates are kbit/s, whatever unit the platform writes (IOS: bit/s and
percents of the shaper, RouterOS: k/M, tc: kbit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from countynet.intent.features.qos import ACL, CLASSES, HANDLE, MARK
from countynet.platforms.base_normalize import Items, Names, logical

BY_HANDLE = {v: k for k, v in HANDLE.items()}
BY_MARK: dict[str | None, str] = {v: k for k, v in MARK.items() if v}
BY_MARK["no-mark"] = "default"
BY_ACL = {v: k for k, v in ACL.items() if v}
BY_ACL["class-default"] = "default"


@dataclass
class Mark:
    """One classifier rule as a platform writes it."""

    comment: str
    klass: str
    protocol: str
    side: str  # dst | src
    prefix: str
    ports: list[str]


def mark_items(marks: Iterable[Mark]) -> Items:
    """One item per service, direction and prefix; ports of rules with one comment are merged."""
    ports: dict[str, set[str]] = {}
    head: dict[str, str] = {}
    for m in marks:
        key = "qos mark " + m.comment.removeprefix("qos ")
        head.setdefault(key, f"{m.klass} {m.protocol} {m.side} {m.prefix}")
        ports.setdefault(key, set()).update(m.ports)
    return {k: f"{head[k]} port {','.join(sorted(ports[k], key=int))}" for k in head}


@dataclass
class Queue:
    """One interface's queue: the shaped rate, per class (guaranteed, ceiling), the unmarked class."""

    shape_kbit: int = 0
    classes: dict[str, tuple[int, int]] = field(default_factory=dict)
    unmarked: str = "?"


def queue_items(queues: Mapping[str, Queue], names: Names) -> Items:
    out: Items = {}
    for name, q in queues.items():
        parts = [f"shape {q.shape_kbit} kbit"]
        parts += [f"{c} {q.classes[c][0]} up to {q.classes[c][1]}" for c in CLASSES if c in q.classes]
        parts += [f"{c} {r} up to {ceil}" for c, (r, ceil) in sorted(q.classes.items()) if c not in CLASSES]
        out[f"qos {logical(names, name)}"] = "; ".join(parts) + f"; unmarked {q.unmarked}"
    return out


def kbit(value: str) -> int:
    """`127200k`, `45M`, `127200kbit`, `950000000` (bit/s) -> kbit/s."""
    v = value.lower().removesuffix("bit")
    if v.endswith("k"):
        return round(float(v[:-1]))
    if v.endswith("m"):
        return round(float(v[:-1]) * 1000)
    if v.endswith("g"):
        return round(float(v[:-1]) * 1_000_000)
    return round(float(v) / 1000)


def tc_queues(tc: str) -> dict[str, Queue]:
    """The queues of an FRR file's tc part (`tc -batch` lines: HTB qdisc, its root class, a class per leaf)."""
    out: dict[str, Queue] = {}
    for line in tc.splitlines():
        w = line.split()  # qdisc|class add|replace dev X ...
        if len(w) < 5 or w[2] != "dev":
            continue
        q = out.setdefault(w[3], Queue())
        opts = dict(zip(w[4::2], w[5::2], strict=False))
        if w[0] == "qdisc" and "default" in w:
            q.unmarked = BY_HANDLE.get("1:" + w[w.index("default") + 1], "?")
        elif w[0] == "class" and opts.get("parent") == "1:":
            q.shape_kbit = kbit(w[w.index("rate") + 1])
        elif w[0] == "class":
            klass = BY_HANDLE.get(w[w.index("classid") + 1], w[w.index("classid") + 1])
            q.classes[klass] = (kbit(w[w.index("rate") + 1]), kbit(w[w.index("ceil") + 1]))
    return out
