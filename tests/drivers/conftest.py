"""Fixtures for the driver contract suite; devices and configs live in contract_devices.py."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from contract_devices import (
    Device,
    contract_drivers,
    driver_lab_spec,
    env_device,
    free_mgmt_net,
    frr_device,
    lab_skip_reason,
    reset,
)
from napalm.base import NetworkDriver


@pytest.fixture(scope="session")
def frr_lab() -> Iterator[Any]:
    reason = lab_skip_reason()
    if reason:
        pytest.skip(f"FRR lab: {reason}")
    from countynet.lab import lab_down, lab_up

    name = f"drv{os.getpid()}-{int(time.time()) % 100000}"
    lab_down(name)  # a leftover of the same name (pid reuse) goes first
    try:
        lab = lab_up(driver_lab_spec(name, free_mgmt_net()), progress=False, persistent=False)
    except BaseException:
        lab_down(name)
        raise
    try:
        yield lab
    finally:
        lab_down(name)


@pytest.fixture(params=contract_drivers())
def device(request: pytest.FixtureRequest) -> Device:
    """The device for one contract test, reset to its base config (committed, nothing pending)."""
    if request.param == "frr":
        dev = frr_device(request.getfixturevalue("frr_lab"))
    else:
        found = env_device(request.param)
        if found is None:
            pytest.skip(f"no {request.param} device: set COUNTYNET_CONTRACT_{request.param.upper()}_HOST etc.")
        dev = found
    reset(dev)
    return dev


@pytest.fixture
def conn(device: Device) -> Iterator[NetworkDriver]:
    c = device.open()
    try:
        yield c
    finally:
        c.close()
