"""IOS-XE and RouterOS outputs parsed back and compared with the intent."""

from __future__ import annotations

import re
import shlex
from typing import Any

from ciscoconfparse2 import CiscoConfParse
from render_helpers import MINI, model

from countynet.intent import build_intents
from countynet.render import render_intents
from countynet.render.filters import ios_address, netmask, network, wildcard


def test_ios_hub_matches_intent(mini_intents: dict[str, Any]) -> None:
    intent = mini_intents["rru-hub"]
    assert intent["platform"] == "ios"
    text = render_intents({"rru-hub": intent})["rru-hub"]
    parse = CiscoConfParse(text.splitlines(), syntax="ios")
    for f in intent["interfaces"]:
        objs = parse.find_objects(rf"^interface {re.escape(f['name'])}$")
        assert len(objs) == 1, f["name"]
        children = [c.text.strip() for c in objs[0].children]
        assert f"ip address {ios_address(f['address'])}" in children
        if f["ospf"]:
            assert f"ip ospf 1 area {f['ospf']['area']}" in children
        else:
            assert not any(c.startswith("ip ospf") for c in children)
    bgp = parse.find_objects(rf"^router bgp {intent['bgp']['asn']}$")
    assert len(bgp) == 1
    lines = [c.text.strip() for c in bgp[0].all_children]
    for n in intent["bgp"]["neighbors"]:
        assert f"neighbor {n['address']} remote-as {n['remote_as']}" in lines
        assert f"neighbor {n['address']} route-map NOFBI-IN in" in lines
        assert f"neighbor {n['address']} route-map NOFBI-OUT out" in lines
    pls = {
        (m[1], m[2])
        for o in parse.find_objects(r"^ip prefix-list ")
        if (m := re.match(r"ip prefix-list (\S+) seq \d+ permit (\S+)", o.text))
    }
    want = {(pl["name"], e["prefix"]) for pl in intent["prefix_lists"] for e in pl["entries"]}
    assert pls == want
    agg = intent["static_routes"][0]["prefix"]
    assert parse.find_objects(rf"^ip route {network(agg)} {netmask(agg)} Null0")
    vty = parse.find_objects(r"^line vty")[0]
    assert {c.text.strip() for c in vty.children} >= {"transport input ssh", "access-class MGMT-SSH in"}


def test_ios_agency_acl_matches_intent() -> None:
    intents = build_intents(*model(MINI), platform_override="ios", hosts=["rru-hospital"])
    intent = intents["rru-hospital"]
    text = render_intents(intents)["rru-hospital"]
    parse = CiscoConfParse(text.splitlines(), syntax="ios")
    acl = intent["acls"][0]
    obj = parse.find_objects(rf"^ip access-list extended {acl['name']}$")[0]
    lines = [c.text.strip() for c in obj.children if not c.text.strip().startswith("remark")]
    want = []
    for r in acl["rules"]:
        dst = f"{network(r['destination'])} {wildcard(r['destination'])}" if r["destination"] else "any"
        want += [f"{r['action']} {r['protocol']} any {dst} eq {p}" for p in r["ports"]] or [
            f"{r['action']} {r['protocol']} any {dst}"
        ]
    assert lines == want
    assert lines[-1] == "deny ip any any"
    for svc in intent["services"]:
        assert any(r["remark"] == svc and r["action"] == "permit" for r in acl["rules"])
    lan = next(f for f in intent["interfaces"] if f["kind"] == "lan")
    ifobj = parse.find_objects(rf"^interface {re.escape(lan['name'])}$")[0]
    assert f"ip access-group {acl['name']} in" in [c.text.strip() for c in ifobj.children]


def ros_commands(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(menu, command, args) per RouterOS script line, tracking the current menu like the console does."""
    out = []
    menu = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        words = shlex.split(re.sub(r"\[ find [a-z-]+=(\S+) \]", r"find=\1", line), posix=True)
        if words[0].startswith("/"):
            path = []
            while words and "=" not in words[0] and words[0] not in ("add", "set", "remove", "disable", "enable"):
                path.append(words.pop(0))
            menu = " ".join(path)
        if not words:
            continue
        cmd, rest = words[0], words[1:]
        args = dict(w.split("=", 1) if "=" in w else (w, "") for w in rest)
        out.append((menu, cmd, args))
    return out


def test_routeros_base_station_matches_intent(mini_intents: dict[str, Any]) -> None:
    intent = mini_intents["rru-bs1"]
    assert intent["platform"] == "routeros"
    cmds = ros_commands(render_intents({"rru-bs1": intent})["rru-bs1"])
    addrs = {(a["address"], a["interface"]) for m, c, a in cmds if m == "/ip address" and c == "add"}
    assert addrs == {(f["address"], f["name"]) for f in intent["interfaces"]}
    ospf = {a["interfaces"]: a for m, c, a in cmds if m == "/routing ospf interface-template" and c == "add"}
    assert set(ospf) == {f["name"] for f in intent["interfaces"] if f["ospf"]}
    for f in intent["interfaces"]:
        if f["ospf"] and not f["ospf"]["passive"]:
            want = "ptp" if f["ospf"]["network_type"] == "point-to-point" else "broadcast"
            assert ospf[f["name"]]["type"] == want
    # the mini inventory's radio models do 80 MHz: RouterOS 7's `wifi` package, whose radios are wifiN
    radios = {a["find"]: a for m, c, a in cmds if m == "/interface wifi" and c == "set"}
    assert set(radios) == {w["interface"] for w in intent["wireless"]["sectors"]} == {"wifi1", "wifi2"}
    for w in intent["wireless"]["sectors"]:
        r = radios[w["interface"]]
        assert r["configuration.mode"] == "ap"
        assert r["configuration.ssid"] == w["ssid"]
        assert int(r["channel.frequency"]) == w["frequency_mhz"]
        assert float(r["configuration.tx-power"]) == w["tx_power_dbm"]
        assert r["security"] == w["profile"]
    profiles = {a["name"]: a for m, c, a in cmds if m == "/interface wifi security"}
    assert set(profiles) == {w["profile"] for w in intent["wireless"]["sectors"]}
    assert all(p["passphrase"].startswith("{{secret:") for p in profiles.values())
    assert not any(m.startswith("/interface wireless") for m, c, a in cmds)


def test_routeros_legacy_wireless_package(tmp_path: Any) -> None:
    """A radio model with `package: wireless` renders `/interface wireless` for that model's radios."""
    import shutil

    inv_dir = tmp_path / "inv"
    shutil.copytree(MINI, inv_dir)
    from countynet.inventory.loader import load

    inv = load(inv_dir).inventory
    assert inv is not None
    for rm in inv.network.radio_models.values():
        rm.package = "wireless"
    from countynet.allocate.allocator import allocate
    from countynet.inventory.topology import build

    topo = build(inv)
    intent = build_intents(inv, topo, allocate(inv, topo), hosts=["rru-bs1"])["rru-bs1"]
    cmds = ros_commands(render_intents({"rru-bs1": intent})["rru-bs1"])
    radios = {a["find"]: a for m, c, a in cmds if m == "/interface wireless" and c == "set"}
    assert set(radios) == {w["interface"] for w in intent["wireless"]["sectors"]} == {"wlan1", "wlan2"}
    assert all(r["mode"] == "ap-bridge" and r["band"] == "5ghz-a/n/ac" for r in radios.values())
    profiles = {a["name"]: a for m, c, a in cmds if m == "/interface wireless security-profiles"}
    assert all(p["wpa2-pre-shared-key"].startswith("{{secret:") for p in profiles.values())
    assert not any(m.startswith("/interface wifi") for m, c, a in cmds)


def test_routeros_station_and_acl(mini_intents: dict[str, Any]) -> None:
    intent = mini_intents["rru-subcounty"]
    cmds = ros_commands(render_intents({"rru-subcounty": intent})["rru-subcounty"])
    st = intent["wireless"]["stations"][0]
    radio = next(a for m, c, a in cmds if m == "/interface wifi" and c == "set")
    assert radio["configuration.mode"] == "station" and radio["configuration.ssid"] == st["ssid"]
    assert int(radio["channel.frequency"]) == st["frequency_mhz"]
    rules = [a for m, c, a in cmds if m == "/ip firewall filter" and a.get("chain") == "lan-in"]
    assert rules[-1]["action"] == "drop" and "dst-address" not in rules[-1]
    permitted = {a["dst-address"] for a in rules if a["action"] == "accept" and a.get("protocol") == "tcp"}
    assert {"10.250.10.0/24", "10.250.20.0/24"} <= permitted  # ifmis, hrmis: the sub-county office's services
    assert "10.250.30.0/24" not in permitted
    mgmt = [a for m, c, a in cmds if a.get("chain") == "input"]
    assert mgmt[0]["action"] == "accept" and mgmt[0]["src-address"] == "172.28.90.0/24"
