"""Parse a rendered FRR file (FRR config + countynet's nftables table) back into the normal form.

FRR's config is a flat list of top-level blocks with indented children, always printed the same
way by our templates, so it is split into blocks here directly: ciscoconfparse2 reads it too but
takes ~1 ms a file, which is 7 s over the 7,011 stand-ins of the national inventory. The nftables
part is read rule by rule (`nft -j` would need the kernel's ruleset, not a file).
"""

from __future__ import annotations

from collections.abc import Iterator

from countynet.platforms.base import split_frr, split_tc
from countynet.platforms.base_normalize import (
    AclRule,
    Items,
    Names,
    Neighbor,
    OspfIf,
    Policy,
    acl_items,
    bgp_items,
    host,
    interface_item,
    joined,
    logical,
    management_value,
    prefix,
    words,
)
from countynet.platforms.qos_normalize import BY_HANDLE, Mark, mark_items, queue_items, tc_queues

Block = tuple[list[str], list[list[str]]]  # (head words, child lines as words)


def blocks(text: str) -> Iterator[Block]:
    """Top-level lines with their indented children (`!`, `exit` and comments dropped)."""
    head: list[str] | None = None
    kids: list[list[str]] = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("!") or words[0] in ("exit", "exit-address-family", "end"):
            continue
        if line[0] == " ":
            kids.append(words)
            continue
        if head is not None:
            yield head, kids
        head, kids = words, []
    if head is not None:
        yield head, kids


def normalize(text: str, names: Names) -> Items:
    """The normal form of one FRR file; FRR interface names are the logical names."""
    frr, nft = split_frr(text)
    items: Items = {}
    pol = Policy()
    parsed = list(blocks(frr))
    for head, kids in parsed:  # policy first: OSPF and BGP refer to it
        if head[:2] == ["ip", "prefix-list"]:
            pol.prefix_lists.setdefault(head[2], []).append((head[5], prefix(head[6])))
        elif head[0] == "route-map":
            match = next((w[-1] for w in kids if "prefix-list" in w), None)
            pol.route_maps.setdefault(head[1], []).append((head[2], match))
    for head, kids in parsed:
        if head[0] == "hostname":
            items["hostname"] = head[1]
        elif head[0] == "interface":
            items.update(_interface(head[1], kids, names))
        elif head[:2] == ["ip", "route"]:
            items[f"static {prefix(head[2])}"] = head[3]
        elif head[:2] == ["router", "ospf"]:
            for w in kids:
                if w[:2] == ["ospf", "router-id"]:
                    items["ospf router-id"] = w[2]
                elif w[:2] == ["redistribute", "bgp"]:
                    rm = w[w.index("route-map") + 1] if "route-map" in w else None
                    items["ospf redistributes"] = "bgp " + joined(pol.permitted(rm))
        elif head[:2] == ["router", "bgp"]:
            items.update(_bgp(head[2], kids, pol))
    items.update(_nftables(nft, names))
    items.update(queue_items(tc_queues(split_tc(text)), names))
    return items


def _interface(name: str, kids: list[list[str]], names: Names) -> Items:
    items: Items = {}
    addrs = [host(w[2]) for w in kids if w[:2] == ["ip", "address"]]
    if addrs:
        key, value = interface_item(names, name, addrs)
        items[key] = value
    ospf: OspfIf | None = None
    for w in kids:
        if w[:2] != ["ip", "ospf"]:
            continue
        ospf = ospf or OspfIf()
        if w[2] == "area":
            ospf.area = w[3]
        elif w[2] == "passive":
            ospf.passive = True
        elif w[2] == "network":
            ospf.network = w[3]
        elif w[2] == "priority":
            ospf.priority = int(w[3])
        elif w[2] == "hello-interval":
            ospf.hello = int(w[3])
        elif w[2] == "dead-interval":
            ospf.dead = int(w[3])
    if ospf is not None:
        items[f"ospf {logical(names, name)}"] = ospf.value()
    return items


def _bgp(asn: str, kids: list[list[str]], pol: Policy) -> Items:
    rid = ""
    neighbors: dict[str, Neighbor] = {}
    networks: list[str] = []
    for w in kids:
        if w[:2] == ["bgp", "router-id"]:
            rid = w[2]
        elif w[0] == "network":
            networks.append(prefix(w[1]))
        elif w[0] == "neighbor":
            n = neighbors.setdefault(w[1], Neighbor())
            if w[2] == "remote-as":
                n.remote_as = w[3]
            elif w[2] == "timers":
                n.keepalive, n.hold = int(w[3]), int(w[4])
            elif w[2] == "activate":
                n.active = True
            elif w[2] == "route-map":
                setattr(n, "policy_in" if w[4] == "in" else "policy_out", w[3])
    return bgp_items(asn, rid, neighbors, networks, pol)


def _nftables(nft: str, names: Names) -> Items:
    """Management ACL from the input chain; per-interface service filters from forward jumps."""
    chains: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in nft.splitlines():
        parts = words(line.replace("{ ", "{").replace(" }", "}").replace(", ", ","))
        if parts[:1] == ["chain"]:
            current = chains.setdefault(parts[1], [])
        elif current is not None and parts and parts[0] not in ("type", "}"):
            current.append(parts)
    items: Items = {"management acl": "none"}
    inputs = chains.get("input", [])
    for w in inputs:
        if w[:2] == ["ip", "saddr"] and w[-1] == "accept":
            port = w[w.index("dport") + 1]
            closed = ["tcp", "dport", port, "drop"] in inputs
            items["management acl"] = management_value(port, [prefix(w[2])], closed)
    for w in chains.get("forward", []):
        if w[0] == "iifname" and w[2] == "jump":
            rules = chains.get(w[3], [])
            stateful = any(r[:2] == ["ct", "state"] for r in rules)
            acl = [_nft_rule(r) for r in rules if r[:2] != ["ct", "state"]]
            items.update(acl_items(logical(names, w[1]), [r for rs in acl for r in rs], stateful))
    items.update(mark_items(_nft_mark(w) for w in chains.get("qos", []) if "priority" in w))
    return items


def _nft_mark(w: list[str]) -> Mark:
    """`ip daddr|saddr P tcp dport|sport {a,b} meta priority set 1:10 comment "x"`."""
    side = "dst" if "daddr" in w else "src"
    at = w.index(f"{side[0]}port") if f"{side[0]}port" in w else w.index("dport")
    handle = w[w.index("set") + 1]
    return Mark(w[w.index("comment") + 1] if "comment" in w else "", BY_HANDLE.get(handle, handle), w[at - 1],
                side, prefix(w[2]), w[at + 1].strip("{}").split(","))  # fmt: skip


def _nft_rule(w: list[str]) -> list[AclRule]:
    """`[ip daddr P] [proto dport {a,b}] accept|drop comment "x"` -> one rule per port."""
    remark = w[w.index("comment") + 1] if "comment" in w else ""
    verdict = "permit" if "accept" in w else "deny"
    dst = prefix(w[w.index("daddr") + 1]) if "daddr" in w else None
    proto = "icmp" if "l4proto" in w else ("ip" if "dport" not in w else w[w.index("dport") - 1])
    ports = w[w.index("dport") + 1].strip("{}").split(",") if "dport" in w else [None]
    return [AclRule(verdict, proto, dst, p, remark) for p in ports]
