"""The mini inventory's IOS-XE hub as a recorded device, reached through the real napalm ios driver."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_ios import Hub, Network
from ios_field import HOST, MINI, SECRETS, IosField, day0

from countynet.model import load_model


@pytest.fixture
def ios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> IosField:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    for k, v in {**SECRETS, "COUNTYNET_USERNAME": "netops", "COUNTYNET_PASSWORD": "pw",
                 "COUNTYNET_STATE": str(tmp_path / "state")}.items():  # fmt: skip
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    mgmt = load_model(inv, cached=False).intents([HOST])[HOST]["management"]["ip"]
    start = day0(mgmt, archive=getattr(request, "param", True))
    hub = Hub(HOST, list(start))
    net = Network({mgmt: hub})
    net.install(monkeypatch)
    return IosField(inv, net, hub, start)
