"""A Mermaid diagram of the changed part of the topology, for the pull-request comment.

GitHub and GitLab render ```mermaid blocks in comments. One subgraph per changed town; nodes are
the devices whose config changes (added, removed or changed) and the ends of every radio hop that
is added, removed or changed; edges are those hops, labelled with the head's fade margin.
"""

from __future__ import annotations

import re

from countynet.review.plan import Plan

MAX_NODES = 80  # a bigger diagram is unreadable in a comment; the tables below still list everything
STYLE = {
    "added": "fill:#dafbe1,stroke:#1a7f37",
    "removed": "fill:#ffebe9,stroke:#cf222e",
    "changed": "fill:#fff8c5,stroke:#9a6700",
    "context": "fill:#f6f8fa,stroke:#8c959f",
}
EDGE = {"added": '-- "{}" -->', "removed": '-. "{}" .->', "changed": '== "{}" ==>'}


def _id(name: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def _label(text: str) -> str:
    """Untrusted names inside a quoted Mermaid label: no quote, markup, backtick or line break survives."""
    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", str(text))
    for char, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(char, entity)
    return text


def mermaid(plan: Plan) -> list[str]:
    """Markdown lines (empty when no device, site or radio hop changes)."""
    status: dict[str, str] = {}
    town_of: dict[str, str] = {}
    for d in plan.devices:
        status[d.host], town_of[d.host] = d.status, d.town
    for t, s in plan.sites_added:
        status[s], town_of[s] = "added", t
    for t, s in plan.sites_removed:
        status[s], town_of[s] = "removed", t
    hops = [r for r in plan.radio if r.a and r.b]
    for r in hops:
        for end in (r.a, r.b):
            status.setdefault(end, "context")
            town_of.setdefault(end, r.town)
    if not status:
        return []
    if len(status) > MAX_NODES:
        return [f"_Topology diagram left out: {len(status)} devices change (more than {MAX_NODES})._", ""]
    out = ["### Topology of the change", "", "```mermaid", "graph LR"]
    for town in sorted(set(town_of.values())):
        out.append(f'  subgraph {_id("town_" + town)}["{_label(town)}"]')
        out += [f'    {_id(n)}["{_label(n)}"]:::{status[n]}' for n in sorted(status) if town_of[n] == town]
        out.append("  end")
    for r in sorted(hops, key=lambda h: h.id):
        label = f"{r.name} {r.margin_db} dB" if r.margin_db is not None else r.name
        out.append(f"  {_id(r.a)} {EDGE[r.status].format(_label(label))} {_id(r.b)}")
    out += [f"  classDef {k} {v}" for k, v in STYLE.items()]
    out += ["```", "", "_Green: added, red: removed, yellow: changed, grey: unchanged end of a changed hop._", ""]
    return out
