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
from ipaddress import IPv4Interface
from typing import Any

from countynet import platforms
from countynet.allocate.allocator import Allocation
from countynet.intent.radio import RadioFigures
from countynet.intent.secrets import placeholder, ref_of
from countynet.inventory.addressing import handoff, ifname, sector_ssid, segment_address
from countynet.inventory.loader import Inventory
from countynet.inventory.model import Town
from countynet.inventory.topology import Device, Segment, Topology, lan_vlan, site_lans, site_services

AREA = "0.0.0.0"
OSPF_PROCESS = 1
PL_AGGREGATE, PL_SERVICES = "TOWN-AGGREGATE", "NOFBI-SERVICES"
RM_IN, RM_OUT, RM_OSPF = "NOFBI-IN", "NOFBI-OUT", "SERVICES-TO-OSPF"
LAN_ACL, MGMT_ACL = "LAN-IN", "MGMT-SSH"
KIND_ORDER = {"loopback": 0, "management": 1, "handoff": 2, "fibre": 3, "ptp": 3, "station": 3, "sector": 4, "lan": 5}


def _num(x: float | int) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), 2)


def _addr(iface: IPv4Interface) -> dict[str, Any]:
    return {"address": str(iface), "ip": str(iface.ip), "prefixlen": iface.network.prefixlen}


class _Town:
    """Per-town facts computed once and shared by all of the town's devices."""

    def __init__(self, inv: Inventory, town: Town) -> None:
        net = inv.network
        m = net.management
        d = net.defaults
        self.town = town
        self.handoff = handoff(inv, town.name)
        pop = self.handoff.pop if self.handoff else next((p for p in inv.nofbi.pops if p.name == town.nofbi_pop), None)
        carried = [s for s in (pop.services if pop else []) if s in net.services]
        self.service_prefixes = sorted({str(p) for s in carried for p in net.services[s].prefixes})
        mgmt_gw = IPv4Interface((int(town.management.network_address) + 1, town.management.prefixlen))
        self.hello, self.dead = d.ospf_hello_s, d.ospf_dead_s
        self.bgp_keepalive, self.bgp_hold = d.bgp_keepalive_s, d.bgp_hold_s
        refs = {
            "admin_password": ref_of(m.admin_password, "admin_password"),
            "snmp_auth": ref_of(m.snmp_auth, "snmp_auth") if m.snmp == "v3" else None,
            "snmp_priv": ref_of(m.snmp_priv, "snmp_priv") if m.snmp == "v3" else None,
            "wireless_psk": ref_of(town.wireless.psk, f"{town.name}.wireless.psk")
            if town.wireless.security.endswith("psk")
            else None,
        }
        self.secrets = {k: v for k, v in refs.items() if v}
        self.management = {
            "gateway": str(mgmt_gw.ip),
            "subnet": str(town.management),
            "ntp": [str(a) for a in m.ntp_servers],
            "syslog": [str(a) for a in m.syslog_servers],
            "dns": [str(a) for a in m.dns_servers],
            "domain": m.domain,
            "banner": m.banner,
            "users": [
                {
                    "name": m.admin_user,
                    "privilege": 15,
                    "password": placeholder(refs["admin_password"]),
                    "ssh_key": m.ssh_public_key,
                }
            ],
            "snmp": {
                "version": "v3",
                "user": m.snmp_user,
                "auth": placeholder(refs["snmp_auth"]),
                "priv": placeholder(refs["snmp_priv"]),
            }
            if m.snmp == "v3" and refs["snmp_auth"] and refs["snmp_priv"]
            else None,
            "mgmt_acl": {"name": MGMT_ACL, "subnet": str(town.management), "port": 22},
        }
        self.wireless = {"security": town.wireless.security, "psk": placeholder(refs["wireless_psk"])}
        self.packages = {n: rm.radio_package for n, rm in net.radio_models.items()}
        self.carried = set(carried)


# On a sector the base station must be the designated router: stations (priority 0) then form a
# full adjacency with it alone, instead of stopping at 2-Way with whichever station won the election.
OSPF_PRIORITY = {"sector": 100, "station": 0}


def _ospf(t: _Town, kind: str) -> dict[str, Any] | None:
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


def _lan_acl(inv: Inventory, t: _Town, services: list[str], interfaces: list[str]) -> dict[str, Any]:
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


def _wireless_sector(t: _Town, dev: str, seg: Segment, radio: RadioFigures) -> dict[str, Any]:
    sec = seg.sector
    assert sec is not None
    planned = radio.sector(seg.id)
    return {
        "mode": "ap",
        "ssid": sector_ssid(dev, sec.name),
        "band": "5ghz",
        "frequency_mhz": _num(planned.get("frequency_mhz", sec.frequency_mhz)),
        "width_mhz": int(planned.get("width_mhz", sec.width_mhz)),
        "tx_power_dbm": _num(planned.get("tx_power_dbm", sec.tx_power_dbm)),
        "azimuth_deg": _num(sec.azimuth_deg),
        "max_clients": sec.max_clients,
        "security": t.wireless["security"],
        "psk": t.wireless["psk"],
        "profile": f"cn-{sec.name}",
        "package": t.packages.get(sec.radio_model, "wifi"),
        "stations": [m for m in seg.members[1:]],
        "plan": planned or None,
    }


def _wireless_station(inv: Inventory, t: _Town, dev: Device, seg: Segment, radio: RadioFigures) -> dict[str, Any]:
    sec = seg.sector
    assert sec is not None
    cpe = getattr(dev.node, "cpe", None)
    planned = radio.station(dev.name)
    tx = planned.get("tx_power_dbm")
    if tx is None:
        tx = cpe.tx_power_dbm if cpe and cpe.tx_power_dbm is not None else inv.network.defaults.cpe_tx_power_dbm
    return {
        "mode": "station",
        "ssid": sector_ssid(seg.members[0], sec.name),
        "band": "5ghz",
        "frequency_mhz": _num(planned.get("frequency_mhz", sec.frequency_mhz)),
        "width_mhz": int(planned.get("width_mhz", sec.width_mhz)),
        "tx_power_dbm": _num(tx),
        "security": t.wireless["security"],
        "psk": t.wireless["psk"],
        "profile": f"cn-{sec.name}",
        "package": t.packages.get((cpe.radio_model if cpe else None) or inv.network.defaults.cpe_radio_model, "wifi"),
        "base_station": seg.members[0],
        "plan": planned or None,
    }


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
    towns = {t.name: _Town(inv, t) for t in inv.towns}
    figures = RadioFigures(radio)
    names = sorted(topo.devices) if hosts is None else sorted(h for h in hosts if h in topo.devices)
    return {
        n: _device(inv, topo, alloc, towns[topo.devices[n].town], topo.devices[n], figures, platform_override)
        for n in names
    }


def _device(
    inv: Inventory,
    topo: Topology,
    alloc: Allocation,
    t: _Town,
    dev: Device,
    radio: RadioFigures,
    platform_override: str | None,
) -> dict[str, Any]:
    name = platform_override or dev.platform
    plat = platforms.get(name)
    ta = alloc.towns.get(dev.town)
    town = t.town
    problems: list[str] = []
    raw: list[dict[str, Any]] = []  # interfaces before platform naming

    lo = ta.loopbacks.get(dev.name) if ta else None
    router_id = str(lo.network_address) if lo else None
    if lo is not None:
        raw.append({"logical": "lo", "kind": "loopback", **_addr(IPv4Interface(lo)), "description": "router id"})
    else:
        problems.append("no loopback allocated")
    mg = ta.management.get(dev.name) if ta else None
    mgmt_if = IPv4Interface((int(mg), town.management.prefixlen)) if mg else None
    if mgmt_if is not None:
        raw.append(
            {"logical": "mgmt0", "kind": "management", **_addr(mgmt_if), "description": "out-of-band management"}
        )
    else:
        problems.append("no management address allocated")

    wireless: dict[str, list[dict[str, Any]]] = {"sectors": [], "stations": []}
    sector_ordinal = {s.name: i for i, s in enumerate(getattr(dev.node, "sectors", []) or [])}
    for seg in topo.segments_of(dev.name):
        addr = segment_address(inv, topo, alloc, dev.name, seg) if ta else None
        if addr is None:
            problems.append(f"no address on {seg.id}")
            continue
        logical = ifname(topo, alloc, dev.name, seg)
        entry: dict[str, Any] = {"logical": logical, "kind": seg.kind, **_addr(addr), "segment": seg.id}
        if seg.kind == "handoff":
            h = t.handoff
            assert h is not None
            entry.update(peer=h.pop.name, peer_address=str(h.pop_ip.ip), description=f"NOFBI {h.pop.name}")
        elif seg.kind in ("fibre", "ptp"):
            other = next(m for m in seg.members if m != dev.name)
            oaddr = segment_address(inv, topo, alloc, other, seg)
            entry.update(
                peer=other, peer_address=str(oaddr.ip) if oaddr else None, description=f"{seg.kind} to {other}"
            )
            if seg.kind == "ptp":
                entry["radio"] = radio.link(seg)
        elif dev.name == seg.members[0]:
            entry.update(peer=None, peer_address=None, description=f"sector {seg.sector.name if seg.sector else ''}")
            entry["ordinal"] = sector_ordinal.get(seg.sector.name if seg.sector else "", 0)
            w = _wireless_sector(t, dev.name, seg, radio)
            entry["radio"] = w
            wireless["sectors"].append(w)
        else:
            entry["kind"] = "station"
            bs = seg.members[0]
            baddr = segment_address(inv, topo, alloc, bs, seg)
            entry.update(peer=bs, peer_address=str(baddr.ip) if baddr else None, description=f"station of {seg.id[7:]}")
            w = _wireless_station(inv, t, dev, seg, radio)
            entry["radio"] = w
            wireless["stations"].append(w)
        raw.append(entry)

    services: list[str] = []
    lan_names: list[str] = []
    if dev.role == "agency":
        site = topo.sites[dev.name][1]
        services = site_services(inv, site)
        for i, lan in enumerate(site_lans(inv, site)):
            net = ta.lans.get(f"{dev.name}/{lan.name}") if ta else None
            if net is None:
                problems.append(f"no LAN prefix for {lan.name}")
                continue
            gw = IPv4Interface((int(net.network_address) + 1, net.prefixlen))
            raw.append(
                {
                    "logical": f"lan-{lan.name}",
                    "kind": "lan",
                    **_addr(gw),
                    "vlan": lan_vlan(inv, lan),
                    "ordinal": i,
                    "description": f"agency LAN {lan.name}",
                }
            )

    raw.sort(key=lambda e: (KIND_ORDER[e["kind"]], e["logical"] != "up0", e["logical"]))
    interfaces = []
    for e in raw:
        e.setdefault("peer", None)
        e.setdefault("peer_address", None)
        e.setdefault("radio", None)
        e.setdefault("vlan", None)
        e["acl_in"] = LAN_ACL if e["kind"] == "lan" else None
        e["ospf"] = _ospf(t, e["kind"])
        mapped = plat.interface(e["logical"], e["kind"], e.pop("ordinal", 0), e["vlan"])
        e["name"] = mapped["name"]
        e["parent"] = mapped.get("parent")
        e["vlan"] = mapped.get("vlan", e["vlan"])
        for w in (e["radio"],) if e["radio"] and "mode" in e["radio"] else ():
            w["interface"], w["logical"] = e["name"], e["logical"]
        interfaces.append(e)
    by_logical = {e["logical"]: e["name"] for e in interfaces}
    if dev.role == "agency":
        lan_names = [e["name"] for e in interfaces if e["kind"] == "lan"]

    intent: dict[str, Any] = {
        "hostname": dev.name,
        "role": dev.role,
        "town": dev.town,
        "county": town.county,
        "platform": name,
        "stand_in_for": dev.platform if platform_override and platform_override != dev.platform else None,
        "driver": plat.driver,
        "model": dev.model,
        "depth": topo.depth.get(dev.name),
        "loopback": str(lo) if lo else None,
        "router_id": router_id,
        "interfaces": interfaces,
        "ospf": {
            "process": OSPF_PROCESS,
            "router_id": router_id,
            "area": AREA,
            "hello": t.hello,
            "dead": t.dead,
            "interfaces": [e["name"] for e in interfaces if e["ospf"]],
            "passive": [e["name"] for e in interfaces if e["ospf"] and e["ospf"]["passive"]],
            "redistribute_bgp": None,
        },
        "bgp": None,
        "static_routes": [],
        "prefix_lists": [],
        "route_maps": [],
        "acls": [],
        "services": services,
        "management": {
            **t.management,
            "interface": by_logical.get("mgmt0"),
            "address": str(mgmt_if) if mgmt_if else None,
            "ip": str(mgmt_if.ip) if mgmt_if else None,
        },
        "wireless": wireless,
        "secrets": {
            k: v for k, v in t.secrets.items() if k != "wireless_psk" or wireless["sectors"] or wireless["stations"]
        },
        "problems": problems,
    }
    if dev.role == "hub" and t.handoff is not None:
        _hub_policy(intent, t, town)
    if dev.role == "agency" and lan_names:
        intent["acls"].append(_lan_acl(inv, t, services, lan_names))
    else:
        for e in interfaces:
            e["acl_in"] = None
    if plat.finish_intent is not None:  # the platform's own spellings (e.g. RouterOS radio packages)
        plat.finish_intent(intent)
    return intent


def _hub_policy(intent: dict[str, Any], t: _Town, town: Town) -> None:
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
