"""Faults that used to end in a false "success" (issue 14), on real FRR routers in the lab.

Each test breaks something on purpose (the controller killed, a quiet BGP break, a full disk,
a second run, broken journal lines, a lossy link) and asserts what the devices run afterwards
AND what the report says. One mini lab for the module; every test leaves it on the model.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labkit import MiniLab, needs_lab

pytestmark = [pytest.mark.lab, needs_lab]
ROUTERS = ["rru-bs1", "rru-bs2", "rru-hospital", "rru-hub", "rru-police", "rru-school", "rru-subcounty"]
RUNNER = Path(__file__).with_name("faults_run.py")
REPO = Path(__file__).resolve().parents[2]
PENDING = "/etc/frr/countynet/pending"


# ------------------------------------------------------------------------------- helpers
def as_json(output: str) -> Any:
    return json.loads(output[output.index("{") :])


def cli(m: MiniLab, *args: str) -> dict[str, Any]:
    res = m.cli(*args)
    data = as_json(res.output) if "{" in res.output else {}
    data["exit_code"], data["output"] = res.exit_code, res.output
    data["by_device"] = {d["device"]: d for d in data.get("devices", [])}
    return data


def deploy(m: MiniLab, *args: str) -> dict[str, Any]:
    return cli(m, "deploy", "--target", "lab", "--lab-name", m.name, "--json", *args)


def back_to_model(m: MiniLab) -> None:
    data = deploy(m, "--commit", "--revert-in", "60")
    assert data["exit_code"] == 0, data["output"]
    assert not any(pending(m, r) for r in ROUTERS)


def pending(m: MiniLab, name: str) -> str:
    return m.lab.exec(name, ["cat", PENDING]).stdout.strip()


def tag(m: MiniLab, name: str) -> str:
    """The loopback description: "router id" on the model, "router id TAG" after a tagged run."""
    found = re.search(r" description (router id.*)", m.lab.vtysh(name, "show running-config"))
    return found.group(1).strip() if found else ""


def tags(m: MiniLab) -> dict[str, str]:
    return {r: tag(m, r) for r in ROUTERS}


def runner(m: MiniLab, label: str, *args: str, state: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "COUNTYNET_STATE": str(state or m.state), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, str(RUNNER), str(m.inventory), m.name, label, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip


def new_journal(state: Path, before: set[str], timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = {p.name for p in (state / "runs").glob("*")} - before if (state / "runs").exists() else set()
        if new:
            return state / "runs" / new.pop() / "journal.jsonl"
        time.sleep(0.1)
    raise AssertionError("the run wrote no journal")


def wait_for(journal: Path, predicate: Any, timeout: float = 120) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if journal.exists():
            recs = [json.loads(ln) for ln in journal.read_text().splitlines() if ln.endswith("}")]
            if predicate(recs):
                return recs
        time.sleep(0.1)
    raise AssertionError(f"journal never reached the awaited state: {journal.read_text()[-2000:]}")


def runs(state: Path) -> set[str]:
    return {p.name for p in (state / "runs").glob("*")} if (state / "runs").exists() else set()


def hub_candidate(m: MiniLab, tmp_path: Path, label: str, edit: Any = None) -> Path:
    """A hand-edited candidate for the hub: the rendered one, tagged (and optionally edited)."""
    from countynet.jobs.common import FieldAccess
    from countynet.jobs.connect import resolver_for
    from countynet.jobs.render import configs_to_push
    from countynet.model import open_model

    resolver = resolver_for(FieldAccess(), m.lab)
    text = configs_to_push(open_model(m.inventory), {"rru-hub"}, "frr", resolver)["rru-hub"]
    text = text.replace(" description router id\n", f" description router id {label}\n", 1)
    path = tmp_path / f"rru-hub-{label}.conf"
    path.write_text(edit(text) if edit else text)
    return path


@pytest.fixture(scope="module")
def lab(mini_lab: MiniLab) -> Iterator[MiniLab]:
    back_to_model(mini_lab)
    res = cli(mini_lab, "verify", "--target", "lab", "--lab-name", mini_lab.name, "--json", "--wait", "90")
    assert res["exit_code"] == 0, res["output"][-3000:]
    yield mini_lab


# ----------------------------------------------------------------------------------- tests
def test_kill_during_the_gate_then_immediate_resume_confirms_the_pending_commit(lab: MiniLab, tmp_path: Path) -> None:
    cand = hub_candidate(lab, tmp_path, "k1")
    env = {**os.environ, "COUNTYNET_STATE": str(lab.state), "PYTHONPATH": str(REPO)}
    before = runs(lab.state)
    cmd = [sys.executable, "-m", "countynet.cli", "--inventory", str(lab.inventory), "deploy", "--target", "lab",
           "--lab-name", lab.name, "--host", "rru-hub", "--candidate", str(cand), "--commit", "--revert-in", "45"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        journal = new_journal(lab.state, before)
        wait_for(journal, lambda rs: any(r.get("step") == "committed" for r in rs))
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    killed_at = time.time()
    assert pending(lab, "rru-hub") and tag(lab, "rru-hub") == "router id k1"  # the dead run left it pending
    data = deploy(lab, "--resume", journal.parent.name)
    hub = data["by_device"]["rru-hub"]
    assert hub["status"] == "changed", data["output"]
    assert hub["error"].startswith("resumed: pending commit of the interrupted run healthy for 1")
    assert "(OSPF dead interval 12 s); confirmed" in hub["error"]
    assert not pending(lab, "rru-hub")
    time.sleep(max(0.0, killed_at + 50 - time.time()))  # past the dead run's revert timer
    assert tag(lab, "rru-hub") == "router id k1", "the confirmed change was reverted by the old timer"
    again = deploy(lab, "--resume", journal.parent.name)
    assert again["by_device"]["rru-hub"]["error"] == "done in an earlier attempt" and again["exit_code"] == 0
    back_to_model(lab)


def test_a_candidate_that_breaks_bgp_only_after_its_hold_time_is_rolled_back(lab: MiniLab, tmp_path: Path) -> None:
    quiet = "\t\ttcp dport 22 drop\n\t\ttcp sport 179 drop\n\t\ttcp dport 179 drop\n"
    cand = hub_candidate(lab, tmp_path, "bgp", lambda t: t.replace("\t\ttcp dport 22 drop\n", quiet, 1))
    assert "tcp sport 179 drop" in cand.read_text()
    t0 = time.monotonic()
    data = deploy(lab, "--host", "rru-hub", "--candidate", str(cand), "--commit", "--revert-in", "60")
    took = time.monotonic() - t0
    hub = data["by_device"]["rru-hub"]
    assert hub["status"] == "reverted" and data["exit_code"] == 1, data["output"]
    # BGP stayed Established through the first polls (the old gate confirmed here after ~4 s)
    held = re.search(r"BGP session to 10\.254\.0\.0 down after (\d+) s healthy", hub["error"])
    assert held and 1 <= int(held.group(1)) <= 12, hub["error"]
    assert hub["error"].endswith("-> rolled back") and took >= 5
    nft = lab.lab.exec("rru-hub", ["nft", "list", "table", "inet", "countynet"]).stdout
    assert "179" not in nft and not pending(lab, "rru-hub") and tag(lab, "rru-hub") == "router id"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        peer = json.loads(lab.lab.vtysh("rru-hub", "show bgp summary json"))["ipv4Unicast"]["peers"]["10.254.0.0"]
        if peer["state"] == "Established":
            break
        time.sleep(2)
    assert peer["state"] == "Established"
    journal = lab.state / "runs" / data["run"] / "journal.jsonl"
    gated = [json.loads(ln) for ln in journal.read_text().splitlines() if '"gated"' in ln]
    assert gated[0]["hold"] == 12 and gated[0]["hold_why"] == "OSPF dead interval 12 s"


def test_kill_mid_stage_every_touched_device_is_in_the_journal_and_resume_finishes(lab: MiniLab) -> None:
    before = runs(lab.state)
    proc = runner(lab, "m1", "--revert-in", "60")
    try:
        journal = new_journal(lab.state, before)
        # first stage: the four agency routers at once; kill when one has committed
        wait_for(journal, lambda rs: any(r.get("step") == "committed" for r in rs))
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    recs = [json.loads(ln) for ln in journal.read_text().splitlines() if ln.endswith("}")]
    known = {r["device"] for r in recs if r.get("step") in ("committing", "committed")}
    touched = {r for r in ROUTERS if pending(lab, r) or tag(lab, r) == "router id m1"}
    assert touched and touched <= known, f"journal does not know of {touched - known}"
    assert not any(r.get("event") == "end" for r in recs)
    out = runner(lab, "m1", "--resume", journal.parent.name, "--revert-in", "60")
    stdout, stderr = out.communicate(timeout=600)
    report = json.loads(stdout)
    by = {d["device"]: d for d in report["devices"]}
    assert {d: r["status"] for d, r in by.items()} == dict.fromkeys(ROUTERS, "changed"), stderr
    for name in touched & {d for d in ROUTERS if by[d]["error"].startswith("resumed: pending commit")}:
        assert by[name]["error"].endswith("; confirmed")
    assert tags(lab) == dict.fromkeys(ROUTERS, "router id m1")
    assert not any(pending(lab, r) for r in ROUTERS)
    back_to_model(lab)


@pytest.fixture
def tiny_state(tmp_path: Path) -> Iterator[Any]:
    """A state folder on its own small tmpfs (root), unmounted afterwards."""
    mounts: list[Path] = []

    def make(size: str) -> Path:
        path = tmp_path / f"state-{len(mounts)}"
        path.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
        mounts.append(path)
        return path

    yield make
    for path in mounts:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_at_start_touches_no_device(lab: MiniLab, tiny_state: Any, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:  # fmt: skip
    state = tiny_state("160k")
    monkeypatch.setenv("COUNTYNET_STATE", str(state))
    cand = hub_candidate(lab, tmp_path, "d1")
    res = lab.cli("deploy", "--target", "lab", "--lab-name", lab.name, "--host", "rru-hub", "--candidate", str(cand),
                  "--commit")  # fmt: skip
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert re.search(r"error: the state folder \S+ has \d+ KiB free; a run of 1 device\(s\) needs 320 KiB", res.output)
    assert "no device was touched" in res.output and len(res.output.strip().splitlines()) == 1
    assert not runs(state) and tag(lab, "rru-hub") == "router id" and not pending(lab, "rru-hub")


def test_a_disk_that_fills_mid_run_stops_the_run_with_every_change_journaled(lab: MiniLab, tiny_state: Any) -> None:
    state = tiny_state("1m")
    proc = runner(lab, "f1", "--batch-size", "1", "--revert-in", "60", state=state)
    journal = new_journal(state, set())
    wait_for(journal, lambda rs: any(r.get("event") == "device" for r in rs))
    subprocess.run(["dd", "if=/dev/zero", f"of={state}/filler", "bs=4k"], capture_output=True)  # fill it
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr
    report = json.loads(stdout)
    by = {d["device"]: d for d in report["devices"]}
    assert report["stopped"] and "the state folder is full" in report["stopped"]
    changed = {d for d, r in by.items() if r["status"] == "changed"}
    skipped = {d for d, r in by.items() if r["status"] == "skipped"}
    assert changed and skipped and changed | skipped == set(ROUTERS)
    assert all("state folder" in by[d]["error"] for d in skipped)
    now = tags(lab)
    assert {d for d, t in now.items() if t == "router id f1"} == changed  # nothing changed unjournaled
    assert not any(pending(lab, r) for r in ROUTERS)
    from countynet.deploy.journal import Journal

    final = Journal(report["run"], journal).finished_devices()
    assert {d for d, s in final.items() if s == "changed"} == changed  # the reserve kept every record
    back_to_model(lab)


def test_torn_non_object_and_non_utf8_journal_lines_are_reported_not_fatal(lab: MiniLab, tmp_path: Path) -> None:
    cand = hub_candidate(lab, tmp_path, "j1")
    data = deploy(lab, "--host", "rru-hub", "--candidate", str(cand), "--commit", "--revert-in", "60")
    assert data["by_device"]["rru-hub"]["status"] == "changed"
    journal = lab.state / "runs" / data["run"] / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]) + lines[-1][:25])  # the end record torn by a crash
    resumed = deploy(lab, "--resume", data["run"])
    assert resumed["by_device"]["rru-hub"]["error"] == "done in an earlier attempt"
    from countynet.deploy.journal import Journal

    recs, problems = Journal(data["run"], journal).read()
    assert recs[-1]["event"] == "end" and any(r["event"] == "resume" for r in recs)  # not glued to the torn line
    assert [str(p) for p in problems] == [f"line {len(lines)}: not JSON"]
    bad = lab.state / "runs" / "zz-broken"
    bad.mkdir()
    (bad / "journal.jsonl").write_bytes(lines[0] + b"[1, 2]\n" + b"\xff\xfe not utf-8\n" + b'{"event": "dev')
    listed = lab.cli("runs", "--json")
    assert listed.exit_code == 0 and "Traceback" not in listed.output
    summary = {r["run_id"]: r for r in json.loads(listed.output)}
    assert summary["zz-broken"]["problems"] == ["line 2: a JSON list, not an object", "line 3: not UTF-8 text",
                                                "line 4: cut short (torn write)"]  # fmt: skip
    assert data["run"] in summary and summary[data["run"]]["counts"] == {"changed": 1}
    table = lab.cli("runs")
    assert table.exit_code == 0 and "run zz-broken: journal line 3: not UTF-8 text (skipped)" in table.output
    nostart = lab.state / "runs" / "zz-nostart"
    nostart.mkdir()
    (nostart / "journal.jsonl").write_bytes(b'\xff{"event": "start", "devices": ["rru-hub"]}\n')
    refused = deploy(lab, "--resume", "zz-nostart")
    assert refused["exit_code"] == 2 and "has no readable start record (line 1: not UTF-8 text)" in refused["output"]
    assert tag(lab, "rru-hub") == "router id j1" and not pending(lab, "rru-hub")
    back_to_model(lab)


def test_a_concurrent_run_from_another_state_folder_or_controller_is_refused(
    lab: MiniLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cand = hub_candidate(lab, tmp_path, "c1")
    first_state = tmp_path / "first"
    env = {**os.environ, "COUNTYNET_STATE": str(first_state), "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "countynet.cli", "--inventory", str(lab.inventory), "deploy", "--target", "lab",
           "--lab-name", lab.name, "--host", "rru-hub", "--candidate", str(cand), "--commit", "--json"]  # fmt: skip
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = new_journal(first_state, set())
    wait_for(journal, lambda rs: any(r.get("step") == "committed" for r in rs))
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "second"))  # another checkout, same controller
    second = deploy(lab, "--host", "rru-hub", "--candidate", str(cand), "--commit")
    res = second["by_device"]["rru-hub"]
    assert res["status"] == "skipped" and f"locked by run {journal.parent.name}" in res["error"]
    assert str(first_state.resolve()) in res["error"]
    second_journal = tmp_path / "second" / "runs" / second["run"] / "journal.jsonl"
    assert '"connecting"' not in second_journal.read_text()  # refused before it connected
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "third"))  # another controller: its own locks
    monkeypatch.setenv("COUNTYNET_LOCKS", str(tmp_path / "other-locks"))
    third = deploy(lab, "--host", "rru-hub", "--candidate", str(cand), "--commit")
    err = third["by_device"]["rru-hub"]["error"]
    assert re.search(r"locked on the device: a commit from another run is pending confirmation, will revert at "
                     r"\d\d:\d\d:\d\d", err), err  # fmt: skip
    out, _err = first.communicate(timeout=300)
    assert as_json(out)["devices"][0]["status"] == "changed"
    assert tag(lab, "rru-hub") == "router id c1" and not pending(lab, "rru-hub")
    monkeypatch.delenv("COUNTYNET_LOCKS")
    monkeypatch.setenv("COUNTYNET_STATE", str(lab.state))
    back_to_model(lab)


def test_verify_wait_fails_a_link_with_20_percent_loss_every_time(lab: MiniLab) -> None:
    from countynet.lab.netplan import per_direction_permille

    permille = per_direction_permille(20.0)  # both directions: 20 % of round trips lost
    script = "".join(
        f'table netdev faults{i} {{\n  chain a {{\n    type filter hook ingress device "{dev}" priority 0; policy accept;\n'
        f"    numgen random mod 1000 < {permille} drop\n  }}\n}}\n"
        for i, dev in ((1, "up0"), (2, "lan-staff"))
    )
    lab.lab.exec("rru-school", ["nft", "-f", "-"], input=script, check=True)
    try:
        for _ in range(2):
            t0 = time.monotonic()
            res = cli(lab, "verify", "--target", "lab", "--lab-name", lab.name, "--json", "--wait", "90")
            bad = [c for c in res["checks"] if c["status"] in ("fail", "error", "parse-error")]
            assert res["exit_code"] == 1 and time.monotonic() - t0 < 90  # judged once converged, not retried
            assert {(c["device"], c["kind"]) for c in bad} == {("rru-school", "latency")}, bad
            loss = re.match(r"loss (\d+) % of 100 probes \(max 10\)", bad[0]["detail"])
            assert loss and int(loss.group(1)) > 10, bad[0]["detail"]
    finally:
        lab.lab.exec("rru-school", ["nft", "delete", "table", "netdev", "faults1"])
        lab.lab.exec("rru-school", ["nft", "delete", "table", "netdev", "faults2"])
    res = cli(lab, "verify", "--target", "lab", "--lab-name", lab.name, "--json", "--wait", "60")
    assert res["exit_code"] == 0


def test_a_link_cut_during_the_gate_is_named_in_the_rollback(lab: MiniLab, tmp_path: Path) -> None:
    cand = hub_candidate(lab, tmp_path, "l1")
    before = runs(lab.state)
    env = {**os.environ, "COUNTYNET_STATE": str(lab.state), "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "countynet.cli", "--inventory", str(lab.inventory), "deploy", "--target", "lab",
           "--lab-name", lab.name, "--host", "rru-hub", "--candidate", str(cand), "--commit", "--json"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        journal = new_journal(lab.state, before)
        wait_for(journal, lambda rs: any(r.get("step") == "committed" for r in rs))
        time.sleep(2)
        lab.lab.exec("rru-bs1", ["ip", "link", "set", "up0", "down"], check=True)  # the fibre, not the config
        out, _err = proc.communicate(timeout=300)
    finally:
        lab.lab.exec("rru-bs1", ["ip", "link", "set", "up0", "up"], check=True)
    hub = as_json(out)["devices"][0]
    assert hub["status"] == "reverted"
    assert re.search(r"OSPF adjacency dn1 \S+ lost after \d+ s healthy", hub["error"]), hub["error"]
    assert "link dn1 (no-carrier) went down -> rolled back" in hub["error"]
    assert tag(lab, "rru-hub") == "router id" and not pending(lab, "rru-hub")
    res = cli(lab, "verify", "--target", "lab", "--lab-name", lab.name, "--json", "--wait", "90")
    assert res["exit_code"] == 0
