"""Feature: routing. OSPF per interface and per device; the hub's eBGP policy towards NOFBI."""

from __future__ import annotations

from typing import Any

from countynet.intent.names import AREA, OSPF_PROCESS, PL_AGGREGATE, PL_SERVICES, RM_IN, RM_OSPF, RM_OUT
from countynet.intent.town import TownFacts
from countynet.inventory.model import Town

# On a sector the base station must be the designated router: stations (priority 0) then form a
# full adjacency with it alone, instead of stopping at 2-Way with whichever station won the election.
OSPF_PRIORITY = {"sector": 100, "station": 0}


def interface_ospf(t: TownFacts, kind: str) -> dict[str, Any] | None:
    if kind == "management":
        return None  # out of band: never in the IGP
    # The NOFBI handoff is advertised but passive: no adjacency with the external peer, and every
    # agency can reach the NOFBI gateway address (what verify pings).
    passive = kind in ("loopback", "lan", "handoff")
    return {
        "area": AREA,
        "network_type": "point-to-point" if kind in ("fibre", "ptp") else ("broadcast" if not passive else None),
        "passive": passive,
        "priority": OSPF_PRIORITY.get(kind),
        "hello": t.hello,
        "dead": t.dead,
    }


def ospf(t: TownFacts, router_id: str | None, interfaces: list[dict[str, Any]]) -> dict[str, Any]:
    """The device's OSPF process: every interface with an OSPF role, the passive ones named."""
    return {
        "process": OSPF_PROCESS,
        "router_id": router_id,
        "area": AREA,
        "hello": t.hello,
        "dead": t.dead,
        "interfaces": [e["name"] for e in interfaces if e["ospf"]],
        "passive": [e["name"] for e in interfaces if e["ospf"] and e["ospf"]["passive"]],
        "redistribute_bgp": None,
    }


def hub_policy(intent: dict[str, Any], t: TownFacts, town: Town) -> None:
    """eBGP to the NOFBI PoP: announce only the aggregate, accept only the services the PoP carries."""
    h = t.handoff
    assert h is not None
    agg = str(town.aggregate)
    intent["static_routes"].append(
        {"prefix": agg, "blackhole": True, "next_hop": None, "description": "town aggregate"}
    )
    intent["prefix_lists"] = [
        {"name": PL_AGGREGATE, "entries": [{"seq": 5, "action": "permit", "prefix": agg}]},
        {
            "name": PL_SERVICES,
            "entries": [
                {"seq": 5 * (i + 1), "action": "permit", "prefix": p} for i, p in enumerate(t.service_prefixes)
            ],
        },
    ]
    svc, own = {"prefixes": list(t.service_prefixes)}, {"prefixes": [agg]}
    intent["route_maps"] = [
        {"name": RM_IN, "entries": [{"seq": 10, "action": "permit", "match_prefix_list": PL_SERVICES, **svc}]},
        {"name": RM_OUT, "entries": [{"seq": 10, "action": "permit", "match_prefix_list": PL_AGGREGATE, **own}]},
        {"name": RM_OSPF, "entries": [{"seq": 10, "action": "permit", "match_prefix_list": PL_SERVICES, **svc}]},
    ]
    nofbi_if = next((e["name"] for e in intent["interfaces"] if e["kind"] == "handoff"), None)
    intent["bgp"] = {
        "asn": town.asn,
        "router_id": intent["router_id"],
        "networks": [agg],
        "neighbors": [
            {
                "address": str(h.pop_ip.ip),
                "remote_as": h.pop.asn,
                "description": f"NOFBI {h.pop.name}",
                "interface": nofbi_if,
                "keepalive": t.bgp_keepalive,
                "hold": t.bgp_hold,
                "route_map_in": RM_IN,
                "route_map_out": RM_OUT,
                "accept": t.service_prefixes,
                "announce": [agg],
            }
        ],
    }
    intent["ospf"]["redistribute_bgp"] = {"asn": town.asn, "route_map": RM_OSPF}
