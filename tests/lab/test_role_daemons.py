"""A lab router runs only the FRR daemons its own config needs (what a 900-router lab saves)."""

from __future__ import annotations

from pathlib import Path

from countynet.lab.from_inventory import daemons_for, spec_from_model
from countynet.lab.spec import ROUTER_DAEMONS, RouterNode
from countynet.model import open_model

INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


def test_daemons_follow_the_protocols_in_the_intent() -> None:
    assert daemons_for({"ospf": {"router_id": "10.0.0.1"}, "bgp": None, "static_routes": []}) == (
        "zebra", "ospfd", "bgpd")  # fmt: skip
    assert daemons_for({"ospf": {"x": 1}, "bgp": {"asn": 1}, "static_routes": [{"prefix": "0.0.0.0/0"}]}) == (
        "zebra", "staticd", "ospfd", "bgpd")  # fmt: skip
    assert daemons_for({}) == ("zebra", "bgpd")


def test_the_shipped_town_starts_staticd_only_on_its_hub() -> None:
    model = open_model(INVENTORY)
    devices = model.select(["mwingi"])
    routers = [n for n in spec_from_model(model, devices, "t").nodes if isinstance(n, RouterNode)]
    assert {r.name for r in routers} == devices
    hubs = {r.name for r in routers if "staticd" in r.daemons}
    assert hubs == {d for d in devices if model.topo.devices[d].role == "hub"}
    assert all(r.daemons == ROUTER_DAEMONS for r in routers if r.name in hubs)
    assert all(r.daemons == ("zebra", "ospfd", "bgpd") for r in routers if r.name not in hubs)
