"""Device intent: one plain, fully-resolved, JSON-able dict per device.

Everything a template prints is computed here (addresses, names in the platform's spelling,
policies, ACL lines), so templates only loop and print and the same data feeds the lab, deploy,
verify and Ansible. Secrets appear only as references/placeholders (see intent.secrets).

Routing choice: the hub redistributes the BGP-learned shared-service prefixes into OSPF (through
a route-map matching the same prefix list it accepts from NOFBI) instead of originating a
default. Agencies then route exactly what NOFBI carries: when the NOFBI session drops the routes
are withdrawn instead of a default black-holing traffic at the hub, and verify can check each
service prefix in every agency's table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from countynet import platforms
from countynet.allocate.allocator import Allocation
from countynet.intent.features import interfaces, lan_services, management, qos, routing
from countynet.intent.features.interfaces import DeviceFacts
from countynet.intent.radio import RadioFigures
from countynet.intent.town import TownFacts
from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Device, Topology


def build_intents(
    inv: Inventory,
    topo: Topology,
    alloc: Allocation,
    radio: Any = None,
    platform_override: str | None = None,
    hosts: Iterable[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Intent of every device (or of `hosts`), sorted by hostname.

    `platform_override="frr"` gives FRR stand-ins with the same addresses (the virtual lab).
    `radio` is the radio plan (countynet.radio.plan); without it radio figures come from the inventory.
    """
    towns = {t.name: TownFacts(inv, t) for t in inv.towns}
    figures = RadioFigures(radio)
    names = sorted(topo.devices) if hosts is None else sorted(h for h in hosts if h in topo.devices)
    out = {}
    for n in names:
        dev = topo.devices[n]
        facts = DeviceFacts(inv, topo, alloc, towns[dev.town], dev, figures, alloc.towns.get(dev.town))
        out[n] = device_intent(facts, platform_override)
    return out


def device_intent(f: DeviceFacts, platform_override: str | None) -> dict[str, Any]:
    """One device's intent, composed of the feature builders (interfaces, routing, wireless,
    LAN and services, QoS, management), then finished in the platform's own spellings."""
    dev, t = f.dev, f.town
    name = platform_override or dev.platform
    plat = platforms.get(name)
    entries, lo, mgmt_if = interfaces.base(f)
    entries += interfaces.segments(f)
    services: list[str] = []
    if dev.role == "agency":
        services, lans = lan_services.lans(f.inv, f.topo, f.ta, dev.name, f.problems)
        entries += lans
    named = interfaces.named(entries, plat, t)
    router_id = str(lo.ip) if lo is not None else None
    intent = _skeleton(f, name, plat.driver, platform_override, lo, router_id)
    intent.update(
        interfaces=named,
        ospf=routing.ospf(t, router_id, named),
        services=services,
        management=management.management(t, mgmt_if, next((e["name"] for e in named if e["logical"] == "mgmt0"), None)),
        wireless=f.wireless,
        qos=qos.qos(f, named, services),
        secrets=management.secrets(t, f.wireless),
        problems=f.problems,
    )
    if dev.role == "hub" and t.handoff is not None:
        routing.hub_policy(intent, t, t.town)
    lan_names = [e["name"] for e in named if e["kind"] == "lan"] if dev.role == "agency" else []
    if lan_names:
        intent["acls"].append(lan_services.lan_acl(f.inv, t, services, lan_names))
    else:
        for e in named:
            e["acl_in"] = None
    if plat.finish_intent is not None:  # the platform's own spellings (e.g. RouterOS radio packages)
        plat.finish_intent(intent)
    return intent


def _skeleton(f: DeviceFacts, name: str, driver: str, override: str | None, lo: Any, router_id: str | None) -> dict[str, Any]:
    dev = f.dev
    return {
        "hostname": dev.name,
        "role": dev.role,
        "town": dev.town,
        "county": f.town.town.county,
        "platform": name,
        "stand_in_for": dev.platform if override and override != dev.platform else None,
        "driver": driver,
        "model": dev.model,
        "depth": f.topo.depth.get(dev.name),
        "loopback": str(lo) if lo is not None else None,
        "router_id": router_id,
        "bgp": None,
        "static_routes": [],
        "prefix_lists": [],
        "route_maps": [],
        "acls": [],
    }


__all__ = ["Device", "build_intents", "device_intent"]
