"""Plain per-page data for the templates: everything computed here, templates only loop and print."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from typing import Any

from countynet.allocate.addressing import handoff
from countynet.docsite.rollout import (
    STATES,
    DeviceDeploy,
    RolloutState,
    SiteState,
    accepted_set,
    site_states,
)
from countynet.docsite.svg import slug
from countynet.inventory.model import Town
from countynet.inventory.topology import site_services, site_users
from countynet.model import Model as Context
from countynet.radio.plan import LinkPlan

TARGET_ORDER = ("field", "lab")  # shown in this order; others (unrecorded) after


@dataclass
class Progress:
    """Per target: the state of every device (sites and routers) now."""

    targets: list[str]
    states: dict[str, dict[str, SiteState]]  # target -> device -> state
    default: str | None

    def of(self, device: str) -> dict[str, SiteState]:
        return {t: self.states[t][device] for t in self.targets if device in self.states[t]}

    def default_states(self) -> dict[str, str]:
        if self.default is None:
            return {}
        return {d: s.state for d, s in self.states[self.default].items()}


@dataclass
class Views:
    ctx: Context
    rollout: RolloutState
    towns: list[Town]
    progress: Progress = field(init=False)
    accepted: set[str] = field(init=False)
    hops_of: dict[str, list[LinkPlan]] = field(init=False)

    def accepted_on(self, target: str) -> set[str]:
        """Radio acceptance measures real radios: it never applies to the lab's FRR stand-ins."""
        return set() if target == "lab" else self.accepted

    def __post_init__(self) -> None:
        topo = self.ctx.topo
        names = [d for d in topo.devices if topo.devices[d].town in {t.name for t in self.towns}]
        targets = sorted(self.rollout.targets, key=lambda t: (TARGET_ORDER.index(t) if t in TARGET_ORDER else 9, t))
        self.accepted = accepted_set(topo, self.rollout.radio_ok)
        states = {
            t: site_states(topo, names, tp.deploys, tp.progress, self.accepted_on(t))
            for t, tp in self.rollout.targets.items()
        }
        self.progress = Progress(targets, states, targets[0] if targets else None)
        self.hops_of = {}
        for lp in sorted(self.ctx.radio.links.values(), key=lambda x: x.id):
            for dev in {lp.a.device, lp.b.device}:
                self.hops_of.setdefault(dev, []).append(lp)


def _num(x: float, nd: int = 1) -> str:
    return f"{x:.{nd}f}" if math.isfinite(x) else "∞"


def hop_row(lp: LinkPlan) -> dict[str, Any]:
    return {
        "id": lp.id,
        "name": lp.name,
        "kind": lp.kind,
        "a": lp.a.device,
        "b": lp.b.device,
        "a_slug": slug(lp.a.device),
        "b_slug": slug(lp.b.device),
        "distance_km": _num(lp.distance_km, 2),
        "azimuth": f"{_num(lp.azimuth_a_deg)}° / {_num(lp.azimuth_b_deg)}°",
        "channel": f"{lp.frequency_mhz:g} MHz / {lp.width_mhz} MHz",
        "rx": f"{_num(lp.ab.rx_dbm)} / {_num(lp.ba.rx_dbm)}",
        "margin_db": _num(lp.margin_db),
        "mcs": f"{lp.mcs} {lp.modulation}",
        "capacity": _num(lp.capacity_mbps),
        "clearance": _num(lp.clearance_pct, 0),
        "availability": _num(lp.availability_pct, 4),
        "verdict": lp.verdict,
        "reasons": "; ".join(lp.reasons),
    }


def state_cells(v: Views, device: str) -> list[dict[str, str]]:
    now = v.progress.of(device)
    return [
        {"target": t, "state": now[t].state if t in now else "planned", "why": now[t].why if t in now else ""}
        for t in v.progress.targets
    ]


def counts(v: Views, target: str, devices: list[str]) -> dict[str, int]:
    c = Counter(v.progress.states[target][d].state for d in devices if d in v.progress.states[target])
    return {s: c.get(s, 0) for s in STATES}


def town_facts(v: Views, town: Town) -> dict[str, Any]:
    h = handoff(v.ctx.inv, town.name)
    return {
        "name": town.name,
        "slug": slug(town.name),
        "county": town.county,
        "asn": town.asn,
        "aggregate": str(town.aggregate),
        "management": str(town.management),
        "pop_name": town.nofbi_pop,
        "pop_asn": h.pop.asn if h else None,
        "handoff": f"{h.hub_ip} ↔ {h.pop_ip.ip}" if h else "not assigned",
        "hub": town.hub.name,
        "hub_slug": slug(town.hub.name),
        "towers": len(town.base_stations),
        "sectors": sum(len(b.sectors) for b in town.base_stations),
        "sites": len(town.sites),
        "hops": len(v.ctx.radio.select(town=town.name)),
    }


def site_row(v: Views, town: Town, name: str, intents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    site = v.ctx.topo.sites[name][1]
    c = site.connect
    lans = [f["address"] for f in intents.get(name, {}).get("interfaces", []) if f["kind"] == "lan"]
    return {
        "name": name,
        "slug": slug(name),
        "town": town.name,
        "town_slug": slug(town.name),
        "agency": site.agency,
        "kind": site.kind,
        "connect": f"sector {c.sector}" if c.sector else f"link {c.link}" if c.link else f"fibre to {c.fibre}",
        "users": site_users(v.ctx.inv, site),
        "services": ", ".join(site_services(v.ctx.inv, site)),
        "lans": ", ".join(str(IPv4Interface(a).network) for a in lans),
        "states": state_cells(v, name),
    }


def deploy_cell(rec: DeviceDeploy | None) -> dict[str, str] | None:
    if rec is None:
        return None
    from countynet.docsite.plots import utc

    return {"run": rec.run, "status": rec.status, "error": rec.error, "when": utc(rec.ts), "diff": rec.diff}


def verify_cells(checks: list[dict[str, Any]]) -> list[dict[str, str]]:
    keys = ("kind", "target", "status", "detail")
    return sorted(({k: str(c.get(k) or "") for k in keys} for c in checks), key=lambda r: (r["kind"], r["target"]))
