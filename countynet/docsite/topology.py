"""A town's layer-3 topology as a Graphviz diagram (dot -> SVG, inlined in the town page).

Drawn from device intents only (addresses, OSPF network types, the BGP neighbour), so the
diagram shows what the configs say: routers, each /31 with its OSPF role, sector subnets with
the base station as DR, and the eBGP handoff to the NOFBI point of presence.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Interface
from typing import Any

DOT_TIMEOUT_S = 120


def _q(s: object) -> str:
    """A dot string; a newline in the text becomes a centred line break."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _net(iface: dict[str, Any]) -> str:
    return str(IPv4Interface(iface["address"]).network)


def _ospf_role(iface: dict[str, Any]) -> str:
    o = iface.get("ospf") or {}
    if not o:
        return "no OSPF"
    if o.get("passive"):
        return "OSPF passive"
    return f"OSPF {o.get('network_type') or 'broadcast'}"


def dot_source(town: str, intents: list[dict[str, Any]], href: str = "../devices/{}.html") -> str:
    """The dot text for one town's devices (deterministic: devices and segments in sorted order)."""
    lines = [
        f"graph {_q(town)} {{",
        '  graph [rankdir=LR, fontname="DejaVu Sans", fontsize=10, nodesep=0.15, ranksep=0.6, bgcolor="transparent"];',
        '  node [fontname="DejaVu Sans", fontsize=9, shape=box, style="rounded,filled", fillcolor="#ffffff"];',
        '  edge [fontname="DejaVu Sans", fontsize=8, color="#57606a"];',
    ]
    edges: dict[str, str] = {}
    depth = {i["hostname"]: i["depth"] for i in intents}
    for i in sorted(intents, key=lambda x: x["hostname"]):
        host, role = i["hostname"], i["role"]
        fill = {"hub": "#ddf4ff", "base_station": "#fff8c5"}.get(role, "#ffffff")
        label = f"{host}\n{role.replace('_', ' ')} · {i['platform']}\nlo {i['loopback']}"
        if i.get("bgp"):
            label += f"\nAS{i['bgp']['asn']}"
        lines.append(
            f"  {_q(host)} [label={_q(label)}, fillcolor={_q(fill)}, URL={_q(href.format(host))}, tooltip={_q(host)}];"
        )
        for f in i["interfaces"]:
            kind, seg = f["kind"], f.get("segment")
            if kind == "handoff" and i.get("bgp"):
                nb: dict[str, Any] = next(
                    (b for b in i["bgp"]["neighbors"] if b.get("address") == f.get("peer_address")), {}
                )
                pop = f.get("peer") or "NOFBI"
                remote = nb.get("remote_as", "?")
                pop_label = f"NOFBI {pop}\nAS{remote}"
                lines.append(
                    f"  {_q('pop:' + pop)} [label={_q(pop_label)},"
                    ' shape=doubleoctagon, style="dashed,filled", fillcolor="#f6f8fa"];'
                )
                lbl = f"eBGP AS{i['bgp']['asn']} ↔ AS{remote}\n{_net(f)} · {_ospf_role(f)}"
                edge = f"  {_q('pop:' + pop)} -- {_q(host)} [label={_q(lbl)}, style=bold, color=" + '"#8250df"];'
                edges[seg or f"handoff:{host}"] = edge
            elif kind in ("fibre", "ptp") and seg and f.get("peer") and seg not in edges:
                style = "solid" if kind == "fibre" else "dashed"
                lbl = f"{kind} {_net(f)}\n{_ospf_role(f)}"
                a, b = sorted((host, f["peer"]), key=lambda d: (depth.get(d, 99), d))  # hub side first: ranks left
                edges[seg] = f"  {_q(a)} -- {_q(b)} [label={_q(lbl)}, style={style}];"
            elif kind == "sector" and seg:
                lbl = f"{seg.split('/', 1)[-1]} {_net(f)}\n{_ospf_role(f)} (DR)"
                lines.append(
                    f'  {_q(seg)} [label={_q(lbl)}, shape=ellipse, style="dashed,filled", fillcolor="#fff8c5"];'
                )
                edges[seg] = f"  {_q(host)} -- {_q(seg)} [style=dashed];"
            elif kind == "station" and seg:
                edges[f"{seg}>{host}"] = f"  {_q(seg)} -- {_q(host)} [style=dotted, tooltip={_q(f['address'])}];"
    lines += [edges[k] for k in sorted(edges)]
    lines.append("}")
    return "\n".join(lines) + "\n"


_STRIP = re.compile(r"<\?xml[^>]*>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*", re.S)
_SIZE = re.compile(r"<svg (?=width=)")


def to_svg(town: str, source: str) -> str:
    """Run Graphviz; the SVG cleaned for inlining (no prolog, responsive, labelled for screen readers)."""
    dot = shutil.which("dot")
    if dot is None:
        return '<p class="empty">Graphviz (<code>dot</code>) is not installed: no topology diagram.</p>'
    proc = subprocess.run(
        [dot, "-Tsvg"], input=source, capture_output=True, text=True, timeout=DOT_TIMEOUT_S, check=False
    )
    if proc.returncode != 0:
        return f'<p class="empty">Graphviz failed on {town}: {proc.stderr.strip()[:200]}</p>'
    svg = _STRIP.sub("", proc.stdout)
    label = f"Layer-3 topology of {town}: routers, point-to-point /31s and sector subnets with their OSPF roles, and the eBGP handoff to NOFBI"
    # natural size (Graphviz's own width/height) inside a scrolling box: readable labels on a big town
    return _SIZE.sub(f'<svg class="topology" role="img" aria-label="{label}" ', svg, count=1)


def render_all(sources: Iterable[tuple[str, str]], workers: int = 2) -> dict[str, str]:
    """town -> inline SVG; Graphviz runs in `workers` processes at once."""
    items = list(sources)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        svgs = list(pool.map(lambda kv: to_svg(*kv), items))
    return {town: svg for (town, _), svg in zip(items, svgs, strict=True)}
