"""Parse a rendered IOS-XE config back into the normal form (countynet.platforms.base_normalize).

The config is split into its parent/child blocks by ciscoconfparse2 (which also knows banners);
each block's lines are then read word by word.
"""

from __future__ import annotations

from ciscoconfparse2 import CiscoConfParse  # type: ignore[import-untyped]

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
)
from countynet.platforms.qos_normalize import BY_ACL, Mark, Queue, kbit, mark_items, queue_items


def normalize(text: str, names: Names) -> Items:
    """The normal form of one IOS config; `names` maps IOS interface names to (logical, role)."""
    conf = CiscoConfParse(text.splitlines(), syntax="ios")
    items: Items = {}
    pol = _policy(conf)
    acls = {o.text.split()[-1]: o for o in conf.find_objects(r"^ip access-list extended ")}
    ospf_ifs: dict[str, OspfIf] = {}
    for obj in conf.find_objects(r"^interface "):
        name = obj.text.split()[1]
        kids = [c.text.split() for c in obj.children]
        addrs = [host(w[2], w[3]) for w in kids if w[:2] == ["ip", "address"]]
        if addrs:
            key, value = interface_item(names, name, addrs)
            items[key] = value
        ospf = _ospf_if(kids)
        if ospf is not None:
            ospf_ifs[name] = ospf
        for w in kids:
            if w[:2] == ["ip", "access-group"] and w[3] == "in" and w[2] in acls:
                items.update(acl_items(logical(names, name), _acl(acls[w[2]]), stateful=False))
    for obj in conf.find_objects(r"^hostname "):
        items["hostname"] = obj.text.split()[1]
    for obj in conf.find_objects(r"^router ospf "):
        kids = [c.text.split() for c in obj.children]
        for w in kids:
            if w[0] == "router-id":
                items["ospf router-id"] = w[1]
            elif w[0] == "passive-interface" and w[1] in ospf_ifs:
                ospf_ifs[w[1]].passive = True
            elif w[:2] == ["redistribute", "bgp"]:
                rm = w[w.index("route-map") + 1] if "route-map" in w else None
                items["ospf redistributes"] = "bgp " + joined(pol.permitted(rm))
    for name, o in ospf_ifs.items():
        items[f"ospf {logical(names, name)}"] = o.value()
    for obj in conf.find_objects(r"^router bgp "):
        items.update(_bgp(obj, pol))
    for obj in conf.find_objects(r"^ip route "):
        w = obj.text.split()
        items[f"static {prefix(w[2], w[3])}"] = "blackhole" if w[4] == "Null0" else w[4]
    items.update(_management(conf))
    items.update(_qos(conf, acls, names))
    return items


def _qos(conf: CiscoConfParse, acls: dict[str, object], names: Names) -> Items:
    """Class-maps (-> ACLs), a shaping policy per interface with a child policy of class percents."""
    class_acl = {}
    for o in conf.find_objects(r"^class-map "):
        match = next((c.text.split() for c in o.children if c.text.split()[:2] == ["match", "access-group"]), None)
        if match:
            class_acl[o.text.split()[-1]] = match[-1]
    marks = []
    for cmap, acl in class_acl.items():
        for r in _acl_marks(acls.get(acl)):
            r.klass = BY_ACL.get(cmap, cmap)
            marks.append(r)
    policies = {o.text.split()[1]: o for o in conf.find_objects(r"^policy-map ")}
    queues: dict[str, Queue] = {}
    for obj in conf.find_objects(r"^interface "):
        out = next((c.text.split()[-1] for c in obj.children if c.text.split()[:2] == ["service-policy", "output"]), None)
        if out in policies:
            queues[obj.text.split()[1]] = _shaper(policies[out], policies)
    return {**mark_items(marks), **queue_items(queues, names)}


def _shaper(parent: object, policies: dict[str, object]) -> Queue:
    """`shape average <bit/s>` + `service-policy CHILD`, CHILD's `bandwidth percent` per class."""
    q = Queue(unmarked="default")
    child = None
    for c in parent.all_children:  # type: ignore[attr-defined]
        w = c.text.split()
        if w[:2] == ["shape", "average"]:
            q.shape_kbit = kbit(w[2])
        elif w[0] == "service-policy":
            child = policies.get(w[1])
    klass = None
    for c in child.all_children if child is not None else []:  # type: ignore[attr-defined]
        w = c.text.split()
        if w[0] == "class":
            klass = BY_ACL.get(w[1], w[1])
        elif w[:2] == ["bandwidth", "percent"] and klass:  # a share of the shaper; may borrow all of it
            q.classes[klass] = (q.shape_kbit * int(w[2]) // 100, q.shape_kbit)
    return q


def _acl_marks(obj: object | None) -> list[Mark]:
    """`permit tcp any P W eq N` (to the service) or `permit tcp P W eq N any` (back from it)."""
    out: list[Mark] = []
    remark = ""
    for c in obj.children if obj is not None else []:  # type: ignore[attr-defined]
        w = c.text.split()
        if w[0] == "remark":
            remark = " ".join(w[1:])
        elif w[2] == "any":
            out.append(Mark(remark, "", w[1], "dst", prefix(w[3], w[4]), [w[w.index("eq") + 1]]))
        else:
            out.append(Mark(remark, "", w[1], "src", prefix(w[2], w[3]), [w[w.index("eq") + 1]]))
    return out


def _ospf_if(kids: list[list[str]]) -> OspfIf | None:
    o: OspfIf | None = None
    for w in kids:
        if w[:2] != ["ip", "ospf"]:
            continue
        o = o or OspfIf()
        if len(w) == 5 and w[3] == "area":  # ip ospf <process> area <area>
            o.area = w[4]
        elif w[2] == "network":
            o.network = w[3]
        elif w[2] == "priority":
            o.priority = int(w[3])
        elif w[2] == "hello-interval":
            o.hello = int(w[3])
        elif w[2] == "dead-interval":
            o.dead = int(w[3])
    return o


def _policy(conf: CiscoConfParse) -> Policy:
    pol = Policy()
    for obj in conf.find_objects(r"^ip prefix-list "):
        w = obj.text.split()  # ip prefix-list NAME seq N permit P
        pol.prefix_lists.setdefault(w[2], []).append((w[5], prefix(w[6])))
    for obj in conf.find_objects(r"^route-map "):
        w = obj.text.split()  # route-map NAME permit SEQ
        match = next((c.text.split()[-1] for c in obj.children if "prefix-list" in c.text), None)
        pol.route_maps.setdefault(w[1], []).append((w[2], match))
    return pol


def _bgp(obj: object, pol: Policy) -> Items:
    asn = obj.text.split()[2]  # type: ignore[attr-defined]
    rid = ""
    neighbors: dict[str, Neighbor] = {}
    networks: list[str] = []
    for c in obj.all_children:  # type: ignore[attr-defined]
        w = c.text.split()
        if w[:2] == ["bgp", "router-id"]:
            rid = w[2]
        elif w[0] == "network":
            networks.append(prefix(w[1], w[3] if len(w) > 3 else None))
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


def _acl(obj: object) -> list[AclRule]:
    """`remark X` names the service of the rules under it (the template prints one per rule)."""
    rules: list[AclRule] = []
    remark = ""
    for c in obj.children:  # type: ignore[attr-defined]
        w = c.text.split()
        if w[0] == "remark":
            remark = " ".join(w[1:])
            continue
        action, proto, rest = w[0], w[1], w[3:]  # w[2] is the source: always `any`
        dst = None if rest[0] == "any" else prefix(rest[0], rest[1])
        port = rest[rest.index("eq") + 1] if "eq" in rest else None
        rules.append(AclRule(action, proto, dst, port, remark))
    return rules


def _std_source(w: list[str]) -> str:
    """`any`, `host A`, `A` or `A WILDCARD` of a standard ACL entry, as a prefix."""
    if w[0] == "any":
        return "0.0.0.0/0"
    if w[0] == "host":
        return prefix(w[1])
    return prefix(w[0], w[1] if len(w) > 1 and w[1] != "log" else "0.0.0.0")


def _management(conf: CiscoConfParse) -> Items:
    """SSH on the vty lines, limited by a standard ACL: `management acl` = what may log in."""
    std = {o.text.split()[-1]: o for o in conf.find_objects(r"^ip access-list standard ")}
    for vty in conf.find_objects(r"^line vty "):
        kids = [c.text.split() for c in vty.children]
        acl = next((w[1] for w in kids if w[0] == "access-class" and w[-1] == "in"), None)
        ssh = any(w[:2] == ["transport", "input"] and w[2:] == ["ssh"] for w in kids)
        if acl in std and ssh:
            permits = [c.text.split() for c in std[acl].children if c.text.split()[0] == "permit"]
            subnets = [_std_source(w[1:]) for w in permits]
            return {"management acl": management_value("22", subnets, closed=True)}  # ACLs end in a deny
    return {"management acl": "none"}
