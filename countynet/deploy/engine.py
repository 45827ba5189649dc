"""The deploy engine: staged, journaled, locked rollout of rendered configs with Nornir + NAPALM.

Before anything is touched: free space for the journal, timers that leave room to confirm, and
(on --resume) a readable start record. Per device, under the controller-side locks, the task
in nornir_tasks.deploy journals each step and checks the device-side pending marker. A resumed
run reconciles with every device of the run: a pending commit of the interrupted run is gated
again and confirmed or rolled back; a device that finished is checked to still run its config.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nornir.core import Nornir

from countynet.deploy.gate import GateSpec, hold_from_text
from countynet.deploy.journal import Journal, JournalFull, check_free_space
from countynet.deploy.locks import DeviceLocks
from countynet.deploy.order import Target, stages
from countynet.deploy.strategies import check_hosts
from countynet.errors import CountynetError
from nornir_tasks.deploy import MARGIN_S, DeviceJob, deploy_config

FAILED = {"failed", "reverted", "pending"}
RECHECK = {"changed", "unchanged", "pending"}  # outcomes a resumed commit run checks on the device
WORKERS_PER_CPU = 16  # a device mostly waits out its health gate's hold window (12 s against ~1 s of work)
MAX_WORKERS = 64  # controller threads and SSH sessions at once


def default_workers(cpus: int | None = None) -> int:
    """Devices deployed at once when the user does not say: many per core, because a deploy
    waits (the hold window) far longer than it works, bounded for the controller's sake."""
    return max(1, min(MAX_WORKERS, WORKERS_PER_CPU * (cpus or os.cpu_count() or 1)))


@dataclass
class DeployOptions:
    commit: bool = False
    revert_in: int = 120
    canary: int = 0
    batch_size: int | None = None
    max_failures: int = 1
    health_timeout: float = 30.0
    overlap_towns: bool = False  # the k-th level of every town in one stage (countynet.deploy.order)

    def __post_init__(self) -> None:
        """Refuse settings that cannot work before anything is rendered or connected."""
        if self.commit and self.health_timeout + 10 > self.revert_in:
            raise CountynetError(
                f"--revert-in {self.revert_in} s leaves no time to confirm after a {self.health_timeout:.0f} s health gate",
                "use a revert timer at least 10 s longer than --health-timeout",
            )


@dataclass
class DeviceResult:
    device: str
    status: str  # unchanged | would-change | changed | failed | reverted | pending | skipped
    diff: str = ""
    error: str = ""
    seconds: float = 0.0
    stage: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class DeployReport:
    run_id: str
    mode: str
    results: list[DeviceResult] = field(default_factory=list)
    stopped: str | None = None
    holds: dict[str, float] = field(default_factory=dict)  # device -> health-gate hold window (s)

    @property
    def failed(self) -> list[DeviceResult]:
        return [r for r in self.results if r.status in FAILED]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out


@dataclass
class _Run:
    """One run's moving parts, shared by the stage loop and the per-stage Nornir run."""

    nr: Nornir
    candidates: dict[str, str]
    opts: DeployOptions
    journal: Journal
    specs: dict[str, GateSpec]
    clean: Callable[[str], str]
    last: dict[str, dict[str, Any]]  # on resume: every device's last journal record
    report: DeployReport
    progress: Callable[[DeviceResult], None] | None

    @property
    def backup_dir(self) -> Path:
        return self.journal.path.parent / "backups"


def deploy(
    nr: Nornir,
    candidates: dict[str, str],
    targets: list[Target],
    opts: DeployOptions,
    health_prefixes: dict[str, list[str]] | None = None,
    redact: Callable[[str], str] | None = None,
    resume: str | None = None,
    progress: Callable[[DeviceResult], None] | None = None,
    gates: dict[str, GateSpec] | None = None,
    meta: dict[str, Any] | None = None,
) -> DeployReport:
    """Push `candidates` to `targets` in stages; dry-run unless opts.commit.

    `meta` (target, lab, inventory, selection, a hand-edited candidate's file) goes into the
    journal's start record, so status keeps lab and field apart and a resume restores the run.
    `gates` (from countynet.deploy.gate.gate_specs) says what each device's health gate checks
    and for how long; without it the hold comes from the timers in the candidate text.
    """
    check_hosts(nr.inventory.hosts, candidates, opts.commit)  # refuse what a driver cannot do, before connecting
    clean = redact or (lambda s: s)
    names = [t.name for t in targets if t.name in candidates]
    specs = {n: _spec(n, candidates[n], health_prefixes or {}, gates or {}) for n in names}
    _check_timers(specs, opts)
    check_free_space(len(names))
    journal, last = _open_journal(resume, opts, candidates, clean, meta or {})
    report = DeployReport(journal.run_id, "commit" if opts.commit else "dry-run")
    report.holds = {n: s.hold for n, s in specs.items()}
    run = _Run(nr, candidates, opts, journal, specs, clean, last, report, progress)
    locks = DeviceLocks(journal.run_id)
    try:
        _stages(run, locks, stages([t for t in targets if t.name in candidates], opts.canary, opts.batch_size, opts.overlap_towns))
    finally:
        locks.release_all()
        with contextlib.suppress(JournalFull):
            journal.write("end", counts=report.counts(), stopped=report.stopped)
        journal.close()
    return report


def _spec(name: str, text: str, prefixes: dict[str, list[str]], gates: dict[str, GateSpec]) -> GateSpec:
    if name in gates:
        return gates[name]
    hold, why = hold_from_text(text)
    return GateSpec(prefixes.get(name, []), hold, why)


def _check_timers(specs: dict[str, GateSpec], opts: DeployOptions) -> None:
    if not opts.commit or not specs:
        return
    name, spec = max(specs.items(), key=lambda kv: kv[1].hold)
    if spec.hold + MARGIN_S > opts.revert_in:
        raise CountynetError(
            f"--revert-in {opts.revert_in} s is shorter than the health gate's hold window on {name} "
            f"({spec.hold:.0f} s, its {spec.why}) plus {MARGIN_S:.0f} s to confirm",
            f"use --revert-in of at least {int(spec.hold + opts.health_timeout + 10)}",
        )


def _open_journal(
    resume: str | None,
    opts: DeployOptions,
    candidates: dict[str, str],
    clean: Callable[[str], str],
    extra: dict[str, Any],
) -> tuple[Journal, dict[str, dict[str, Any]]]:
    if resume:
        journal = Journal.open(resume, clean)
        journal.require_start()
        last = journal.device_steps()
        journal.write("resume")
        return journal, last
    journal = Journal.create(redact=clean)
    journal.start(mode="commit" if opts.commit else "dry-run", devices=sorted(candidates), options=vars(opts),
                  **extra)  # fmt: skip
    return journal, {}


def _stages(run: _Run, locks: DeviceLocks, plan: list[list[str]]) -> None:
    failures = 0
    report = run.report
    for number, stage in enumerate(plan, 1):
        todo = []
        if not report.stopped and not (run.journal.room_for(len(stage)) and not run.journal.low):
            report.stopped = f"stopped before stage {number}: the state folder is full (journal {run.journal.path})"
        for name in stage:
            last = run.last.get(name, {})
            if last.get("event") == "device" and (not run.opts.commit or last.get("status") not in RECHECK):
                _record(run, DeviceResult(name, str(last.get("status")), error="done in an earlier attempt",
                                          stage=number), write=False)  # fmt: skip
                continue
            if report.stopped:
                _record(run, DeviceResult(name, "skipped", error=report.stopped, stage=number))
                continue
            holder = locks.acquire(name, _address(run.nr, name))
            if holder:
                _record(run, DeviceResult(name, "skipped", error=f"locked by {holder}", stage=number))
                failures += 1
            else:
                todo.append(name)
        if todo:
            with contextlib.suppress(JournalFull):
                run.journal.write("stage", stage=number, devices=todo)
            for res, journaled in _run_stage(run, todo):
                res.stage = number
                _record(run, res, write=not journaled)
                locks.release(res.device)
                failures += res.status in FAILED
        if run.journal.low and not report.stopped:
            report.stopped = f"stopped after stage {number}: the state folder is full (journal {run.journal.path})"
        if failures >= run.opts.max_failures > 0 and not report.stopped and number < len(plan):
            report.stopped = (
                f"stopped after stage {number}: {failures} failure(s) reached --max-failures {run.opts.max_failures}"
            )
            with contextlib.suppress(JournalFull):
                run.journal.write("stopped", reason=report.stopped)


def _address(nr: Nornir, name: str) -> str | None:
    host = nr.inventory.hosts.get(name)
    if host is None or not host.hostname:
        return None
    return f"{host.hostname}:{host.port or 22}"


def _record(run: _Run, res: DeviceResult, write: bool = True) -> None:
    run.report.results.append(res)
    if write:
        with contextlib.suppress(JournalFull):
            run.journal.write("device", device=res.device, status=res.status, diff=res.diff, error=res.error,
                              seconds=res.seconds)  # fmt: skip
    if run.progress is not None:
        run.progress(res)


def _job(run: _Run, name: str) -> DeviceJob:
    def note(step: str, data: dict[str, Any]) -> None:
        if step == "device":
            run.journal.write("device", device=name, **data)
        else:
            run.journal.write("step", device=name, step=step, **data)

    return DeviceJob(
        config=run.candidates[name],
        commit=run.opts.commit,
        revert_in=run.opts.revert_in,
        backup_dir=run.backup_dir,
        gate=run.specs[name],
        health_timeout=run.opts.health_timeout,
        note=note,
        redact=run.clean,
        resume=run.last.get(name),
    )


def _run_stage(run: _Run, names: list[str]) -> list[tuple[DeviceResult, bool]]:
    subset = run.nr.filter(filter_func=lambda h: h.name in names)
    jobs = {n: _job(run, n) for n in names}
    agg = subset.run(task=lambda t: deploy_config(t, jobs[t.host.name]), name="countynet-deploy", on_failed=True)
    out = []
    for name in names:
        multi = agg.get(name)
        data = multi[0].result if multi is not None and len(multi) and isinstance(multi[0].result, dict) else None
        if data is None:
            exc = multi[0].exception if multi is not None and len(multi) else None
            err = str(exc) if exc else str(multi[0].result) if multi is not None and len(multi) else "no result"
            out.append((DeviceResult(name, "failed", error=run.clean(_one_line(err))), False))
        else:
            res = DeviceResult(
                name, data["status"], data.get("diff", ""), data.get("error", ""), data.get("seconds", 0.0)
            )
            out.append((res, bool(data.get("journaled"))))
        with contextlib.suppress(Exception):
            subset.inventory.hosts[name].close_connections()
    return out


def _one_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else text
