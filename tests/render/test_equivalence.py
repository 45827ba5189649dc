"""Field config == lab stand-in (CN510): clean on the shipped and mini inventories; a change to one
platform's template only is caught, naming device, item and platform."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from render_helpers import ROOT, model

from countynet.checks.rendered import check_rendered
from countynet.intent import build_intents
from countynet.radio.plan import plan_radio
from countynet.render import render_intents
from countynet.render.environment import TEMPLATES
from countynet.render.equivalence import check, normal_form, render_stand_ins


def _cn510(mini: Any, templates: str | None = None) -> list[str]:
    inv, topo, alloc = mini
    intents = build_intents(inv, topo, alloc)
    texts = render_intents(intents, templates)
    stand_ins = render_stand_ins(lambda hosts, p: build_intents(inv, topo, alloc, None, p, hosts), intents, templates)
    platforms = {h: i["platform"] for h, i in intents.items()}
    findings = check_rendered(texts, platforms, (), intents, stand_ins)
    return [f.format() for f in findings if f.rule == "CN510"]


def test_shipped_inventory_every_field_config_equals_its_stand_in() -> None:
    inv, topo, alloc = model(ROOT / "inventory")
    radio = plan_radio(inv, topo)
    intents = build_intents(inv, topo, alloc, radio)
    stand = render_stand_ins(lambda hosts, p: build_intents(inv, topo, alloc, radio, p, hosts), intents)
    report = check(render_intents(intents), intents, {h: t for h, (t, _) in stand.items()},
                   {h: i for h, (_, i) in stand.items()})  # fmt: skip
    assert (report.checked, report.differences) == (158, [])


def test_mini_is_clean_and_frr_devices_need_no_stand_in(mini: Any) -> None:
    assert _cn510(mini) == []
    inv, topo, alloc = mini
    intents = build_intents(inv, topo, alloc)
    stand = render_stand_ins(lambda hosts, p: build_intents(inv, topo, alloc, None, p, hosts), intents)
    assert "rru-police" not in stand  # an FRR site runs as itself


def test_normal_form_covers_every_item_class(mini_intents: dict[str, Any]) -> None:
    texts = render_intents(mini_intents)
    hub = normal_form(texts["rru-hub"], mini_intents["rru-hub"])
    assert hub["bgp neighbor 10.254.0.0 accepts"].startswith("10.250.10.0/24, ")
    assert hub["bgp neighbor 10.254.0.0 announces"] == "10.100.0.0/20"
    assert hub["static 10.100.0.0/20"] == "blackhole"
    assert hub["management acl"] == "ssh port 22 from 172.28.90.0/24"
    site = normal_form(texts["rru-school"], mini_intents["rru-school"])
    assert site["ospf up0"] == "area 0.0.0.0 broadcast priority 0 hello 3 dead 12"
    assert site["wireless up0"].startswith("station ssid rru-bs2-s1 5825 MHz")
    assert any(k.startswith("service lan-") for k in site)


def _mutate(tmp: Path, rel: str, old: str, new: str) -> str:
    root = tmp / "templates"
    if not root.exists():
        shutil.copytree(TEMPLATES, root)
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))
    return str(root)


MUTATIONS: list[tuple[str, str, str, str, Callable[[str], bool]]] = [
    (
        "ios/_base.j2",
        " ip ospf hello-interval {{ f.ospf.hello }}",
        " ip ospf hello-interval {{ f.ospf.hello + 1 }}",
        "rru-hub.cfg: CN510 error: rru-hub: ospf dn1: ios config has 'area 0.0.0.0 point-to-point priority 1 hello 4"
        " dead 12', its frr stand-in has 'area 0.0.0.0 point-to-point priority 1 hello 3 dead 12'",
        lambda m: True,
    ),
    (
        "ios/hub.j2",
        "  neighbor {{ n.address }} activate\n",
        "",
        "rru-hub.cfg: CN510 error: rru-hub: bgp neighbor 10.254.0.0: ios config has 'remote-as 37061 keepalive 3 hold 9"
        " not activated', its frr stand-in has 'remote-as 37061 keepalive 3 hold 9'",
        lambda m: True,
    ),
    (
        "routeros/_base.j2",
        "{% for rule in r.filter %}",
        "{% for rule in r.filter if 'tsc' not in rule.comment %}",
        "rru-school.rsc: CN510 error: rru-school: service lan-staff tsc: routeros config has nothing, its frr stand-in"
        " has 'permit tcp 10.250.30.0/24 port 443'",
        lambda m: True,
    ),
    (
        "routeros/_wifi.j2",
        "configuration.tx-power={{ w.tx_power_dbm | int }}",
        "configuration.tx-power={{ w.tx_power_dbm | int + 3 }}",
        "the intent (which the frr stand-in leaves to the lab) has 'ap ssid rru-bs1-s1 5745 MHz width 20 MHz tx 12 dBm",
        lambda m: m.startswith("rru-bs1.rsc: CN510 error: rru-bs1: wireless sec-s1: routeros config has 'ap ssid"),
    ),
    (
        "frr/_base.j2",
        " ip ospf priority {{ f.ospf.priority }}",
        " ip ospf priority {{ f.ospf.priority + 1 }}",
        "rru-bs1.rsc: CN510 error: rru-bs1: ospf sec-s1: routeros config has 'area 0.0.0.0 broadcast priority 100 hello 3"
        " dead 12', its frr stand-in has 'area 0.0.0.0 broadcast priority 101 hello 3 dead 12'",
        lambda m: True,
    ),
    (
        "ios/_base.j2",
        " permit {{ m.mgmt_acl.subnet | network }} {{ m.mgmt_acl.subnet | wildcard }}",
        " permit any",
        "rru-hub.cfg: CN510 error: rru-hub: management acl: ios config has 'ssh port 22 from 0.0.0.0/0', its frr stand-in"
        " has 'ssh port 22 from 172.28.90.0/24'",
        lambda m: True,
    ),
]


@pytest.mark.parametrize("rel,old,new,expected,also", MUTATIONS, ids=[m[0] + ":" + m[2][:24] for m in MUTATIONS])
def test_a_change_to_one_platform_template_is_caught(
    mini: Any, tmp_path: Path, rel: str, old: str, new: str, expected: str, also: Callable[[str], bool]
) -> None:
    found = _cn510(mini, _mutate(tmp_path, rel, old, new))
    hits = [m for m in found if expected in m and also(m)]
    assert hits, "\n".join(found) or "no CN510 finding"
    assert all("(make the " in m for m in found)
