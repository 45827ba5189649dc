"""The deploy job: select -> render (baseline must pass) -> connect -> staged commit-confirm.

A resumed run takes its selection, target and engine options from the journal's start record and
checks them again, so `--resume RUN` acts exactly like the run it continues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from countynet import platforms
from countynet.deploy.engine import DeployOptions, DeployReport, DeviceResult
from countynet.deploy.gate import gate_specs
from countynet.errors import CountynetError
from countynet.jobs.common import Selection, TargetOptions
from countynet.jobs.connect import nornir_for, payloads, resolver_for
from countynet.jobs.render import configs_to_push

if TYPE_CHECKING:
    from countynet.model import Model


@dataclass(frozen=True)
class DeployJob:
    selection: Selection = field(default_factory=Selection)
    target: TargetOptions = field(default_factory=TargetOptions)
    engine: DeployOptions = field(default_factory=DeployOptions)
    resume: str | None = None
    workers: int = 0  # devices at once; 0: scale with the machine (countynet.deploy.engine.default_workers)
    # Join run `join` (create it if new) and skip what it finished: one run shared by several processes
    # (Ansible forks, the jobs of one AWX workflow), unlike `resume`, which restores a run's whole selection.
    join: str | None = None
    join_devices: tuple[str, ...] = ()  # every device of the shared run, for its start record
    config: str | None = None  # a hand-edited candidate for the one selected --host (deploy --candidate)


def resumed(job: DeployJob) -> DeployJob:
    """The job as its journal recorded it (selection, target, options), checked again."""
    from countynet.deploy.journal import Journal

    start = Journal.open(job.resume or "").require_start()
    recorded = start.get("options") or {}
    known = {f.name for f in fields(DeployOptions)}
    try:
        engine = DeployOptions(**{k: v for k, v in recorded.items() if k in known})
    except TypeError as exc:
        raise CountynetError(f"run {job.resume}: unreadable options ({exc})", "start a new run") from None
    devices = tuple(start.get("devices") or ())
    target = replace(job.target, target=str(start.get("target", job.target.target)),
                     lab_name=str(start.get("lab_name", job.target.lab_name)))  # fmt: skip
    return replace(job, selection=Selection(hosts=devices), target=target, engine=engine, config=start.get("config"))


def deploy(model: Model, job: DeployJob, progress: Callable[[DeviceResult], None] | None = None) -> DeployReport:
    """Run (or resume) a deploy; the report lists every selected device exactly once."""
    from countynet.deploy.engine import default_workers
    from countynet.deploy.engine import deploy as run_engine

    if job.resume:
        job = resumed(job)
    devices = job.selection.devices(model)
    hand = hand_edited(model, devices, job.config, job.target.render_as) if job.config else None
    job.target.access.check()
    lab = job.target.lab()
    resolver = resolver_for(job.target.access, lab)
    if job.engine.commit:  # a timer the pushed platform's driver cannot arm, refused before connecting
        for name in sorted({job.target.render_as or model.platform_of(d) for d in devices}):
            platforms.get(name).deploy.require_revert_in(name, job.engine.revert_in)
    texts = hand if hand is not None else configs_to_push(model, devices, job.target.render_as, resolver)
    payload, redact = payloads(texts, resolver)
    nr = nornir_for(model, devices, lab, job.target.access, job.workers or default_workers())
    meta: dict[str, Any] = {"target": job.target.target, "lab_name": job.target.lab_name if lab else None,
                            "inventory": str(model.root), "selection": job.selection.as_dict(),
                            "config": job.config}  # fmt: skip
    if job.join:
        _attach(job, redact, meta)
    return run_engine(
        nr,
        payload,
        model.targets(devices),
        job.engine,
        redact=redact,
        resume=job.resume or job.join,
        progress=progress,
        gates=gate_specs(model.intents(devices, job.target.render_as), model.health_prefixes(devices)),
        meta=meta,
    )


# A hand-edited candidate differs from its intent on purpose: the equivalence with the rendered
# stand-in (CN510) does not apply; the security baseline and the platform's own rules do.
NOT_FOR_HAND_EDITS = {"CN510"}


def hand_edited(model: Model, devices: set[str], path: str, render_as: str | None) -> dict[str, str]:
    """`deploy --host H --candidate FILE`: one device's hand-edited candidate (the way a field
    engineer fixes one device), through the same baseline, locks, gate and journal as a rendered one."""
    from countynet.checks.rendered import check_rendered
    from countynet.inventory.limits import read_user_text

    if len(devices) != 1:
        raise CountynetError(f"--candidate needs exactly one device; the selection has {len(devices)}",
                             "select it with --host DEVICE")  # fmt: skip
    host = next(iter(devices))
    text = read_user_text(path)
    findings = check_rendered({host: text}, {host: render_as or model.platform_of(host)})
    errors = [f for f in findings if f.severity == "error" and f.rule not in NOT_FOR_HAND_EDITS]
    if errors:
        raise CountynetError(
            f"{len(errors)} baseline finding(s) stop the deploy before anything connects; first: {errors[0].format()}",
            "fix the candidate file, then deploy again",
        )
    return {host: text}


def _attach(job: DeployJob, redact: Callable[[str], str], meta: dict[str, Any]) -> None:
    """Create the shared run with the start record the engine would write (so `--resume` works on it)."""
    from countynet.deploy.journal import Journal

    devices = sorted(job.join_devices or job.selection.hosts)
    meta = {**meta, "selection": {**meta["selection"], "hosts": devices}}
    Journal.attach(job.join or "", redact, mode="commit" if job.engine.commit else "dry-run", devices=devices,
                   options=vars(job.engine), source="ansible", **meta)  # fmt: skip


def secrets_of(model: Model, job: DeployJob) -> list[str]:
    """The secret values a deploy would resolve (for callers that must mask them, like Ansible's no_log)."""
    from countynet.intent.secrets import secret_values
    from countynet.jobs.render import RenderOptions, render

    lab = job.target.lab()
    resolver = resolver_for(job.target.access, lab)
    texts = render(model, RenderOptions(job.selection, None, job.target.render_as), resolver=resolver).texts
    return sorted({v for t in texts.values() for v in secret_values(t, resolver)})
