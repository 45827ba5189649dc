"""The deploy engine: staged, journaled, locked rollout of rendered configs with Nornir + NAPALM."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nornir.core import Nornir

from countynet.deploy.journal import Journal
from countynet.deploy.locks import DeviceLocks
from countynet.deploy.order import Target, stages
from countynet.deploy.strategies import check_hosts
from countynet.errors import CountynetError
from nornir_tasks.deploy import deploy_config

FAILED = {"failed", "reverted"}


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
    status: str  # unchanged | would-change | changed | failed | reverted | skipped
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

    @property
    def failed(self) -> list[DeviceResult]:
        return [r for r in self.results if r.status in FAILED]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out


def deploy(
    nr: Nornir,
    candidates: dict[str, str],
    targets: list[Target],
    opts: DeployOptions,
    health_prefixes: dict[str, list[str]] | None = None,
    redact: Callable[[str], str] | None = None,
    resume: str | None = None,
    progress: Callable[[DeviceResult], None] | None = None,
    meta: dict[str, Any] | None = None,
) -> DeployReport:
    """Push `candidates` to `targets` in stages; dry-run unless opts.commit.

    `meta` (target, lab, inventory, selection) goes into the journal's start record, so status
    keeps lab and field apart and a resume can restore the run as it was.
    """
    check_hosts(nr.inventory.hosts, candidates, opts.commit)  # refuse what a driver cannot do, before connecting
    clean = redact or (lambda s: s)
    if resume:
        journal = Journal.open(resume, clean)
        done = journal.finished_devices()
        journal.write("resume")
    else:
        journal = Journal.create(redact=clean)
        done = {}
        journal.start(
            mode="commit" if opts.commit else "dry-run", devices=sorted(candidates), options=vars(opts), **(meta or {})
        )
    mode = "commit" if opts.commit else "dry-run"
    report = DeployReport(journal.run_id, mode)
    locks = DeviceLocks(journal.run_id)
    backup_dir = journal.path.parent / "backups"
    failures = 0
    plan = stages([t for t in targets if t.name in candidates], opts.canary, opts.batch_size, opts.overlap_towns)
    try:
        for number, stage in enumerate(plan, 1):
            todo = []
            for name in stage:
                if name in done:
                    _record(
                        report,
                        journal,
                        progress,
                        DeviceResult(name, done[name], error="done in an earlier attempt", stage=number),
                        write=False,
                    )
                elif report.stopped:
                    _record(
                        report, journal, progress, DeviceResult(name, "skipped", error=report.stopped, stage=number)
                    )
                else:
                    holder = locks.acquire(name)
                    if holder:
                        _record(
                            report,
                            journal,
                            progress,
                            DeviceResult(name, "skipped", error=f"locked by {holder}", stage=number),
                        )
                        failures += 1
                    else:
                        todo.append(name)
            if todo:
                journal.write("stage", stage=number, devices=todo)
                for res in _run_stage(nr, todo, candidates, opts, backup_dir, health_prefixes or {}, clean):
                    res.stage = number
                    _record(report, journal, progress, res)
                    locks.release(res.device)
                    if res.status in FAILED:
                        failures += 1
            if failures >= opts.max_failures > 0 and not report.stopped and number < len(plan):
                report.stopped = (
                    f"stopped after stage {number}: {failures} failure(s) reached --max-failures {opts.max_failures}"
                )
                journal.write("stopped", reason=report.stopped)
    finally:
        locks.release_all()
        journal.write("end", counts=report.counts(), stopped=report.stopped)
    return report


def _record(
    report: DeployReport,
    journal: Journal,
    progress: Callable[[DeviceResult], None] | None,
    res: DeviceResult,
    write: bool = True,
) -> None:
    report.results.append(res)
    if write:
        journal.write(
            "device", device=res.device, status=res.status, diff=res.diff, error=res.error, seconds=res.seconds
        )
    if progress is not None:
        progress(res)


def _run_stage(
    nr: Nornir,
    names: list[str],
    candidates: dict[str, str],
    opts: DeployOptions,
    backup_dir: Any,
    health_prefixes: dict[str, list[str]],
    clean: Callable[[str], str],
) -> list[DeviceResult]:
    subset = nr.filter(filter_func=lambda h: h.name in names)

    def task(t: Any) -> Any:
        return deploy_config(
            t,
            config=candidates[t.host.name],
            commit=opts.commit,
            revert_in=opts.revert_in,
            backup_dir=backup_dir,
            health_prefixes=health_prefixes.get(t.host.name, []),
            health_timeout=opts.health_timeout,
            redact=clean,
        )

    agg = subset.run(task=task, name="countynet-deploy", on_failed=True)
    out = []
    for name in names:
        multi = agg.get(name)
        if multi is None or not len(multi):
            out.append(DeviceResult(name, "failed", error="no result"))
            continue
        first = multi[0]
        data = first.result if isinstance(first.result, dict) else None
        if data is None:
            err = str(first.exception) if first.exception else str(first.result)
            out.append(DeviceResult(name, "failed", error=clean(_one_line(err))))
        else:
            out.append(
                DeviceResult(
                    name, data["status"], data.get("diff", ""), data.get("error", ""), data.get("seconds", 0.0)
                )
            )
        with contextlib.suppress(Exception):
            subset.inventory.hosts[name].close_connections()
    return out


def _one_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else text
