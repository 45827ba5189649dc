"""The AWX worker path: `ansible-runner transmit | ansible-runner worker | ansible-runner process` runs the
project's deploy and verify playbooks against a one-town lab, from an inventory synced the way AWX syncs a
"sourced from a project" inventory (ansible-inventory --list --export, then a job inventory script), and
gives the same per-device results and journal as the CLI.

Flow: CLI dry run on the bare lab (what would change) -> runner deploy (commit, an AWX workflow's run id)
-> the CLI now finds nothing to change -> runner verify == CLI verify -> runner deploy again with the same
workflow id pushes nothing (a resumed workflow continues its run). Figures: per-device deploy and verify
seconds (docs/reach-plan.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from labkit import free_mgmt_net

from countynet.starter import init_repository

ROOT = Path(__file__).resolve().parents[2]
WF = 77  # the AWX workflow job id the jobs of this test belong to


def _lab_reason() -> str | None:
    if shutil.which("ansible-runner") is None:
        return "ansible-runner not installed"
    from countynet.lab import unavailable_reason

    return unavailable_reason()


pytestmark = [pytest.mark.lab, pytest.mark.slow,
              pytest.mark.skipif(_lab_reason() is not None, reason=f"{_lab_reason()}")]  # fmt: skip


@dataclass
class Job:
    rc: int
    status: str
    seconds: float  # wall time of the whole job (transmit | worker | process)
    results: dict[str, dict[str, Any]]  # host -> result of the countynet module task
    stdout: str


@dataclass
class Setup:
    base: Path
    pdd: Path  # the private data dir AWX would hand to ansible-runner transmit
    lab: str
    state: Path  # COUNTYNET_STATE the jobs share (a shared path on every execution node)

    @property
    def project(self) -> Path:
        return self.pdd / "project"

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "NO_COLOR": "1", "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(ROOT), **extra}

    def cli(self, *args: str, state: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = self.env(COUNTYNET_STATE=str(state or self.base / "cli-state"))
        return subprocess.run([sys.executable, "-m", "countynet.cli", "--inventory", str(self.project / "inventory"),
                               *args], cwd=self.base, env=env, text=True, capture_output=True, timeout=900)  # fmt: skip

    def job(self, playbook: str, ident: str, module: str) -> Job:
        """One AWX job: transmit (controller) | worker (execution node) | process (controller)."""
        work, out = self.base / f"worker-{ident}", self.base / f"process-{ident}"
        t0 = time.monotonic()
        # the execution node has countynet (and so the countynet.net collection) installed
        node_env = self.env(ANSIBLE_COLLECTIONS_PATH=str(ROOT))
        tx = subprocess.Popen(["ansible-runner", "transmit", str(self.pdd), "-p", f"playbooks/{playbook}.yml",
                               "-i", ident], stdout=subprocess.PIPE, env=node_env)  # fmt: skip
        wk = subprocess.Popen(["ansible-runner", "worker", "--private-data-dir", str(work)], stdin=tx.stdout,
                              stdout=subprocess.PIPE, env=node_env)  # fmt: skip
        assert tx.stdout is not None
        tx.stdout.close()
        pr = subprocess.run(["ansible-runner", "process", str(out)], stdin=wk.stdout, capture_output=True,
                            text=True, timeout=1200, env=node_env)  # fmt: skip
        wk.wait(timeout=60)
        tx.wait(timeout=60)
        art = out / "artifacts" / ident if (out / "artifacts" / ident).is_dir() else out / "artifacts"
        results = {}
        for path in sorted((art / "job_events").glob("*.json")):
            ev = json.loads(path.read_text())
            data = ev.get("event_data", {})
            if ev.get("event") in ("runner_on_ok", "runner_on_failed") and data.get("task_action") == module:
                results[data["host"]] = data["res"]
        seconds = time.monotonic() - t0
        return Job(int((art / "rc").read_text()), (art / "status").read_text(), seconds, results, pr.stdout)


def _sync_inventory(s: Setup, lab_inventory: Path) -> dict[str, Any]:
    """What an AWX inventory update from the project source gives a job: a script printing the export."""
    r = subprocess.run(["ansible-inventory", "-i", str(s.project / "hosts.countynet.yml"), "--list", "--export"],
                       cwd=s.project, env=s.env(ANSIBLE_COLLECTIONS_PATH=str(ROOT),
                                                COUNTYNET_LAB_INVENTORY=str(lab_inventory)),
                       text=True, capture_output=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    script = s.pdd / "inventory" / "hosts"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"#! /usr/bin/env python3\nprint({json.dumps(data)!r})\n")  # as AWX writes it
    script.chmod(0o700)
    return data


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    base = tmp_path_factory.mktemp("runner")
    s = Setup(base, base / "pdd", f"cnrun{os.getpid()}", base / "shared-state")
    init_repository(s.project)
    town = s.project / "inventory" / "towns" / "ruiru.yml"
    net = free_mgmt_net("172.28.99.0/24", start=230)
    town.write_text(town.read_text().replace("management: 172.28.99.0/24", f"management: {net}"))
    assert s.cli("allocate").returncode == 0
    (s.pdd / "env").mkdir()
    # the job's environment and extra vars as AWX gives them: the shared state path, the workflow's ids
    (s.pdd / "env" / "envvars").write_text(json.dumps({"COUNTYNET_STATE": str(s.state)}))
    (s.pdd / "env" / "extravars").write_text(json.dumps({"awx_job_id": 4242, "awx_workflow_job_id": WF}))
    try:
        up = s.cli("lab", "up", "--all", "--name", s.lab)
        assert up.returncode == 0, up.stdout + up.stderr
        yield s
    finally:
        s.cli("lab", "down", "--name", s.lab)


def test_runner_deploy_and_verify_match_the_cli(setup: Setup, record_property: pytest.RecordProperty) -> None:
    from countynet.lab.state import state_root

    s = setup
    hv = _sync_inventory(s, state_root() / s.lab / "inventory.yaml")
    hostvars = hv["_meta"]["hostvars"]
    assert sorted(hv["town_ruiru"]["hosts"]) == sorted(hostvars) and len(hostvars) == 7
    assert {"role_hub", "role_base_station", "role_agency", "platform_ios", "platform_routeros"} <= set(hv)
    assert all({"ansible_host", "countynet_town", "countynet_role", "countynet_depth"} <= set(v)
               for v in hostvars.values())  # fmt: skip

    dry = s.cli("deploy", "--target", "lab", "--lab-name", s.lab, "--json")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    cli = {d["device"]: d for d in json.loads(dry.stdout)["devices"]}
    assert {d["status"] for d in cli.values()} == {"would-change"} and len(cli) == 7

    dep = s.job("deploy", "deploy-1", "countynet.net.countynet_config")
    assert (dep.rc, dep.status) == (0, "successful"), dep.stdout[-4000:]
    assert sorted(dep.results) == sorted(cli)
    for dev, res in dep.results.items():
        assert (res["status"], res["changed"], res["run_id"]) == ("changed", True, f"awx-wf{WF}"), dev
        assert res["device_diff"] == cli[dev]["diff"], dev  # what the CLI said would change is what changed
    journal = [json.loads(ln) for ln in (s.state / "runs" / f"awx-wf{WF}" / "journal.jsonl").read_text().splitlines()]
    starts = [r for r in journal if r["event"] == "start"]
    assert len(starts) == 1 and starts[0]["source"] == "ansible" and sorted(starts[0]["devices"]) == sorted(cli)
    devices = {r["device"]: r for r in journal if r["event"] == "device"}
    assert {d: (r["status"], r["diff"]) for d, r in devices.items()} == {d: ("changed", cli[d]["diff"]) for d in cli}
    # the lab's secrets (made for the deploy) are in no synced variable, no job result, no journal line
    secrets = [p.read_text().strip() for p in (state_root() / s.lab / "secrets").glob("*")]
    seen = json.dumps(hv) + json.dumps(dep.results) + json.dumps(journal)
    assert secrets and not any(x in seen for x in secrets)
    # the CLI reads the runner's journal like its own, and finds nothing left to do on the devices
    runs = json.loads(s.cli("runs", "--json", state=s.state).stdout)
    assert any(r["run_id"] == f"awx-wf{WF}" and r["counts"] == {"changed": 7} for r in runs), runs
    again = json.loads(s.cli("deploy", "--target", "lab", "--lab-name", s.lab, "--json").stdout)
    assert {d["status"] for d in again["devices"]} == {"unchanged"}

    ver = s.job("verify", "verify-1", "countynet.net.countynet_verify")
    assert (ver.rc, ver.status) == (0, "successful"), ver.stdout[-4000:]
    cv = s.cli("verify", "--target", "lab", "--lab-name", s.lab, "--wait", "60", "--json")
    assert cv.returncode == 0, cv.stdout[-3000:]
    cli_checks = {(c["device"], c["kind"], c["target"], c["status"]) for c in json.loads(cv.stdout)["checks"]}
    runner_checks = {(c["device"], c["kind"], c["target"], c["status"]) for r in ver.results.values()
                     for c in r["checks"]}  # fmt: skip
    assert runner_checks == cli_checks
    # every check passes; radio hops are rows too, not measurable in the lab (no radios to read)
    assert {c[3] for c in cli_checks} == {"ok", "not-measurable"}
    assert {c[1] for c in cli_checks if c[3] == "not-measurable"} == {"radio"}

    # a resumed workflow (same workflow id) continues its run: every device is done, nothing is pushed
    res = s.job("deploy", "deploy-2", "countynet.net.countynet_config")
    assert (res.rc, res.status) == (0, "successful"), res.stdout[-4000:]
    assert all(r["resumed"] and not r["changed"] for r in res.results.values()) and len(res.results) == 7
    after = [json.loads(ln) for ln in (s.state / "runs" / f"awx-wf{WF}" / "journal.jsonl").read_text().splitlines()]
    new = after[len(journal) :]
    # the resumed run may look at a device again (the engine re-checks finished commits on resume), but
    # commits nothing: no commit step, and any new device record says it was done before
    assert not [r for r in new if r["event"] == "step" and r.get("step") in ("committing", "committed", "gated")]
    assert all(r.get("error") == "done in an earlier attempt" for r in new if r["event"] == "device"), new

    deploy_s = sorted(round(r["seconds"], 1) for r in devices.values())
    verify_s = sorted(round(r["seconds"], 1) for r in ver.results.values())
    figures = {"deploy_seconds_per_device": deploy_s, "verify_seconds_per_device": verify_s,
               "deploy_job_seconds": round(dep.seconds, 1), "verify_job_seconds": round(ver.seconds, 1),
               "resumed_deploy_job_seconds": round(res.seconds, 1)}  # fmt: skip
    for key, value in figures.items():
        record_property(key, value)
    print("\n" + json.dumps(figures))
