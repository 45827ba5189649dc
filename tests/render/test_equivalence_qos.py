"""CN510 covers QoS: the classes each device marks (per service and direction) and the queue per radio
hop and handoff (shaped rate, per-class guarantee and ceiling) are items of the normal form, so a
QoS change in one platform's template only is caught, naming device, item and platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_equivalence import _mutate

from countynet.checks.rendered import check_rendered
from countynet.intent import build_intents
from countynet.radio.plan import plan_radio
from countynet.render import render_intents
from countynet.render.equivalence import normal_form, render_stand_ins


def _cn510(mini: Any, templates: str | None = None) -> list[str]:
    inv, topo, alloc = mini
    radio = plan_radio(inv, topo)  # the queues' rates come from the radio plan
    intents = build_intents(inv, topo, alloc, radio)
    texts = render_intents(intents, templates)
    stand_ins = render_stand_ins(lambda hosts, p: build_intents(inv, topo, alloc, radio, p, hosts), intents, templates)
    findings = check_rendered(texts, {h: i["platform"] for h, i in intents.items()}, (), intents, stand_ins)
    return [f.format() for f in findings if f.rule == "CN510"]


def test_qos_items_are_in_every_platforms_normal_form(mini: Any) -> None:
    inv, topo, alloc = mini
    radio = plan_radio(inv, topo)
    for platform in (None, "frr"):
        intents = build_intents(inv, topo, alloc, radio, platform)
        texts = render_intents(intents)
        hub = normal_form(texts["rru-hub"], intents["rru-hub"])
        bs2 = normal_form(texts["rru-bs2"], intents["rru-bs2"])
        assert hub["qos dn3"] == (
            "shape 127200 kbit; critical 38160 up to 127200; business 38160 up to 127200; default 50880 up to 127200;"
            " unmarked default"
        )
        assert hub["qos nofbi0"].startswith("shape 950000 kbit; critical 285000 up to 950000;")
        assert bs2["qos sec-s1"].startswith("shape 45900 kbit; critical 13770 up to 45900;")
        assert bs2["qos mark ifmis from 10.250.10.0/24"] == "critical tcp src 10.250.10.0/24 port 443"
        assert bs2["qos mark iprs to 10.250.40.0/24"] == "business tcp dst 10.250.40.0/24 port 443,8443"
        assert not any(k.startswith("qos mark ecitizen") for k in bs2)  # best effort is what has no mark
    assert _cn510(mini) == []


MUTATIONS = [
    (
        "frr/_base.j2",
        "classid {{ c.handle }} htb rate {{ c.rate_kbit }}kbit",
        "classid {{ c.handle }} htb rate {{ c.rate_kbit + 1000 }}kbit",
        "rru-bs2.rsc: CN510 error: rru-bs2: qos up0: routeros config has 'shape 127200 kbit; critical 38160 up to"
        " 127200; business 38160 up to 127200; default 50880 up to 127200; unmarked default', its frr stand-in has"
        " 'shape 127200 kbit; critical 39160 up to 127200;",
    ),
    (
        "frr/_base.j2",
        "meta priority set {{ m.handle }}",
        "meta priority set 1:30",
        "rru-hub.cfg: CN510 error: rru-hub: qos mark ifmis to 10.250.10.0/24: ios config has 'critical tcp dst"
        " 10.250.10.0/24 port 443', its frr stand-in has 'default tcp dst 10.250.10.0/24 port 443'",
    ),
    (
        "routeros/_base.j2",
        "{% for rule in r.mangle %}",
        "{% for rule in r.mangle if 'hrmis' not in rule.comment %}",
        "rru-hospital.rsc: CN510 error: rru-hospital: qos mark hrmis to 10.250.20.0/24: routeros config has nothing,"
        " its frr stand-in has 'critical tcp dst 10.250.20.0/24 port 443'",
    ),
    (
        "routeros/_base.j2",
        "{% for q in r.queues %}",
        "{% for q in r.queues if q.name != 'qos-up0-critical' %}",
        "rru-school.rsc: CN510 error: rru-school: qos up0: routeros config has 'shape 76500 kbit; business 22950 up"
        " to 76500; default 30600 up to 76500; unmarked default', its frr stand-in has 'shape 76500 kbit; critical"
        " 22950 up to 76500;",
    ),
    (
        "ios/_base.j2",
        "  shape average {{ q.rate_bps }}",
        "  shape average 100000000",
        "rru-hub.cfg: CN510 error: rru-hub: qos dn3: ios config has 'shape 100000 kbit; critical 30000 up to 100000;",
    ),
    (
        "ios/_base.j2",
        "  bandwidth percent {{ c.percent }}",
        "  bandwidth percent {{ c.percent + 5 }}",
        "rru-hub.cfg: CN510 error: rru-hub: qos nofbi0: ios config has 'shape 950000 kbit; critical 332500 up to 950000;",
    ),
]


@pytest.mark.parametrize("rel,old,new,expected", MUTATIONS, ids=[m[0] + ":" + m[2][:30] for m in MUTATIONS])
def test_a_qos_change_to_one_platform_template_is_caught(
    mini: Any, tmp_path: Path, rel: str, old: str, new: str, expected: str
) -> None:
    found = _cn510(mini, _mutate(tmp_path, rel, old, new))
    assert [m for m in found if expected in m], "\n".join(found) or "no CN510 finding"
