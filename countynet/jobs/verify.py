"""The verify job: model-derived expectations checked on a target, kept per target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
    report.checks += radio_checks(model, devices, job.target.is_lab)
    record_verify(job.target.target, report)
    return report


def radio_checks(model: Model, devices: set[str], lab: bool) -> list[Check]:
    """One acceptance row per planned radio hop ending at a selected device: not measurable in the lab
    (FRR stand-ins have no radios), and in the field judged by `countynet accept` from the radios'
    registration tables."""
    from countynet.accept import acceptance_checks

    checks = acceptance_checks(model.radio, None, agencies=set(model.topo.sites))
    keep = [k for k in checks if k.device in devices or k.site in devices]
    if not lab:
        for k in keep:
            k.detail = "radios are not collected by verify: run `countynet accept --recordings DIR`"
    return keep
