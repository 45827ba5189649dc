"""Pure functions turning FRR 8.4 / Linux output into NAPALM's documented shapes.

Kept apart from the transport so they are unit-tested against captured real output
(tests/drivers/fixtures/) without a device.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

# Lines `show running-config` prints around the config that are not config (frr-reload and
# `vtysh -m -f` reject "Building configuration..." as an unknown command).
_RUNNING_NOISE = re.compile(r"^(Building configuration\.\.\.|Current configuration:)\s*$")
_DIFF_SKIP = re.compile(r"^(frr version .*|end|!.*)$")
# Lines frr-reload --test lists although FRR never echoes them back the same way (its own
# version string, an empty `line vty`): not differences (same list as the device-side scripts).
_RELOAD_NOISE = re.compile(r"^(frr version .*|line vty|exit|end|!)$")
_SECRET = re.compile(r"^(\s*(?:.*\s)?(?:password|authentication-key|message-digest-key \d+ md5|community))\s+\S+(.*)$")


def clean_running(text: str) -> str:
    """`show running-config` without the vtysh banner, so it can be fed back to frr-reload."""
    lines = [ln.rstrip() for ln in text.splitlines() if not _RUNNING_NOISE.match(ln)]
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines).strip("\n") + "\n"


def normalise(text: str) -> list[str]:
    """Config lines that matter for a human diff, in a canonical order.

    Drops the banner, `frr version`, `!`, `end`, top-level `exit` and blank lines, and sorts the
    top-level blocks (a line plus its indented children) so that running-config's own ordering
    (interfaces sorted, static routes first) does not show up as moved lines.
    """
    blocks: list[list[str]] = []
    for ln in clean_running(text).splitlines():
        ln = ln.rstrip()
        if not ln.strip() or _DIFF_SKIP.match(ln.strip()) or ln == "exit":
            continue
        if ln[0].isspace() and blocks:
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
    blocks = [b for b in blocks if b != ["line vty"]]  # empty: FRR does not show it
    for b in blocks:
        if b[0].startswith("interface "):  # interface sub-commands have no order; FRR sorts its own
            b[1:] = sorted(b[1:])
    blocks.sort(key=lambda b: b[0])
    return [ln for b in blocks for ln in b]


def _blocks(text: str) -> list[tuple[str, list[str | tuple[str, list[str]]]]]:
    """Config text -> [(header, children)]; a child is a line or an address-family sub-block."""
    out: list[tuple[str, list[str | tuple[str, list[str]]]]] = []
    sub: tuple[str, list[str]] | None = None
    for raw in clean_running(text).splitlines():
        ln = raw.rstrip()
        s = ln.strip()
        if not s or s.startswith("!") or s in ("end", "exit") or s.startswith("frr version"):
            sub = None if s == "exit" else sub
            continue
        if not ln[0].isspace() or not out:
            out.append((ln, []))
            sub = None
        elif s == "exit-address-family":
            sub = None
        elif s.startswith("address-family "):
            sub = (ln, [])
            out[-1][1].append(sub)
        elif sub is not None:
            sub[1].append(ln)
        else:
            out[-1][1].append(ln)
    return out


def merge_config(running: str, snippet: str) -> str:
    """Running config with a snippet merged in block by block (NAPALM merge semantics).

    frr-reload mishandles a context that appears twice in one file (e.g. two `router bgp`
    blocks), so the snippet's lines are folded into the matching running block instead of
    being appended.
    """
    merged = _blocks(running)
    index = {h: children for h, children in merged}
    for header, children in _blocks(snippet):
        target = index.get(header)
        if target is None:
            merged.append((header, children))
            index[header] = children
            continue
        subs = {c[0]: c[1] for c in target if isinstance(c, tuple)}
        for child in children:
            if isinstance(child, str):
                if child not in target:
                    target.append(child)
            elif child[0] in subs:
                subs[child[0]].extend(ln for ln in child[1] if ln not in subs[child[0]])
            else:
                target.append(child)
                subs[child[0]] = child[1]
    lines: list[str] = []
    for header, children in merged:
        lines.append(header)
        # Plain lines first, then address-family blocks: FRR's own order, which frr-reload expects.
        lines += [c for c in children if isinstance(c, str)]
        for child in children:
            if not isinstance(child, str):
                lines += [child[0], *child[1], " exit-address-family"]
        lines.append("exit" if children else "!")
    return "\n".join(lines) + "\n"


def sanitise(text: str) -> str:
    """Mask secrets (passwords, keys, SNMP communities) for get_config(sanitized=True)."""
    return "\n".join(_SECRET.sub(r"\1 <removed>\2", ln) for ln in text.splitlines()) + ("\n" if text else "")


def parse_reload_test(output: str) -> tuple[list[str], list[str]]:
    """frr-reload.py --test stdout -> (lines to delete, lines to add), each as printed."""
    section: list[str] | None = None
    deletes: list[str] = []
    adds: list[str] = []
    for ln in output.splitlines():
        if ln.strip() == "Lines To Delete":
            section = deletes
            continue
        if ln.strip() == "Lines To Add":
            section = adds
            continue
        if section is None or not ln.strip() or set(ln.strip()) == {"="} or _RELOAD_NOISE.match(ln.strip()):
            continue
        section.append(ln.rstrip())
    return deletes, adds


def render_diff(running: str, candidate: str, reload_test: str) -> str:
    """What compare_config shows when frr-reload says something changes.

    A unified diff of the normalised configs reads best; when normalisation hides the change
    (e.g. a default that only frr-reload knows about) fall back to frr-reload's own plan.
    """
    diff = list(
        difflib.unified_diff(normalise(running), normalise(candidate), "running", "candidate", n=3, lineterm="")
    )
    if diff:
        return "\n".join(diff) + "\n"
    deletes, adds = parse_reload_test(reload_test)
    out = ["--- running", "+++ candidate", "@@ frr-reload plan @@"]
    out += [f"-{ln}" for ln in deletes] + [f"+{ln}" for ln in adds]
    return "\n".join(out) + "\n"


def split_sections(output: str, marker: str = "@@CN@@ ") -> dict[str, str]:
    """Split the output of one batched device script into named sections (`@@CN@@ name` lines)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for ln in output.splitlines():
        if ln.startswith(marker):
            current = sections.setdefault(ln[len(marker) :].strip(), [])
            continue
        if current is not None:
            current.append(ln)
    return {k: "\n".join(v) for k, v in sections.items()}


def split_echoed(output: str, commands: list[str]) -> list[str | None]:
    """The output of one `vtysh -E -c A -c B ...` run, split per command: vtysh echoes each
    command after its prompt (`host# A`) before running it, so a section runs from one echo line
    to the next. None for a command whose echo never came (vtysh stopped at an earlier one)."""
    lines = output.splitlines(keepends=True)
    starts: list[int] = []
    pos = 0
    for cmd in commands:
        echo = re.compile(r"[^\s#]+(\([^)]*\))?# " + re.escape(cmd))
        found = next((i for i in range(pos, len(lines)) if echo.fullmatch(lines[i].rstrip("\r\n"))), None)
        if found is None:
            break
        starts.append(found)
        pos = found + 1
    ends = [*starts[1:], len(lines)] if starts else []
    out: list[str | None] = ["".join(lines[a + 1 : b]) for a, b in zip(starts, ends, strict=True)]
    return out + [None] * (len(commands) - len(out))


def loads(text: str, default: Any = None) -> Any:
    """vtysh JSON, or `default` when the daemon answered with an error text instead."""
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return default


def mac(address: str | None) -> str:
    return (address or "").upper()


def facts(
    hostname: str, fqdn: str, uptime: str, version: str, links: list[dict[str, Any]], model: str, serial: str
) -> dict[str, Any]:
    m = re.search(r"FRRouting (\S+)", version)
    return {
        "uptime": float(uptime.split()[0]) if uptime.strip() else -1.0,
        "vendor": "FRRouting",
        "model": model.strip() or "Linux",
        "hostname": hostname.strip(),
        "fqdn": fqdn.strip() or hostname.strip(),
        "os_version": f"FRRouting {m.group(1)}" if m else version.strip().splitlines()[0] if version.strip() else "",
        "serial_number": serial.strip(),
        "interface_list": sorted(link["ifname"] for link in links),
    }


def interfaces(links: list[dict[str, Any]], frr_ifaces: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`ip -j -d link` (state, MTU, MAC) + `show interface json` (description, speed)."""
    out: dict[str, dict[str, Any]] = {}
    for link in links:
        name = link["ifname"]
        flags = link.get("flags", [])
        frr = frr_ifaces.get(name, {})
        oper = link.get("operstate", "UNKNOWN")
        # lo and some virtual links report UNKNOWN; LOWER_UP is then the best signal.
        is_up = oper == "UP" or (oper == "UNKNOWN" and "LOWER_UP" in flags and "UP" in flags)
        speed = frr.get("speed")
        out[name] = {
            "is_up": bool(is_up),
            "is_enabled": "UP" in flags,
            "description": frr.get("description", link.get("ifalias", "")) or "",
            "last_flapped": -1.0,  # Linux keeps no flap timestamp
            "speed": float(speed) if isinstance(speed, int | float) and speed > 0 else -1.0,
            "mtu": int(link.get("mtu", -1)),
            "mac_address": mac(link.get("address")),
        }
    return out


def interfaces_ip(addrs: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, dict[str, int]]]]:
    out: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for link in addrs:
        for a in link.get("addr_info", []):
            fam = {"inet": "ipv4", "inet6": "ipv6"}.get(a.get("family", ""))
            if fam is None:
                continue
            out.setdefault(link["ifname"], {}).setdefault(fam, {})[a["local"]] = {"prefix_length": int(a["prefixlen"])}
    return out


_AF = {"ipv4Unicast": "ipv4", "ipv6Unicast": "ipv6"}


def bgp_neighbors(summary: dict[str, Any], neighbors: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`show bgp vrf all summary json` + `show bgp vrf all neighbors json` -> get_bgp_neighbors.

    FRR names the default VRF "default"; NAPALM calls it "global".
    """
    out: dict[str, dict[str, Any]] = {}
    vrfs = set(summary) | {k for k, v in neighbors.items() if isinstance(v, dict)}
    for vrf in sorted(vrfs):
        key = "global" if vrf == "default" else vrf
        vsum = summary.get(vrf, {}) or {}
        vnbr = neighbors.get(vrf, {}) or {}
        router_id = ""
        pfx: dict[str, dict[str, dict[str, int]]] = {}
        for af_key, af in _AF.items():
            s = vsum.get(af_key) or {}
            router_id = router_id or s.get("routerId", "")
            for ip, p in (s.get("peers") or {}).items():
                pfx.setdefault(ip, {})[af] = {
                    "received_prefixes": int(p.get("pfxRcd", 0) or 0),
                    "accepted_prefixes": int(p.get("pfxRcd", 0) or 0),
                    "sent_prefixes": int(p.get("pfxSnt", 0) or 0),
                }
        peers: dict[str, Any] = {}
        for ip, n in vnbr.items():
            if not isinstance(n, dict) or "remoteAs" not in n:
                continue
            router_id = router_id or n.get("localRouterId", "")
            afs = pfx.get(ip, {})
            for af_key, info in (n.get("addressFamilyInfo") or {}).items():
                family = _AF.get(af_key)
                if family is None:
                    continue
                entry = afs.setdefault(family, {"received_prefixes": 0, "accepted_prefixes": 0, "sent_prefixes": 0})
                if "acceptedPrefixCounter" in info:
                    entry["accepted_prefixes"] = int(info["acceptedPrefixCounter"])
                if "sentPrefixCounter" in info:
                    entry["sent_prefixes"] = int(info["sentPrefixCounter"])
            state = n.get("bgpState", "")
            up_ms = n.get("bgpTimerUpMsec")
            peers[ip] = {
                "local_as": int(n.get("localAs", 0)),
                "remote_as": int(n.get("remoteAs", 0)),
                "remote_id": n.get("remoteRouterId", "0.0.0.0"),
                "is_up": state == "Established",
                "is_enabled": not (n.get("adminShutDown") or "Admin" in str(n.get("lastResetDueTo", ""))),
                "description": n.get("nbrDesc", ""),
                "uptime": int(up_ms / 1000) if isinstance(up_ms, int | float) else -1,
                "address_family": afs,
            }
        if peers or router_id:
            out[key] = {"router_id": router_id, "peers": peers}
    return out


def frr_age(uptime: str) -> int:
    """FRR route uptime ("00:01:17", "1d02h03m", "2w3d04h") -> seconds."""
    if ":" in uptime:
        parts = [int(p) for p in uptime.split(":")]
        while len(parts) < 3:
            parts.insert(0, 0)
        return parts[0] * 3600 + parts[1] * 60 + parts[2]
    units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([wdhms])", uptime))


def routes(
    table: dict[str, Any], protocol: str = "", bgp_attrs: dict[str, dict[str, Any]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """`show ip route X json` -> get_route_to: one entry per next hop, like NAPALM's IOS/EOS drivers."""
    out: dict[str, list[dict[str, Any]]] = {}
    for prefix, entries in table.items():
        for r in entries or []:
            proto = str(r.get("protocol", ""))
            if protocol and proto.lower() != protocol.lower():
                continue
            selected = bool(r.get("selected", False))
            attrs = (bgp_attrs or {}).get(prefix, {}) if proto == "bgp" else {}
            for nh in r.get("nexthops") or [{}]:
                next_hop = nh.get("ip", "")
                if not next_hop and nh.get("blackhole"):
                    next_hop = "blackhole"
                out.setdefault(prefix, []).append(
                    {
                        "protocol": proto,
                        "current_active": selected and bool(nh.get("fib", False) or r.get("installed", False)),
                        "last_active": selected,
                        "age": frr_age(str(r.get("uptime", "0"))),
                        "next_hop": next_hop,
                        "outgoing_interface": nh.get("interfaceName", ""),
                        "selected_next_hop": bool(nh.get("active", False)),
                        "preference": int(r.get("distance", 0)),
                        "inactive_reason": "" if selected else "not selected",
                        "routing_table": r.get("vrfName", "default"),
                        "protocol_attributes": dict(attrs),
                    }
                )
    return out


def bgp_route_attrs(bgp_json: dict[str, Any], local_as: int) -> dict[str, Any]:
    """`show bgp ipv4 unicast PREFIX json` best path -> NAPALM's BGP protocol_attributes."""
    paths = bgp_json.get("paths") or []
    best = next((p for p in paths if (p.get("bestpath") or {}).get("overall")), paths[0] if paths else None)
    if not best:
        return {}
    as_path = (best.get("aspath") or {}).get("string", "")
    first_as = as_path.split()[0] if as_path.split() else ""
    return {
        "local_as": local_as,
        "remote_as": int(first_as) if first_as.isdigit() else local_as,
        "peer_id": (best.get("peer") or {}).get("routerId", ""),
        "as_path": as_path,
        "communities": (best.get("community") or {}).get("list", []),
        "local_preference": int(best.get("locPrf", 100)),
        "preference2": -1,
        "metric": int(best.get("metric", 0)),
        "metric2": -1,
    }


_PING_REPLY = re.compile(r"bytes from (\S+?):? .*time=([\d.]+) ms")
_PING_SUM = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
_PING_RTT = re.compile(r"= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms")


def ping(output: str, error: str = "") -> dict[str, Any]:
    """iputils ping output -> NAPALM ping result (`packet_loss` is a count, as in napalm's IOS driver)."""
    summ = _PING_SUM.search(output)
    if not summ:
        return {"error": (error or output).strip() or "ping failed"}
    sent, received = int(summ.group(1)), int(summ.group(2))
    rtt = _PING_RTT.search(output)
    mn, avg, mx, dev = (float(x) for x in rtt.groups()) if rtt else (0.0, 0.0, 0.0, 0.0)
    return {
        "success": {
            "probes_sent": sent,
            "packet_loss": sent - received,
            "rtt_min": mn,
            "rtt_max": mx,
            "rtt_avg": avg,
            "rtt_stddev": dev,
            "results": [{"ip_address": ip, "rtt": float(t)} for ip, t in _PING_REPLY.findall(output)],
        }
    }


def nft_diff(applied: str, candidate: str, what: str = "nftables") -> str:
    """Unified diff of the nftables (or tc) part (applied on the device vs candidate)."""
    lines = difflib.unified_diff(
        applied.splitlines(), candidate.splitlines(), f"{what} (device)", f"{what} (candidate)", lineterm="", n=2
    )
    return "\n".join(lines) + "\n"
