"""Golden intent per feature builder (netlab-style): the mini inventory's devices, one JSON file per
feature, so a change to one builder shows as a diff of that feature only.

Set COUNTYNET_REGEN=1 to rewrite the files from the current output (review the diff!).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from countynet.model import load_model

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "intent"
FEATURES = {
    "interfaces": ("interfaces",),
    "routing": ("ospf", "bgp", "static_routes", "prefix_lists", "route_maps"),
    "wireless": ("wireless",),
    "lan_services": ("services", "acls"),
    "management": ("management", "secrets"),
    "qos": ("qos",),
    "platform": ("ros",),  # what a platform row's finish_intent adds (RouterOS spellings)
}


def _feature(intents: dict[str, dict[str, Any]], keys: tuple[str, ...]) -> str:
    data = {host: {k: i.get(k) for k in keys} for host, i in sorted(intents.items())}
    return json.dumps(data, indent=1, sort_keys=True, default=str) + "\n"


@pytest.mark.parametrize("platform_override", [None, "frr"])
@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_feature_intent_matches_its_golden(feature: str, platform_override: str | None) -> None:
    intents = load_model(MINI).intents(platform_override=platform_override)
    got = _feature(intents, FEATURES[feature])
    path = GOLDEN / f"{feature}{'-' + platform_override if platform_override else ''}.json"
    if os.environ.get("COUNTYNET_REGEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got)
    assert got == path.read_text(), f"{feature}: intent differs from {path} (COUNTYNET_REGEN=1 to accept)"


def test_every_intent_key_belongs_to_a_feature_or_the_device_header() -> None:
    header = {"hostname", "role", "town", "county", "platform", "stand_in_for", "driver", "model", "depth",
              "loopback", "router_id", "problems"}  # fmt: skip
    owned = {k for keys in FEATURES.values() for k in keys}
    for intent in load_model(MINI).intents().values():
        assert set(intent) - header - owned == set(), "a new intent key needs a feature golden"
