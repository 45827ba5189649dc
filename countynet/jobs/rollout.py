"""The rollout job (the main job): validate -> render -> (fresh lab) -> deploy -> verify, per town."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countynet.deploy.engine import DeployOptions, DeployReport, DeviceResult
from countynet.jobs.common import Say, Selection, TargetOptions, quiet
from countynet.jobs.deploy import DeployJob, deploy
from countynet.jobs.render import RenderOptions, render
from countynet.jobs.verify import CONVERGENCE_WAIT_S, VerifyJob, verify
from countynet.verify.results import VerifyReport

if TYPE_CHECKING:
    from countynet.model import Model


@dataclass(frozen=True)
class RolloutJob:
    selection: Selection = field(default_factory=Selection)
    target: TargetOptions = field(default_factory=TargetOptions)
    engine: DeployOptions = field(
        default_factory=lambda: DeployOptions(commit=True, canary=1, max_failures=3, overlap_towns=True)
    )
    wait: float = CONVERGENCE_WAIT_S
    fresh_lab: bool = True
    out: Path = Path("rendered")
    workers: int = 0  # devices at once; 0: the deploy scales with the machine, verify takes 10


@dataclass
class RolloutResult:
    deploy: DeployReport
    verify: VerifyReport
    towns: list[dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.verify.ok and not self.deploy.failed and not self.deploy.stopped


def rollout(
    model: Model, job: RolloutJob, say: Say = quiet, device_progress: Callable[[DeviceResult], None] | None = None
) -> RolloutResult:
    t0 = time.monotonic()
    times: dict[str, float] = {}
    rep = model.require_valid().report
    s = rep.summary
    say(f"validate: {s['towns']} towns, {s['sites']} sites, {s['devices']} devices, {rep.warnings} warnings "
        f"({rep.seconds:.2f} s)")  # fmt: skip
    devices = job.selection.devices(model)
    rendered = render(model, RenderOptions(job.selection, job.out))
    assert rendered.summary is not None
    say(f"render: {rendered.summary.rendered} configs in {job.out}/ ({len(rendered.summary.changed)} changed)")
    if job.target.is_lab:
        from countynet.lab import lab_down, lab_up
        from countynet.lab.from_inventory import spec_from_model

        if job.fresh_lab:
            lab_down(job.target.lab_name)
        t = time.monotonic()
        lab = lab_up(spec_from_model(model, devices, job.target.lab_name), parallel=4, progress=True, persistent=True)
        times["lab"] = time.monotonic() - t
        say(f"lab: {len(lab.nodes)} nodes up in {times['lab']:.1f} s")
    t = time.monotonic()
    dep = deploy(model, DeployJob(Selection(hosts=tuple(sorted(devices))), job.target, job.engine,
                                  workers=job.workers), device_progress)  # fmt: skip
    times["deploy"] = time.monotonic() - t
    say(f"deploy: {len(dep.results)} devices in {times['deploy']:.1f} s")
    t = time.monotonic()
    say(f"verify: waiting up to {job.wait:.0f} s for convergence")
    ver = verify(model, VerifyJob(job.selection, job.target, job.wait, job.workers or 10), say)
    times["verify"] = time.monotonic() - t
    times["total"] = time.monotonic() - t0
    return RolloutResult(dep, ver, town_rows(model, dep, ver, devices), times)


def town_rows(model: Model, dep: DeployReport, ver: VerifyReport, devices: set[str]) -> list[dict[str, Any]]:
    """Per town: sites planned, deployed (whole path confirmed) and verified in this rollout."""
    from countynet.jobs.status import path_to_hub

    topo = model.topo
    good = {r.device for r in dep.results if r.status in ("changed", "unchanged")}
    by_town = ver.by_town()
    bad = {c.site or c.device for c in ver.checks if c.bad}
    rows = []
    for t in sorted({topo.devices[d].town for d in devices}):
        sites = [n for n, (town, _s) in topo.sites.items() if town.name == t and n in devices]
        path_ok = [s for s in sites if path_to_hub(model, s) <= good]
        verified = [s for s in path_ok if s not in bad]
        rows.append({
            "town": t,
            "planned": len(sites),
            "deployed": len(path_ok),
            "verified": len(verified),
            "devices": sum(1 for d in devices if topo.devices[d].town == t),
            "failed_checks": by_town.get(t, {}).get("failed", 0),
        })  # fmt: skip
    return rows
