"""The Ansible deploy runs the same baseline as the CLI: a template that enables telnet stops it for
every device before anything connects (no journal written)."""

from __future__ import annotations

import shutil
from pathlib import Path

from cn_ansible_helpers import MINI, inventory_source, run

from countynet.render.environment import TEMPLATES


def test_telnet_template_stops_the_ansible_deploy(tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    ros = broken / "routeros" / "_base.j2"
    ros.write_text(ros.read_text().replace("set telnet disabled=yes", "set telnet disabled=no"))
    state = tmp_path / "state"
    state.mkdir()
    env = {"COUNTYNET_TEMPLATES": str(broken), "COUNTYNET_INVENTORY": str(MINI), "COUNTYNET_STATE": str(state)}
    src = inventory_source(tmp_path, MINI)  # the field target: management addresses nobody answers
    ans = run(["ansible-playbook", "-i", str(src), "countynet.net.deploy", "--limit", "rru-bs1"], env=env, timeout=300)
    assert ans.returncode != 0, ans.stdout[-2000:]
    assert "baseline finding(s) stop the deploy before anything connects" in ans.stdout, ans.stdout[-3000:]
    assert "CN501" in ans.stdout
    runs = state / "runs"
    assert not runs.exists() or not any(p.glob("journal.jsonl") for p in runs.iterdir()), "a run was started"
