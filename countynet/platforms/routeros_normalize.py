"""Parse a rendered RouterOS script back into the normal form, one menu section at a time.

A script is read into commands `(section, verb, selector, args, flags)`: `/ip address` followed by
`add address=... interface=...` is section "/ip address", verb "add". Each normal-form item is
then built by one small reader of the sections it needs (`SECTIONS` says which), so a change
of the rendered shape (e.g. to what `/export` prints) touches only the readers of the sections
that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

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
    number,
    prefix,
    wireless_value,
    words,
)
from countynet.platforms.qos_normalize import BY_MARK, Mark, Queue, kbit, mark_items, queue_items

VERBS = {"add", "set", "remove", "disable", "enable"}


@dataclass
class Command:
    section: str
    verb: str
    selector: dict[str, str] = field(default_factory=dict)  # [ find key=value ]
    args: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # bare words: `passive`, `blackhole`, `telnet`


Sections = dict[str, list[Command]]


def commands(text: str) -> Sections:
    """Every command of the script, grouped by the menu section it applies to."""
    out: Sections = defaultdict(list)
    section = "/"
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = words(line)
        if parts[0].startswith("/"):
            path = [parts.pop(0)]
            while parts and parts[0] not in VERBS:
                path.append(parts.pop(0))
            section = " ".join(path)
        if not parts:
            continue
        out[section].append(_command(section, parts))
    return out


def _command(section: str, parts: list[str]) -> Command:
    cmd = Command(section, parts[0])
    target = cmd.args
    for w in parts[1:]:
        if w in ("[", "find"):
            target = cmd.selector
        elif w == "]":
            target = cmd.args
        elif "=" in w:
            key, _, value = w.partition("=")
            target[key] = value
        else:
            cmd.flags.append(w)
    return cmd


def adds(s: Sections, section: str) -> list[Command]:
    return [c for c in s.get(section, []) if c.verb == "add"]


def _identity(s: Sections, names: Names) -> Items:
    names_set = [c.args["name"] for c in s.get("/system identity", []) if "name" in c.args]
    return {"hostname": names_set[-1]} if names_set else {}


def _addresses(s: Sections, names: Names) -> Items:
    per: dict[str, list[str]] = defaultdict(list)
    for c in adds(s, "/ip address"):
        per[c.args["interface"]].append(host(c.args["address"]))
    return dict(interface_item(names, name, addrs) for name, addrs in per.items())


def _routes(s: Sections, names: Names) -> Items:
    return {
        f"static {prefix(c.args['dst-address'])}": "blackhole" if "blackhole" in c.flags else c.args.get("gateway", "")
        for c in adds(s, "/ip route")
    }


def _policy(s: Sections) -> Policy:
    pol = Policy()
    for c in adds(s, "/routing filter rule"):
        words = c.args["rule"].replace("(", " ").replace(")", " ").split()  # if (dst == P) { accept }
        action = "accept" if "accept" in words else "reject"
        pol.chains.setdefault(c.args["chain"], []).append((action, prefix(words[3]) if "dst" in words else None))
    return pol


def _ospf(s: Sections, names: Names) -> Items:
    items: Items = {}
    areas = {c.args["name"]: c.args["area-id"] for c in adds(s, "/routing ospf area")}
    for c in adds(s, "/routing ospf instance"):
        items["ospf router-id"] = c.args.get("router-id", "")
        if c.args.get("redistribute") == "bgp":
            items["ospf redistributes"] = "bgp " + joined(_policy(s).permitted(c.args.get("out-filter-chain")))
    for c in adds(s, "/routing ospf interface-template"):
        o = OspfIf(area=areas.get(c.args["area"], c.args["area"]), passive="passive" in c.flags)
        o.network = {"ptp": "point-to-point"}.get(c.args.get("type", ""), c.args.get("type"))
        o.priority = int(c.args["priority"]) if "priority" in c.args else None
        o.hello = int(c.args["hello-interval"].rstrip("s")) if "hello-interval" in c.args else None
        o.dead = int(c.args["dead-interval"].rstrip("s")) if "dead-interval" in c.args else None
        for name in c.args["interfaces"].split(","):
            items[f"ospf {logical(names, name)}"] = o.value()
    return items


def _bgp(s: Sections, names: Names) -> Items:
    items: Items = {}
    pol = _policy(s)
    lists: dict[str, list[str]] = defaultdict(list)
    for c in adds(s, "/ip firewall address-list"):
        lists[c.args["list"]].append(prefix(c.args["address"]))
    instances = {c.args.get("name", ""): c.args for c in adds(s, "/routing bgp instance")}  # RouterOS 7.20+
    for c in adds(s, "/routing bgp connection"):
        a = {**instances.get(c.args.get("instance", ""), {}), **c.args}
        n = Neighbor(
            remote_as=a.get("remote.as", ""),
            keepalive=int(a["keepalive-time"].rstrip("s")) if "keepalive-time" in a else None,
            hold=int(a["hold-time"].rstrip("s")) if "hold-time" in a else None,
            active=a.get("disabled", "no") == "no",
            policy_in=a.get("input.filter"),
            policy_out=a.get("output.filter-chain"),
        )
        nets = lists.get(a.get("output.network", ""), [])
        items.update(bgp_items(a.get("as", ""), a.get("router-id", ""), {a["remote.address"]: n}, nets, pol))
    return items


def _filters(s: Sections, names: Names) -> Items:
    rules = adds(s, "/ip firewall filter")
    items: Items = {"management acl": "none"}
    drops = {c.args.get("dst-port") for c in rules if c.args.get("chain") == "input" and c.args.get("action") == "drop"}
    for c in rules:
        a = c.args
        if a.get("chain") == "input" and a.get("action") == "accept" and "src-address" in a:
            port = a.get("dst-port", "")
            items["management acl"] = management_value(port, [prefix(a["src-address"])], port in drops)
        elif a.get("chain") == "forward" and a.get("action") == "jump":
            chain = [r for r in rules if r.args.get("chain") == a["jump-target"]]
            stateful = any("connection-state" in r.args for r in chain)
            acl = [r for x in chain if "connection-state" not in x.args for r in _rule(x)]
            items.update(acl_items(logical(names, a["in-interface"]), acl, stateful))
    return items


def _rule(c: Command) -> list[AclRule]:
    a = c.args
    verdict = "permit" if a.get("action") == "accept" else "deny"
    dst = prefix(a["dst-address"]) if "dst-address" in a else None
    ports: list[str | None] = list(a["dst-port"].split(",")) if "dst-port" in a else [None]
    proto = a.get("protocol", "ip")
    return [AclRule(verdict, proto, dst, p, _service(a.get("comment", ""), a["chain"], proto, a.get("dst-address")))
            for p in ports]  # fmt: skip


def _service(comment: str, chain: str, proto: str, dst: str | None) -> str:
    """The service a rule belongs to, from its unique comment `<chain> <service> [<proto>] [<dst>] [#n]`."""
    words = comment.split()
    if words[:1] == [chain]:
        words = words[1:]
    if len(words) > 1 and words[-1].startswith("#"):
        words = words[:-1]
    if dst and len(words) > 1 and words[-1] == dst:
        words = words[:-1]
    if proto != "ip" and len(words) > 1 and words[-1] == proto:
        words = words[:-1]
    return " ".join(words)


def _wireless(s: Sections, names: Names) -> Items:
    profiles = {}
    for c in adds(s, "/interface wireless security-profiles"):
        mode = c.args.get("mode")
        profiles[c.args["name"]] = "open" if mode == "none" else c.args.get("authentication-types", "")
    items: Items = {}
    for c in s.get("/interface wireless", []):
        if c.verb != "set" or "default-name" not in c.selector:
            continue
        a = c.args
        width = a.get("channel-width", "").split("mhz")[0].split("/")[-1]  # 20/40mhz-Ce -> 40
        mode = {"ap-bridge": "ap"}.get(a.get("mode", ""), a.get("mode", ""))
        value = wireless_value(
            mode, a.get("ssid", ""), a.get("frequency", ""), width, number(a.get("tx-power", "0")),
            profiles.get(a.get("security-profile", ""), "none"),
        )  # fmt: skip
        items[f"wireless {logical(names, c.selector['default-name'])}"] = value
    return items


def _wifi(s: Sections, names: Names) -> Items:
    """Radios on the `wifi` package (wifi-qcom-ac): `/interface wifi security`, `/interface wifi`."""
    profiles = {c.args["name"]: c.args.get("authentication-types", "") for c in adds(s, "/interface wifi security")}
    items: Items = {}
    for c in s.get("/interface wifi", []):
        if c.verb != "set" or "default-name" not in c.selector:
            continue
        a = c.args
        width = a.get("channel.width", "").split("mhz")[0].split("/")[-1]  # 20/40mhz -> 40
        value = wireless_value(
            a.get("configuration.mode", ""), a.get("configuration.ssid", ""), a.get("channel.frequency", ""), width,
            number(a.get("configuration.tx-power", "0")), profiles.get(a["security"], "none") if "security" in a
            else "open",
        )  # fmt: skip
        items[f"wireless {logical(names, c.selector['default-name'])}"] = value
    return items


# item readers, each with the sections it reads (what a change of the rendered shape must revisit)
def _mangle(s: Sections, names: Names) -> Items:
    """Packet marks per service and direction (`/ip firewall mangle`, action=mark-packet)."""
    marks = []
    for c in adds(s, "/ip firewall mangle"):
        if c.args.get("action") != "mark-packet":
            continue
        side = "dst" if "dst-address" in c.args else "src"
        mark = c.args.get("new-packet-mark", "")
        marks.append(Mark(c.args.get("comment", ""), BY_MARK.get(mark, mark), c.args.get("protocol", "ip"), side,
                          prefix(c.args[f"{side}-address"]), c.args.get(f"{side}-port", "").split(",")))  # fmt: skip
    return mark_items(marks)


def _queue_tree(s: Sections, names: Names) -> Items:
    """A parent per interface (max-limit: the shaped rate), a leaf per packet mark (limit-at, max-limit)."""
    tree = adds(s, "/queue tree")
    tops = {c.args["name"]: c.args["parent"] for c in tree if c.args.get("parent") in names}
    queues: dict[str, Queue] = {}
    for c in tree:
        if c.args["name"] in tops:
            queues.setdefault(c.args["parent"], Queue()).shape_kbit = kbit(c.args.get("max-limit", "0"))
        elif c.args.get("parent") in tops:
            q = queues.setdefault(tops[c.args["parent"]], Queue())
            mark = c.args.get("packet-mark", "")
            klass = BY_MARK.get(mark, mark)
            q.classes[klass] = (kbit(c.args.get("limit-at", "0")), kbit(c.args.get("max-limit", "0")))
            if mark == "no-mark":
                q.unmarked = klass
    return queue_items(queues, names)


SECTIONS: dict[Callable[[Sections, Names], Items], tuple[str, ...]] = {
    _identity: ("/system identity",),
    _addresses: ("/ip address",),
    _routes: ("/ip route",),
    _ospf: ("/routing ospf instance", "/routing ospf area", "/routing ospf interface-template", "/routing filter rule"),
    _bgp: ("/routing bgp instance", "/routing bgp connection", "/ip firewall address-list", "/routing filter rule"),
    _filters: ("/ip firewall filter",),
    _mangle: ("/ip firewall mangle",),
    _queue_tree: ("/queue tree",),
    _wireless: ("/interface wireless security-profiles", "/interface wireless"),
    _wifi: ("/interface wifi security", "/interface wifi"),
}


def normalize(text: str, names: Names) -> Items:
    """The normal form of one RouterOS script; `names` maps RouterOS interface names to (logical, role)."""
    s = commands(text)
    items: Items = {}
    for reader in SECTIONS:
        items.update(reader(s, names))
    return items
