"""A planned 15-site town rolled out to the virtual lab: every site verifies (FRR routers, one lab)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from labkit import free_mgmt_net, needs_lab
from planner_helpers import SECRETS
from test_plan_town import allocate_lock
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.planner.town import plan_town

pytestmark = [pytest.mark.lab, pytest.mark.slow, needs_lab]


def test_planned_town_rolls_out_and_every_site_verifies(
    case_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from countynet.lab import cleanup_stale, lab_down

    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    case = case_factory("kitui", 15, 1)
    stub = case.file.read_text()
    case.file.write_text(stub + f"management: {free_mgmt_net(start=160)}\n")
    res = plan_town(case.inv, "kitui", case.sites)
    assert res.findings == [] and res.stats.sites == 15
    allocate_lock(case.inv)
    text = case.file.read_text()
    assert re.search(r"connect: \{(link|sector|fibre): ", text)
    name = f"pl{os.getpid() % 100000}"
    cleanup_stale()
    try:
        out = CliRunner().invoke(
            app,
            [
                "--inventory",
                str(case.inv),
                "rollout",
                "--target",
                "lab",
                "--town",
                "kitui",
                "--lab-name",
                name,
                "--json",
                "--out",
                str(tmp_path / "rendered"),
                "--wait",
                "90",
            ],
            catch_exceptions=False,
        )
    finally:
        lab_down(name)
    assert "{" in out.stdout, f"exit {out.exit_code}: {out.output}"
    data = json.loads(out.stdout[out.stdout.index("{") :])
    (town,) = data["towns"]
    assert (town["town"], town["planned"], town["verified"], town["failed_checks"]) == ("kitui", 15, 15, 0), out.stdout
    assert data["verify_ok"] is True and out.exit_code == 0
