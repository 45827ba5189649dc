"""Feature: agency LANs and the shared services they may reach (the LAN ingress ACL)."""

from __future__ import annotations

from ipaddress import IPv4Interface
from typing import Any

from countynet.allocate.allocator import TownAlloc
from countynet.intent.names import LAN_ACL
from countynet.intent.names import addr as _addr
from countynet.intent.town import TownFacts
from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Topology, lan_vlan, site_lans, site_services


def lans(inv: Inventory, topo: Topology, ta: TownAlloc | None, dev: str,
         problems: list[str]) -> tuple[list[str], list[dict[str, Any]]]:  # fmt: skip
    """(services the site uses, one interface entry per LAN with its gateway address)."""
    site = topo.sites[dev][1]
    entries = []
    for i, lan in enumerate(site_lans(inv, site)):
        net = ta.lans.get(f"{dev}/{lan.name}") if ta else None
        if net is None:
            problems.append(f"no LAN prefix for {lan.name}")
            continue
        gw = IPv4Interface((int(net.network_address) + 1, net.prefixlen))
        entries.append({"logical": f"lan-{lan.name}", "kind": "lan", **_addr(gw), "vlan": lan_vlan(inv, lan),
                        "ordinal": i, "description": f"agency LAN {lan.name}"})  # fmt: skip
    return site_services(inv, site), entries


def lan_acl(inv: Inventory, t: TownFacts, services: list[str], interfaces: list[str]) -> dict[str, Any]:
    """LAN ingress: only the site's shared services on their ports, ICMP, DNS/NTP; everything else denied."""
    net = inv.network
    m = net.management
    rules: list[dict[str, Any]] = [{"action": "permit", "protocol": "icmp", "destination": None, "ports": []}]
    for a in m.dns_servers:
        rules.append({"action": "permit", "protocol": "udp", "destination": f"{a}/32", "ports": [53], "remark": "dns"})
        rules.append({"action": "permit", "protocol": "tcp", "destination": f"{a}/32", "ports": [53], "remark": "dns"})
    for a in m.ntp_servers:
        rules.append({"action": "permit", "protocol": "udp", "destination": f"{a}/32", "ports": [123], "remark": "ntp"})
    used = [s for s in services if s in net.services]
    for name in used:
        svc = net.services[name]
        for p in svc.prefixes:
            rules.append(
                {"action": "permit", "protocol": "tcp", "destination": str(p), "ports": list(svc.ports), "remark": name}
            )
    for name in sorted(set(net.services) - set(used)):
        for p in net.services[name].prefixes:
            rules.append({"action": "deny", "protocol": "ip", "destination": str(p), "ports": [], "remark": name})
    rules.append({"action": "deny", "protocol": "ip", "destination": None, "ports": [], "remark": "default deny"})
    for i, r in enumerate(rules, 1):
        r["seq"] = i * 10
        r.setdefault("remark", r["protocol"])
    return {"name": LAN_ACL, "direction": "in", "interfaces": interfaces, "services": used, "rules": rules}


