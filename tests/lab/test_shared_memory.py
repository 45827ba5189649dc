"""A big lab merges its routers' identical memory pages; a town-sized one leaves ksmd (and its CPU) alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from labkit import free_mgmt_net, needs_lab, run_lab_name
from specs import chain_spec

from countynet.lab import lab_down, lab_up, share
from countynet.lab.state import netns_inode
from countynet.lab.teardown import procs_in_netns


def test_only_a_lab_that_would_be_tight_shares(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(share, "mem_available_mib", lambda: 19_000.0)
    assert not share.needed(164)  # the whole shipped lab: 3.7 GiB as separate copies
    assert share.needed(900)  # phase IV: 20 GiB as separate copies


def _node_procs(lab: object) -> dict[int, str]:
    inodes = {netns_inode(lab.netns(r)) for r in lab.routers}  # type: ignore[attr-defined]
    return {pid: Path(f"/proc/{pid}/comm").read_text().strip() for pid in procs_in_netns(inodes)}  # type: ignore[arg-type]


def _mergeable(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/ksm_stat").read_text()
    return "ksm_merge_any: yes" in stat and Path(f"/proc/{pid}/personality").read_text().strip() == "00040000"


@needs_lab
@pytest.mark.skipif(not share.available(), reason="no KSM with per-process opt-in on this kernel")
def test_shared_lab_marks_every_node_process_mergeable_and_down_stops_ksmd() -> None:
    name = run_lab_name("share")
    try:
        lab = lab_up(chain_spec(name, 3, free_mgmt_net()), progress=False, persistent=False,
                     shared_memory=True)  # fmt: skip
        assert lab.state.data["shared_memory"] is True
        procs = _node_procs(lab)
        assert {"zebra", "ospfd", "bgpd", "sshd", "sleep"} <= set(procs.values())
        assert all(_mergeable(pid) for pid in procs), procs
        assert (share.KSM / "run").read_text().strip() == "1"
        assert lab.vtysh("r1", "show version").startswith("FRRouting")
        # No node keeps a copy of every namespace's mount (n^2/2 kernel mounts in a 900-node lab).
        assert "/run/netns/" not in lab.exec("r2", ["cat", "/proc/self/mountinfo"]).stdout
    finally:
        lab_down(name)
    if not _labs_sharing():  # the last sharing lab gone: ksmd stopped, no CPU spent scanning
        assert (share.KSM / "run").read_text().strip() == "0"


@needs_lab
def test_small_lab_runs_separate_copies() -> None:
    name = run_lab_name("noshare")
    try:
        lab = lab_up(chain_spec(name, 2, free_mgmt_net()), progress=False, persistent=False)
        assert lab.state.data["shared_memory"] is False
        assert not any(_mergeable(pid) for pid in _node_procs(lab))
    finally:
        lab_down(name)


def _labs_sharing() -> list[str]:
    from countynet.lab.state import LabState, lab_dirs

    return [st.name for d in lab_dirs() if (st := LabState.load(d)) is not None and st.data.get("shared_memory")]
