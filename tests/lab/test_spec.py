"""Spec validation and the network plan (no root needed)."""

from __future__ import annotations

import sys
from ipaddress import IPv4Interface
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from specs import chain_spec, small_spec

from countynet.errors import CountynetError
from countynet.lab import netplan
from countynet.lab.spec import Link, RouterNode
from countynet.lab.state import lab_tag


def test_small_spec_is_valid_and_planned() -> None:
    spec = small_spec("unit")
    spec.validate()
    p = netplan.plan(spec)
    assert len(p.netns) == 7 and all(n.startswith("cnl-unit-") for n in p.netns)
    assert p.root_links[0] == lab_tag("unit") + "br" and all(len(x) <= 15 for x in p.root_links)
    assert any("tbf rate 20000000bit" in line for line in p.tc["cnl-unit-r1"])
    assert p.nft["cnl-unit-r2"] == [("ether2", 25)] and p.nft["cnl-unit-r3"] == [("ether1", 25)]
    assert "link add wlan1 type bridge" in p.create["cnl-unit-r3"]


def test_round_trip_loss_split_per_direction() -> None:
    assert netplan.per_direction_permille(0) == 0
    assert netplan.per_direction_permille(5) == 25  # 1 - 0.975^2 ~ 4.9 %
    assert netplan.per_direction_permille(100) == 1000


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda s: s.links.append(Link("x", ("r1", "eth1"), ("r3", "x1"))), "used twice"),
        (lambda s: s.links.append(Link("x", ("r1", "a-very-long-ifname"), ("r3", "x1"))), "invalid"),
        (lambda s: s.links.append(Link("x", ("r1", "x9"), ("nope", "x1"))), "unknown node"),
        (lambda s: s.nodes.append(RouterNode("r9", IPv4Interface("10.0.0.1/24"))), "outside every mgmt"),
        (lambda s: setattr(s, "name", "Bad_Name"), "lab name"),
    ],
)
def test_bad_specs_are_refused(mutate, message: str) -> None:
    spec = small_spec("unit")
    mutate(spec)
    with pytest.raises(CountynetError, match=message):
        spec.validate()


def test_chain_spec_scales() -> None:
    spec = chain_spec("bench", 300)
    spec.validate()
    assert len(netplan.plan(spec).root_links) == 301
