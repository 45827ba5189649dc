"""The verify job: model-derived expectations checked on a target, kept per target."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from countynet import platforms
from countynet.jobs.common import Say, Selection, TargetOptions, quiet
from countynet.jobs.connect import nornir_for
from countynet.jobs.progress_store import record_verify
from countynet.verify.results import Check, VerifyReport

if TYPE_CHECKING:
    from countynet.model import Model

CONVERGENCE_WAIT_S = 90.0  # the same default as rollout: OSPF dead intervals and BGP hold times pass


@dataclass(frozen=True)
class VerifyJob:
    selection: Selection = field(default_factory=Selection)
    target: TargetOptions = field(default_factory=TargetOptions)
    wait: float = CONVERGENCE_WAIT_S
    workers: int = 10
    recordings: Path | None = None  # recorded radio outputs: radio hops are judged from them


def verify(model: Model, job: VerifyJob, say: Say = quiet) -> VerifyReport:
    """Check every expectation of the selection; wait for convergence first (job.wait seconds at most)."""
    from countynet.verify.expect import expectations
    from countynet.verify.runner import verify as run_checks

    job.target.access.check()
    devices = job.selection.devices(model)
    lab = job.target.lab()
    nr = nornir_for(model, devices, lab, job.target.access, job.workers)
    devs, site_exp = expectations(model.inv, model.topo, model.alloc, devices)
    if job.selection.sites:
        site_exp = [s for s in site_exp if s.site in job.selection.sites]
    report = run_checks(nr, devs, site_exp, lab=lab, wait=job.wait, progress=say)
    report.checks += radio_checks(model, devices, job.target.is_lab, job.recordings)
    if lab is not None:  # the lab runs a stand-in (FRR) in place of these devices' platforms
        report.stand_ins = {d: p for d in sorted(devices) if platforms.get(p := model.platform_of(d)).lab_stand_in}
    record_verify(job.target.target, report)
    return report


def radio_checks(model: Model, devices: set[str], lab: bool, recordings: Path | None = None) -> list[Check]:
    """One acceptance row per planned radio hop ending at a selected device: judged from recordings
    when given, else not measurable (the lab's FRR stand-ins have no radios; in the field verify
    does not collect radios: `countynet accept --recordings DIR` or `verify --recordings DIR`)."""
    from countynet.accept.run import verify_radio_checks

    return verify_radio_checks(model, devices, lab, recordings)
