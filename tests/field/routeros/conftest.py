"""Recorded RouterOS 7 devices for the mini inventory, reached through the real napalm-ros driver."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_routeros import Device, Network
from routeros_field import MINI, SECRETS, Field

from countynet.model import load_model


@pytest.fixture
def field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Field:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    for k, v in {**SECRETS, "COUNTYNET_USERNAME": "netops", "COUNTYNET_PASSWORD": "pw",
                 "COUNTYNET_STATE": str(tmp_path / "state")}.items():  # fmt: skip
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    model = load_model(inv, cached=False)
    net = Network()
    addresses = {}
    for host, intent in model.intents().items():
        if intent["platform"] == "routeros":
            addresses[host] = intent["management"]["ip"]
            net.add(intent["management"]["ip"], Device(host))
    net.install(monkeypatch)
    return Field(inv, net, addresses)
