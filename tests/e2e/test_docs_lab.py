"""The docs site after a real lab rollout: every site verified; after a radio fault, that site red.

Same mini lab as the other e2e tests (its own copy, its own state folder): deploy --commit and
verify through the CLI, then `countynet docs` reads the journals and verify results they wrote.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from labkit import MiniLab, needs_lab

pytestmark = [pytest.mark.lab, pytest.mark.slow, needs_lab]
SITES = {"rru-hospital", "rru-police", "rru-school", "rru-subcounty"}


def docs(m: MiniLab, out: Path) -> tuple[str, str]:
    res = m.cli("docs", "--out", str(out), "--state", str(m.state))
    assert res.exit_code == 0, res.output
    return (out / "index.html").read_text(), (out / "towns" / "ruiru.html").read_text()


def dashboard(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-site="([^"]+)">.*?data-target="lab" data-state="([a-z]+)"', html, re.S))


def on_map(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kind="site" data-name="([^"]+)" data-state="([a-z]+)"', html))


def test_rollout_then_fault_on_the_dashboard_and_the_map(mini_lab: MiniLab, tmp_path: Path) -> None:
    m = mini_lab
    res = m.cli("deploy", "--target", "lab", "--lab-name", m.name, "--commit")
    assert res.exit_code == 0, res.output
    res = m.cli("verify", "--target", "lab", "--lab-name", m.name, "--wait", "60")
    assert res.exit_code == 0, res.output
    index, town = docs(m, tmp_path / "ok")
    assert dashboard(index) == dict.fromkeys(SITES, "verified") == on_map(town)
    assert "<strong>4</strong> of 4 sites verified" in index

    m.lab.exec("rru-school", ["ip", "link", "set", "up0", "down"], check=True)
    try:
        time.sleep(15)  # the OSPF dead interval is 12 s
        assert m.cli("verify", "--target", "lab", "--lab-name", m.name).exit_code == 1
        index, town = docs(m, tmp_path / "fault")
        assert dashboard(index) == {**dict.fromkeys(SITES, "verified"), "rru-school": "failed"} == on_map(town)
        assert "rru-school interface up0" in index  # why, from the failing checks
    finally:
        m.lab.exec("rru-school", ["ip", "link", "set", "up0", "up"], check=True)
