"""Feature: service classes on the air (network.yml `services.*.qos`, settings in `qos`).

Why per device and per hop: the radio hops are the scarce resource, and a queue only helps
where it builds. Every radio-facing interface (PtP end, sector AP, station) and the NOFBI
handoff gets a queue shaped to `shape_ratio` x that hop's planned capacity in the direction the
interface sends (so the queue is in the router, not in the radio), with a guaranteed rate per
class (critical, then business, the rest best effort) and the whole rate as every class's
ceiling. Traffic is classified on every device that queues, by service prefix and port in both
directions (to the service: destination; back from it: source), because a packet mark does not
travel between routers; unmarked traffic is best effort.

Rates are whole kbit/s, the shaped rate a multiple of 100 kbit/s so every class's share
(whole percents) is exact on every platform.
"""

from __future__ import annotations

import math
from typing import Any

from countynet.intent.features.interfaces import DeviceFacts
from countynet.intent.names import num

CLASSES = ("critical", "business", "default")
HANDLE = {"critical": "1:10", "business": "1:20", "default": "1:30"}  # HTB class ids (FRR stand-in)
MARK = {"critical": "cn-critical", "business": "cn-business", "default": None}  # RouterOS packet marks
ACL = {"critical": "CN-QOS-CRITICAL", "business": "CN-QOS-BUSINESS", "default": None}  # IOS class-maps/ACLs
CHILD_POLICY = "CN-QOS-CLASSES"
QUEUED_KINDS = ("handoff", "ptp", "sector", "station")
# a class's own FIFO, in packets: Linux sizes an HTB leaf from the device's txqueuelen (0 on a
# bridge, which would leave one packet); 100 full frames are ~50 ms at 24 Mbit/s
LEAF_PACKETS = 100


def percents(f: DeviceFacts) -> dict[str, int]:
    """Whole-percent guaranteed shares per class; best effort gets what is left."""
    q = f.inv.network.qos
    crit, bus = round(q.critical_share * 100), round(q.business_share * 100)
    return {"critical": crit, "business": bus, "default": 100 - crit - bus}


def qos(f: DeviceFacts, interfaces: list[dict[str, Any]], services: list[str]) -> dict[str, Any]:
    """The device's classes, marks and queues (no marks and no queues: nothing radio-facing)."""
    pct = percents(f)
    queues = [q for e in interfaces if e["kind"] in QUEUED_KINDS and (q := _queue(f, e, pct)) is not None]
    marks = _marks(f, services) if queues else []
    policies = {q["logical"]: q["policy"] for q in queues}
    for e in interfaces:  # what an interface attaches (IOS `service-policy output`)
        e["qos_policy"] = policies.get(e["logical"])
    classes = [
        {"name": c, "percent": pct[c], "priority": i + 1, "handle": HANDLE[c], "mark": MARK[c], "acl": ACL[c],
         "services": sorted({m["service"] for m in marks if m["class"] == c})}
        for i, c in enumerate(CLASSES)
    ]  # fmt: skip
    return {"classes": classes if queues else [], "marks": marks, "queues": queues, "child_policy": CHILD_POLICY}


def _marks(f: DeviceFacts, services: list[str]) -> list[dict[str, Any]]:
    """Both directions of every non-default service the device can carry: to it, and back from it."""
    net = f.inv.network
    names = services if f.dev.role == "agency" else sorted(f.town.carried)
    out = []
    for name in sorted(n for n in names if n in net.services):
        svc = net.services[name]
        if svc.qos == "default":
            continue  # best effort is what is left: nothing to mark
        for p in svc.prefixes:
            for match in ("destination", "source"):
                out.append({"service": name, "class": svc.qos, "match": match, "prefix": str(p), "protocol": "tcp",
                            "ports": list(svc.ports), "mark": MARK[svc.qos], "handle": HANDLE[svc.qos],
                            "comment": f"qos {name} {'to' if match == 'destination' else 'from'} {p}"})  # fmt: skip
    return out


def _queue(f: DeviceFacts, e: dict[str, Any], pct: dict[str, int]) -> dict[str, Any] | None:
    cap = capacity_mbps(f, e)
    if cap is None or cap <= 0:
        return None
    rate = math.floor(cap * f.inv.network.qos.shape_ratio * 10) * 100  # kbit/s, a multiple of 100
    if rate <= 0:
        return None
    classes = [
        {"name": c, "rate_kbit": rate * pct[c] // 100, "ceil_kbit": rate, "percent": pct[c], "priority": i + 1,
         "handle": HANDLE[c], "mark": MARK[c], "acl": ACL[c]}
        for i, c in enumerate(CLASSES)
    ]  # fmt: skip
    return {"interface": e["name"], "logical": e["logical"], "kind": e["kind"], "capacity_mbps": num(cap),
            "rate_kbit": rate, "rate_bps": rate * 1000, "leaf_packets": LEAF_PACKETS, "default_minor": HANDLE["default"].split(":")[1], "policy": f"CN-QOS-{e['logical'].upper()}", "classes": classes}  # fmt: skip


def capacity_mbps(f: DeviceFacts, e: dict[str, Any]) -> float | None:
    """What the hop behind interface `e` carries in the direction this device sends (None: unplanned)."""
    if e["kind"] == "handoff":
        return f.inv.network.qos.handoff_mbps
    plan = f.radio.plan
    seg = e.get("segment")
    if plan is None or seg is None or not hasattr(plan, "for_link"):
        return None
    if e["kind"] == "ptp":
        lp = plan.for_link(seg)
        if lp is None:
            return None
        return float(lp.ab.capacity_mbps if lp.a.device == f.dev.name else lp.ba.capacity_mbps)
    if e["kind"] == "station":
        lp = plan.for_station(f.dev.name, seg)
        return float(lp.ba.capacity_mbps) if lp is not None else None
    sp = plan.for_sector(seg)  # the AP sends to every station: equal air time over their downlinks
    caps = [s.ab.capacity_mbps for s in sp.stations] if sp is not None else []
    if not caps or min(caps) <= 0:
        return None
    return len(caps) / sum(1 / c for c in caps)
