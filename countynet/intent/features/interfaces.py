"""Feature: interfaces. Loopback, management and one entry per segment (handoff, fibre, PtP, sector,
station) with addresses and peers; then every entry named in the platform's spelling."""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from typing import Any

from countynet.allocate.addressing import ifname, segment_address
from countynet.allocate.allocator import Allocation, TownAlloc
from countynet.intent.features import routing, wireless
from countynet.intent.names import KIND_ORDER, LAN_ACL
from countynet.intent.names import addr as _addr
from countynet.intent.radio import RadioFigures
from countynet.intent.town import TownFacts
from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Device, Segment, Topology
from countynet.platforms import Platform


@dataclass
class DeviceFacts:
    """What every feature builder of one device reads."""

    inv: Inventory
    topo: Topology
    alloc: Allocation
    town: TownFacts
    dev: Device
    radio: RadioFigures
    ta: TownAlloc | None
    problems: list[str] = field(default_factory=list)
    wireless: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"sectors": [], "stations": []})


def base(f: DeviceFacts) -> tuple[list[dict[str, Any]], IPv4Interface | None, IPv4Interface | None]:
    """Loopback and management entries: (entries, loopback, management interface)."""
    entries: list[dict[str, Any]] = []
    lo = f.ta.loopbacks.get(f.dev.name) if f.ta else None
    if lo is not None:
        entries.append({"logical": "lo", "kind": "loopback", **_addr(IPv4Interface(lo)), "description": "router id"})
    else:
        f.problems.append("no loopback allocated")
    mg = f.ta.management.get(f.dev.name) if f.ta else None
    mgmt_if = IPv4Interface((int(mg), f.town.town.management.prefixlen)) if mg else None
    if mgmt_if is not None:
        entries.append({"logical": "mgmt0", "kind": "management", **_addr(mgmt_if),
                        "description": "out-of-band management"})  # fmt: skip
    else:
        f.problems.append("no management address allocated")
    return entries, IPv4Interface(lo) if lo is not None else None, mgmt_if


def segments(f: DeviceFacts) -> list[dict[str, Any]]:
    """One entry per segment the device is on, with its peer and (for radios) the wireless settings."""
    out = []
    ordinal = {s.name: i for i, s in enumerate(getattr(f.dev.node, "sectors", []) or [])}
    for seg in f.topo.segments_of(f.dev.name):
        address = segment_address(f.inv, f.topo, f.alloc, f.dev.name, seg) if f.ta else None
        if address is None:
            f.problems.append(f"no address on {seg.id}")
            continue
        entry: dict[str, Any] = {"logical": ifname(f.topo, f.alloc, f.dev.name, seg), "kind": seg.kind,
                                 **_addr(address), "segment": seg.id}  # fmt: skip
        _peer(f, seg, entry, ordinal)
        out.append(entry)
    return out


def _peer(f: DeviceFacts, seg: Segment, entry: dict[str, Any], ordinal: dict[str, int]) -> None:
    name = f.dev.name
    if seg.kind == "handoff":
        h = f.town.handoff
        assert h is not None
        entry.update(peer=h.pop.name, peer_address=str(h.pop_ip.ip), description=f"NOFBI {h.pop.name}")
    elif seg.kind in ("fibre", "ptp"):
        other = next(m for m in seg.members if m != name)
        oaddr = segment_address(f.inv, f.topo, f.alloc, other, seg)
        entry.update(peer=other, peer_address=str(oaddr.ip) if oaddr else None, description=f"{seg.kind} to {other}")
        if seg.kind == "ptp":
            entry["radio"] = f.radio.link(seg)
    elif name == seg.members[0]:
        sec_name = seg.sector.name if seg.sector else ""
        entry.update(peer=None, peer_address=None, description=f"sector {sec_name}", ordinal=ordinal.get(sec_name, 0))
        w = wireless.sector(f.town, name, seg, f.radio)
        entry["radio"] = w
        f.wireless["sectors"].append(w)
    else:
        bs = seg.members[0]
        baddr = segment_address(f.inv, f.topo, f.alloc, bs, seg)
        entry.update(kind="station", peer=bs, peer_address=str(baddr.ip) if baddr else None,
                     description=f"station of {seg.id[7:]}")  # fmt: skip
        w = wireless.station(f.inv, f.town, f.dev, seg, f.radio)
        entry["radio"] = w
        f.wireless["stations"].append(w)


def named(entries: list[dict[str, Any]], plat: Platform, t: TownFacts) -> list[dict[str, Any]]:
    """Entries in a stable order, each with its OSPF role and its name in the platform's spelling."""
    entries.sort(key=lambda e: (KIND_ORDER[e["kind"]], e["logical"] != "up0", e["logical"]))
    for e in entries:
        e.setdefault("peer", None)
        e.setdefault("peer_address", None)
        e.setdefault("radio", None)
        e.setdefault("vlan", None)
        e["acl_in"] = LAN_ACL if e["kind"] == "lan" else None
        e["ospf"] = routing.interface_ospf(t, e["kind"])
        mapped = plat.interface(e["logical"], e["kind"], e.pop("ordinal", 0), e["vlan"])
        e["name"] = mapped["name"]
        e["parent"] = mapped.get("parent")
        e["vlan"] = mapped.get("vlan", e["vlan"])
        if e["radio"] and "mode" in e["radio"]:
            e["radio"]["interface"], e["radio"]["logical"] = e["name"], e["logical"]
    return entries
