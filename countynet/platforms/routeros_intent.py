"""RouterOS spellings added to a finished intent, so the templates only loop and print.

Two things are decided here rather than in Jinja:
- the radio package of each radio (`wifi`: wifi-qcom-ac, `/interface wifi`; `wireless`: the legacy
  package, `/interface wireless`), taken from the radio model in network.yml, with the package's own
  spelling of band, width, mode and default interface name;
- the firewall filter lines with a comment unique in the section, so that a device's `/export`
  and the target can be matched rule by rule (the comment is the rule's identity in the patch).
"""

from __future__ import annotations

from typing import Any

# the interface name a radio has on each package (the platform row's mapper says wlanN, the legacy name)
DEFAULT_PREFIX = {"wifi": "wifi", "wireless": "wlan"}
WIFI_WIDTH = {20: "20mhz", 40: "20/40mhz", 80: "20/40/80mhz"}
WIRELESS_WIDTH = {20: "20mhz", 40: "20/40mhz-Ce", 80: "20/40/80mhz-Ceee"}
WIFI_MODE = {"ap": "ap", "station": "station"}
WIRELESS_MODE = {"ap": "ap-bridge", "station": "station"}


def _rename(intent: dict[str, Any]) -> None:
    """A radio on the `wifi` package is wifiN on the device: use that name everywhere in the intent."""
    radios = intent["wireless"]["sectors"] + intent["wireless"]["stations"]
    names = {
        w["interface"]: DEFAULT_PREFIX["wifi"] + str(w["interface"]).removeprefix("wlan")
        for w in radios
        if (w.get("package") or "wifi") == "wifi"
    }
    if not names:
        return
    for w in radios:
        w["interface"] = names.get(w["interface"], w["interface"])
    for f in intent["interfaces"]:
        f["name"] = names.get(f["name"], f["name"])
    ospf = intent["ospf"]
    ospf["interfaces"] = [names.get(n, n) for n in ospf["interfaces"]]
    ospf["passive"] = [names.get(n, n) for n in ospf["passive"]]
    for a in intent["acls"]:
        a["interfaces"] = [names.get(n, n) for n in a["interfaces"]]
    for q in intent["qos"]["queues"]:
        q["interface"] = names.get(q["interface"], q["interface"])


def _radio(w: dict[str, Any]) -> dict[str, Any]:
    package = w.get("package") or "wifi"
    wifi = package == "wifi"
    return {
        **w,
        "package": package,
        "default_name": w["interface"],
        "ros_band": "5ghz-ac" if wifi else "5ghz-a/n/ac",
        "ros_width": (WIFI_WIDTH if wifi else WIRELESS_WIDTH)[int(w["width_mhz"])],
        "ros_mode": (WIFI_MODE if wifi else WIRELESS_MODE)[w["mode"]],
        "secured": w["security"] != "open",
    }


def _profiles(radios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One security profile per profile name (two radios may share one)."""
    seen: dict[str, dict[str, Any]] = {}
    for r in radios:
        seen.setdefault(r["profile"], r)
    return list(seen.values())


def _filter(intent: dict[str, Any]) -> list[dict[str, Any]]:
    """`/ip firewall filter` lines in order: (ordered args, unique comment)."""
    acl = intent["management"]["mgmt_acl"]
    rules: list[dict[str, Any]] = [
        {
            "args": [("chain", "input"), ("protocol", "tcp"), ("dst-port", acl["port"]),
                     ("src-address", acl["subnet"]), ("action", "accept")],
            "comment": "ssh from management",
        },
        {
            "args": [("chain", "input"), ("protocol", "tcp"), ("dst-port", acl["port"]), ("action", "drop")],
            "comment": "ssh from elsewhere",
        },
    ]  # fmt: skip
    for a in intent["acls"]:
        chain = a["name"].lower()
        for name in a["interfaces"]:
            rules.append(
                {
                    "args": [("chain", "forward"), ("in-interface", name), ("action", "jump"), ("jump-target", chain)],
                    "comment": f"agency LAN ingress {name}",
                }
            )
        rules.append(
            {
                "args": [("chain", chain), ("connection-state", "established,related"), ("action", "accept")],
                "comment": f"{chain} established",
            }
        )
        for r in a["rules"]:
            args: list[tuple[str, Any]] = [("chain", chain)]
            if r["protocol"] != "ip":
                args.append(("protocol", r["protocol"]))
            if r["destination"]:
                args.append(("dst-address", r["destination"]))
            if r["ports"]:
                args.append(("dst-port", ",".join(str(p) for p in r["ports"])))
            args.append(("action", "accept" if r["action"] == "permit" else "drop"))
            words = [chain, r["remark"], r["protocol"] if r["protocol"] not in (r["remark"], "ip") else "",
                     r["destination"] or ""]  # fmt: skip
            rules.append({"args": args, "comment": " ".join(w for w in words if w)})
    seen: dict[str, int] = {}
    for rule in rules:  # the comment is the rule's identity in a patch: unique, and free of sequence numbers
        n = seen[rule["comment"]] = seen.get(rule["comment"], 0) + 1
        if n > 1:
            rule["comment"] += f" #{n}"
    return rules


def finish(intent: dict[str, Any]) -> None:
    """Add `intent["ros"]`: radios grouped by package, security profiles, firewall filter lines."""
    _rename(intent)
    radios = [_radio(w) for w in intent["wireless"]["sectors"] + intent["wireless"]["stations"]]
    wifi = [r for r in radios if r["package"] == "wifi"]
    legacy = [r for r in radios if r["package"] == "wireless"]
    intent["ros"] = {
        "packages": sorted({r["package"] for r in radios}),
        "wifi": wifi,
        "wifi_security": [r for r in _profiles(wifi) if r["secured"]],
        "wireless": legacy,
        "wireless_security": _profiles(legacy),
        "filter": _filter(intent),
        "mangle": _mangle(intent["qos"]),
        "queues": _queue_tree(intent["qos"]),
    }


def rate(kbit: int) -> str:
    """A rate as RouterOS prints it: whole Mbit/s as `M`, else `k`."""
    return f"{kbit // 1000}M" if kbit % 1000 == 0 else f"{kbit}k"


def _mangle(qos: dict[str, Any]) -> list[dict[str, Any]]:
    """`/ip firewall mangle` lines: a packet mark per service class and direction (comment: identity)."""
    out = []
    for m in qos["marks"]:
        side = "dst" if m["match"] == "destination" else "src"
        out.append({"args": [("chain", "forward"), ("protocol", m["protocol"]), (f"{side}-address", m["prefix"]),
                             (f"{side}-port", ",".join(str(p) for p in m["ports"])), ("action", "mark-packet"),
                             ("new-packet-mark", m["mark"]), ("passthrough", "no")],
                    "comment": m["comment"]})  # fmt: skip
    return out


def _queue_tree(qos: dict[str, Any]) -> list[dict[str, Any]]:
    """`/queue tree`: per queued interface a parent shaped to the hop's rate, a leaf per class
    (guaranteed `limit-at`, borrowing up to the parent; best effort takes what has no mark)."""
    out = []
    for q in qos["queues"]:
        top = f"qos-{q['logical']}"
        out.append({"name": top, "parent": q["interface"], "max_limit": rate(q["rate_kbit"]), "limit_at": None,
                    "packet_mark": None, "priority": None,
                    "comment": f"qos {q['logical']}: {q['capacity_mbps']} Mbit/s planned"})  # fmt: skip
        for c in q["classes"]:
            out.append({"name": f"{top}-{c['name']}", "parent": top, "max_limit": rate(c["ceil_kbit"]),
                        "limit_at": rate(c["rate_kbit"]), "packet_mark": c["mark"] or "no-mark",
                        "priority": c["priority"], "comment": None})  # fmt: skip
    return out
