"""Template contexts for each page: dashboard, town, device, rules."""

from __future__ import annotations

from typing import Any

from countynet import platforms
from countynet.docsite import plots
from countynet.docsite.highlight import highlight
from countynet.docsite.mapsvg import MapInput, legend, town_map
from countynet.docsite.rollout import timeline
from countynet.docsite.svg import slug
from countynet.docsite.views import Views, counts, deploy_cell, hop_row, site_row, state_cells, town_facts, verify_cells
from countynet.findings import Finding
from countynet.inventory.model import Town
from countynet.render.renderer import file_name

TARGET_TITLE = {
    "lab": "Virtual lab",
    "field": "Field (real devices)",
    "unrecorded": "Runs without a recorded target (written before targets were journaled)",
}


def _done(c: dict[str, int]) -> int:
    return c["verified"] + c["accepted"]


def _goal(v: Views, sites: int) -> dict[str, Any]:
    """The programme's targets from network.yml (default: what the inventory plans); one town when --town."""
    t = v.ctx.inv.network.targets
    if len(v.towns) < len(v.ctx.inv.towns):
        return {"label": f"{t.label} ({', '.join(x.name for x in v.towns)})", "towns": len(v.towns), "sites": sites}
    towns = t.towns if t.towns is not None else len(v.towns)
    return {"label": t.label, "towns": towns, "sites": t.sites if t.sites is not None else sites}


def _targets(v: Views, sites: list[str]) -> list[dict[str, Any]]:
    """Per rollout target (lab, field): counts, towns done, last verify and the progress chart."""
    targets = []
    for t in v.progress.targets:
        tp = v.rollout.targets[t]
        c = counts(v, t, sites)
        town_done = sum(
            1 for town in v.towns if town.sites and _done(counts(v, t, [s.name for s in town.sites])) == len(town.sites)
        )
        ver = tp.verify
        targets.append(
            {
                "name": t,
                "title": TARGET_TITLE.get(t, t),
                "counts": c,
                "done": _done(c),
                "towns_done": town_done,
                "verify": f"{plots.utc(ver.ts)}: {len(ver.checks)} checks" if ver else "",
                "chart": plots.progress_chart(t, timeline(v.ctx.topo, sites, tp, v.accepted_on(t)), len(sites)),
            }
        )
    return targets


def _town_rows(v: Views) -> list[dict[str, Any]]:
    towns = []
    for town in v.towns:
        names = [s.name for s in town.sites]
        row = town_facts(v, town)
        row["progress"] = [
            {"counts": counts(v, t, names), "done": _done(counts(v, t, names))} for t in v.progress.targets
        ]
        towns.append(row)
    return towns


def _runs(v: Views) -> list[dict[str, Any]]:
    """Deploy runs, newest first."""
    return [
        {
            "id": r.id,
            "target": r.target,
            "mode": r.mode,
            "started": plots.utc(r.started) if r.started else "?",
            "ended": plots.utc(r.ended) if r.ended else "not ended (interrupted?)",
            "user": r.user,
            "devices": r.devices,
            "counts": ", ".join(f"{n} {s}" for s, n in r.counts.items()) or "nothing finished",
            "stopped": r.stopped,
        }
        for r in sorted(v.rollout.runs, key=lambda r: (r.started, r.id), reverse=True)
    ]


def _verifies(v: Views) -> list[dict[str, Any]]:
    """Verify passes of every target, newest first."""
    verifies = [
        {
            "when": plots.utc(vr.ts),
            "target": vr.target,
            "checks": len(vr.checks),
            "failed": sum(c.get("status") in ("fail", "error", "parse-error") for c in vr.checks),
        }
        for tp in v.rollout.targets.values()
        for vr in tp.verifies
    ]
    verifies.sort(key=lambda x: (x["when"], x["target"]), reverse=True)
    return verifies


def dashboard(v: Views, intents: dict[str, dict[str, Any]], state_dir: str) -> dict[str, Any]:
    topo = v.ctx.topo
    sites = [s.name for t in v.towns for s in t.sites]
    return {
        "page": "dashboard",
        "title": "Rollout dashboard",
        "targets": _targets(v, sites),
        "towns": _town_rows(v),
        "sites": [site_row(v, town, s.name, intents) for town in v.towns for s in town.sites],
        "total_sites": len(sites),
        "goal": _goal(v, len(sites)),
        "total_devices": sum(1 for d in topo.devices.values() if d.town in {t.name for t in v.towns}),
        "runs": _runs(v),
        "verifies": _verifies(v),
        "state_dir": state_dir,
    }


def town_page(v: Views, town: Town, intents: dict[str, dict[str, Any]], topology_svg: str) -> dict[str, Any]:
    ctx = v.ctx
    d = ctx.inv.network.defaults
    pop = next((p for p in ctx.inv.nofbi.pops if p.name == town.nofbi_pop), None)
    m = MapInput(
        town,
        ctx.topo,
        ctx.radio,
        pop.name if pop else None,
        pop.location if pop else None,
        {t: {dev: s.state for dev, s in st.items()} for t, st in v.progress.states.items()},
        v.progress.default,
        d.fade_margin_error_db,
        d.fade_margin_warning_db,
    )
    hops = sorted(ctx.radio.select(town=town.name), key=lambda lp: lp.id)
    routers = [dev for dev in ctx.topo.devices.values() if dev.town == town.name and dev.role != "agency"]
    return {
        "page": f"town:{town.name}",
        "title": f"{town.name}: map, topology, sites",
        "t": town_facts(v, town),
        "targets": v.progress.targets,
        "map": town_map(m),
        "legend": legend(),
        "hops": [hop_row(lp) for lp in hops],
        "histogram": plots.margin_histogram(
            town.name, [lp.margin_db for lp in hops], d.fade_margin_error_db, d.fade_margin_warning_db
        ),
        "topology": topology_svg,
        "acceptance": acceptance_rows(v.rollout.acceptance, town.name),
        "sites": [site_row(v, town, s.name, intents) for s in town.sites],
        "routers": [
            {
                "name": r.name,
                "slug": slug(r.name),
                "role": r.role.replace("_", " "),
                "platform": r.platform,
                "loopback": intents.get(r.name, {}).get("loopback", ""),
                "states": state_cells(v, r.name),
            }
            for r in sorted(routers, key=lambda r: (r.role != "hub", r.name))
        ],
    }


def _num(x: object, unit: str = "") -> str:
    return "-" if x is None else f"{x}{unit}"


def acceptance_rows(report: dict[str, Any] | None, town: str) -> list[dict[str, Any]]:
    """The installation report of one town: planned against measured per hop (from `countynet accept`)."""
    rows = []
    for h in (report or {}).get("hops", []):
        if h.get("town") != town:
            continue
        plan, meas = h.get("planned") or {}, h.get("measured") or {}
        bad = [f for f in h.get("findings", []) if not f.get("ok")]
        rows.append(
            {
                "name": h.get("name", ""),
                "site": h.get("site") or "",
                "site_slug": slug(h.get("site") or ""),
                "status": h.get("status", ""),
                "planned_rx": _num(plan.get("rx_b_dbm")),
                "measured_rx": _num(meas.get("rx_dbm")),
                "planned_mcs": _num(plan.get("mcs_ab")),
                "measured_mcs": _num(meas.get("rx_mcs")),
                "margin": _num(h.get("realised_margin_db")),
                "findings": [f"{f.get('detail')}" + (f" -> {f['cause']}" if f.get("cause") else "") for f in bad]
                or ([h["note"]] if h.get("note") else []),
            }
        )
    return rows


def _interfaces(intent: dict[str, Any], known: set[str]) -> list[dict[str, Any]]:
    rows = []
    for f in intent["interfaces"]:
        o = f.get("ospf")
        ospf = "-" if not o else ("passive" if o.get("passive") else o.get("network_type") or "broadcast")
        if o and o.get("priority") is not None:
            ospf += f", priority {o['priority']}"
        peer = f.get("peer") or ""
        rows.append(
            {
                "name": f["name"],
                "logical": f["logical"],
                "kind": f["kind"],
                "address": f["address"],
                "peer": peer,
                "peer_slug": slug(peer) if peer in known else "",
                "peer_address": f.get("peer_address") or "",
                "ospf": ospf,
                "acl": f.get("acl_in") or "",
            }
        )
    return rows


def device_page(v: Views, name: str, intent: dict[str, Any], text: str) -> dict[str, Any]:
    ctx = v.ctx
    dev = ctx.topo.devices[name]
    site = None
    if name in ctx.topo.sites:
        town = ctx.topo.sites[name][0]
        site = site_row(v, town, name, {name: intent})
    results = []
    for t in v.progress.targets:
        tp = v.rollout.targets[t]
        ver = tp.verify
        results.append(
            {
                "target": t,
                "deploy": deploy_cell(tp.deploys.get(name)),
                "checks": verify_cells(tp.checks_of.get(name, [])),
                "verify_when": plots.utc(ver.ts) if ver else "",
            }
        )
    plat = platforms.get(intent["platform"])
    return {
        "page": f"device:{name}",
        "title": f"{name} ({dev.role.replace('_', ' ')}, {dev.town})",
        "d": {
            "name": name,
            "role": dev.role.replace("_", " "),
            "town": dev.town,
            "town_slug": slug(dev.town),
            "platform": intent["platform"],
            "model": intent["model"],
            "stand_in": intent.get("stand_in_for"),
            "router_id": intent["router_id"],
            "mgmt": intent["management"]["address"],
            "depth": intent["depth"],
            "site": site,
            "states": state_cells(v, name),
            "interfaces": _interfaces(intent, set(ctx.topo.devices)),
            "bgp": intent.get("bgp"),
            "hops": [hop_row(lp) for lp in v.hops_of.get(name, [])],
            "results": results,
            "file": file_name(name, intent["platform"]),
            "lines": text.count("\n") + 1,
            "config": highlight(text, plat.comment),
        },
    }


def rules(findings: list[Finding]) -> list[dict[str, Any]]:
    """Every rule's page (the same text as `countynet rules ID`) and this inventory's findings of it."""
    from countynet.checks.rule_docs import all_pages

    by_rule: dict[str, list[str]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f.format())
    return [
        {
            "id": p.id,
            "slug": slug(p.id),
            "name": p.name,
            "severity": p.severity,
            "scope": p.scope,
            "description": p.description,
            "why": p.rationale,
            "example": p.example,
            "fix": p.fix,
            "findings": by_rule.get(p.id, []),
        }
        for p in all_pages()
    ]
