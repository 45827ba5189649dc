"""`lab_down` leaves nothing behind: after a clean run and after `lab up` was SIGKILLed half-way."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from labkit import free_mgmt_net, needs_lab, run_lab_name

from countynet.lab import lab_down, lab_up
from countynet.lab.state import lab_tag, netns_name, state_root
from countynet.lab.teardown import existing_links, existing_netns, procs_in_netns

pytestmark = [pytest.mark.lab, needs_lab]
HERE = Path(__file__).parent


def snapshot(name: str) -> dict:
    """What the state file says exists (read before teardown removes it)."""
    data = json.loads((state_root() / name / "state.json").read_text())
    pids = []
    for f in (state_root() / name).glob("nodes/*/**/*.pid"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            pids.append(int(f.read_text().split()[0]))
    return {"inodes": {int(i) for i in data["netns_inodes"].values() if i}, "pids": pids}


def assert_nothing_left(name: str, snap: dict) -> None:
    prefix = netns_name(name, "")
    assert not [n for n in existing_netns() if n.startswith(prefix)]
    assert not [link for link in existing_links() if link.startswith(lab_tag(name))]
    assert procs_in_netns(snap["inodes"]) == []
    for pid in snap["pids"]:
        assert not Path(f"/proc/{pid}/ns/net").exists() or os.stat(f"/proc/{pid}/ns/net").st_ino not in snap["inodes"]
    assert not (state_root() / name).exists()
    tables = subprocess.run(["nft", "list", "tables"], capture_output=True, text=True).stdout
    assert "countynet" not in tables


def test_down_removes_everything_and_is_idempotent() -> None:
    from specs import small_spec

    name = run_lab_name("down")
    try:
        lab = lab_up(small_spec(name, free_mgmt_net()), progress=False, persistent=False)
        snap = snapshot(name)
        assert len(snap["inodes"]) == 7 and snap["pids"]
        assert lab.exec("r2", ["nft", "list", "tables"]).stdout.strip() == "table netdev countynet_lab"
        result = lab_down(name)
        assert result["netns"] == 7 and result["processes"] >= 5 * 6
        assert_nothing_left(name, snap)
        assert lab_down(name) == {"processes": 0, "netns": 0, "links": 0}
    finally:
        lab_down(name)


UP_SCRIPT = """
import sys
sys.path.insert(0, {here!r})
from specs import chain_spec
from countynet.lab import lab_up
lab_up(chain_spec({name!r}, 16, {mgmt!r}), parallel=1, progress=False, persistent=True)
"""


@pytest.mark.parametrize("kill_after_nodes", [-1, 0, 3])
def test_down_after_lab_up_was_sigkilled(kill_after_nodes: int) -> None:
    """-1: while namespaces are being created; 0: right after; 3: with 3 nodes started."""
    name = run_lab_name(f"kill{kill_after_nodes + 1}")
    mgmt = free_mgmt_net()
    state = state_root() / name / "state.json"
    code = UP_SCRIPT.format(here=str(HERE), name=name, mgmt=mgmt)
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    snap: dict = {"inodes": set(), "pids": []}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                data = json.loads(state.read_text())
            except (OSError, ValueError):
                data = {}
            started = [n for n in data.get("nodes", {}).values() if n.get("holder_pid")]
            if kill_after_nodes < 0 and data.get("netns"):
                break
            if data.get("netns_inodes") and len(started) >= kill_after_nodes:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"lab up finished before the kill: {proc.stderr.read() if proc.stderr else ''}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(0.3)
        snap = snapshot(name)
        assert snap["inodes"] or kill_after_nodes < 0
        assert json.loads(state.read_text())["status"] == "starting"
        lab_down(name)
        assert_nothing_left(name, snap)
    finally:
        if proc.poll() is None:
            proc.kill()
        lab_down(name)


def test_cleanup_stale_removes_labs_of_dead_owners() -> None:
    """A non-persistent lab whose owner died is stale; cleanup_stale removes it and any orphan."""
    from specs import chain_spec

    from countynet.lab import cleanup_stale

    name = run_lab_name("stale")
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); from specs import chain_spec; "
        f"from countynet.lab import lab_up; lab_up(chain_spec({name!r}, 2, '{free_mgmt_net()}'), "
        "progress=False, persistent=False)"
    )
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
        snap = snapshot(name)
        # An orphan namespace with our prefix that no lab records.
        orphan = netns_name(name, "orphan")
        subprocess.run(["ip", "netns", "add", orphan], check=True)
        result = cleanup_stale()
        assert name in result["labs"] and orphan in result["netns"]
        assert_nothing_left(name, snap)
        assert chain_spec  # imported for the subprocess's benefit only
    finally:
        lab_down(name)
        subprocess.run(["ip", "netns", "del", netns_name(name, "orphan")], capture_output=True)
