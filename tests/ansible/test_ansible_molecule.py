"""`molecule test` passes for each scenario: lab up -> converge (apply) -> idempotence -> verify -> lab down."""

from __future__ import annotations

import os
import shutil

import pytest
from cn_ansible_helpers import ROOT, lab_dir, lab_down, run
from labkit import needs_lab

pytestmark = [pytest.mark.lab, pytest.mark.slow, needs_lab]

SCENARIOS = sorted(p.parent.name for p in (ROOT / "molecule").glob("*/molecule.yml"))


@pytest.mark.skipif(shutil.which("molecule") is None, reason="molecule not installed")
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(scenario: str) -> None:
    name = f"cnmt{os.getpid()}"
    try:
        r = run(["molecule", "test", "-s", scenario], env={"COUNTYNET_MOLECULE_LAB": name}, timeout=1500)
        out = r.stdout + r.stderr
        assert r.returncode == 0, out[-6000:]
        assert "idempotence" in out
    finally:
        lab_down(name)
    assert not lab_dir(name).exists()
