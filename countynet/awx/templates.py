"""The AWX objects countynet runs on: execution environment, project, inventory and its source, job templates.

Every object is the parameter dict of the awx.awx module that creates it (`tests/awx` validates them
against that collection's argument specs). Names are stable, so applying an export twice updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from countynet import __version__


@dataclass(frozen=True)
class AwxOptions:
    """What the export needs to know about the AWX side (checked by `check`)."""

    scm_url: str
    organization: str = "Default"
    project: str = "countynet"
    scm_branch: str = "main"
    rollback_ref: str = "last-good"  # the git ref the rollback job deploys (move it after a good wave)
    ee_image: str = f"quay.io/countynet/countynet-ee:{__version__}"
    towns: tuple[str, ...] = ()  # () = every town, in inventory order
    wave_size: int = 3  # towns per wave after the first wave (a single canary town)
    verify_slices: int = 2  # job slices of the per-host verify job (one per execution node of a region)
    regions: bool = True  # route each town's jobs to the instance group of its region
    forks: int = 10  # devices a device job handles at once (the CLI's --workers default)
    credentials: tuple[str, ...] = field(default_factory=tuple)  # credential names the device jobs use


PLAYBOOKS = ("validate", "render", "deploy", "verify", "acceptance", "rollback")


@dataclass(frozen=True)
class JobSpec:
    """One job template: which playbook, and how AWX may run it."""

    key: str
    playbook: str
    description: str
    job_type: str = "run"
    devices: bool = True  # talks to devices: needs credentials, region routing, a limit
    slices: bool = False  # per-host and order-free: safe to slice (AWX job slicing)
    extra_vars: dict[str, Any] = field(default_factory=dict)


JOBS = (
    JobSpec("validate", "validate", "Every model rule of `countynet validate` (no device contact).", devices=False),
    JobSpec("render", "render", "Render every config (security baseline included); no device contact.", devices=False),
    JobSpec("deploy-check", "deploy", "Dry run: backup, candidate, diff per device; nothing committed.",
            job_type="check"),
    JobSpec("deploy", "deploy", "Commit-confirm per device, deepest first, health gate, confirm or roll back."),
    JobSpec("verify", "verify", "Per-device routing state and agency-LAN reachability (per host: sliced).",
            slices=True),
    JobSpec("acceptance", "acceptance", "Radio acceptance: registration tables against the plan per hop."),
    JobSpec("rollback", "rollback", "Deploy the last good revision to the devices of a failed town, then fail.",
            extra_vars={"countynet_run_suffix": "-rollback"}),
)


def jt_name(opts: AwxOptions, key: str) -> str:
    return f"{opts.project} {key}"


def execution_environment(opts: AwxOptions) -> dict[str, Any]:
    return {"name": opts.project, "image": opts.ee_image, "pull": "missing", "organization": opts.organization,
            "description": "countynet, its Python and Debian dependencies and the countynet.net collection"}  # fmt: skip


def project(opts: AwxOptions) -> dict[str, Any]:
    return {
        "name": opts.project,
        "organization": opts.organization,
        "scm_type": "git",
        "scm_url": opts.scm_url,
        "scm_branch": opts.scm_branch,
        "scm_update_on_launch": True,
        "allow_override": True,  # the rollback job deploys another ref (scm_branch)
        "default_environment": opts.project,
        "description": "countynet inventory (towns, sites, allocations) and playbooks",
    }


def inventory(opts: AwxOptions) -> dict[str, Any]:
    return {"name": opts.project, "organization": opts.organization,
            "description": "Devices from the countynet model (groups town_*, role_*, platform_*)"}  # fmt: skip


def inventory_source(opts: AwxOptions) -> dict[str, Any]:
    """Sourced from a project: the countynet.net.countynet plugin reads hosts.countynet.yml in the project."""
    return {
        "name": f"{opts.project} model",
        "inventory": opts.project,
        "organization": opts.organization,
        "source": "scm",
        "source_project": opts.project,
        "source_path": "hosts.countynet.yml",
        "execution_environment": opts.project,
        "update_on_launch": True,
        "overwrite": True,  # a device removed from the inventory leaves AWX too
        "overwrite_vars": True,
    }


def job_template(opts: AwxOptions, job: JobSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": jt_name(opts, job.key),
        "description": job.description,
        "organization": opts.organization,
        "project": opts.project,
        "playbook": f"playbooks/{job.playbook}.yml",
        "inventory": opts.project,
        "execution_environment": opts.project,
        "job_type": job.job_type,
        "diff_mode": job.job_type == "check",
        "allow_simultaneous": False,  # one deploy per template at a time; device locks guard the rest
        "ask_variables_on_launch": True,  # countynet_run_id: resume an earlier run
        "ask_limit_on_launch": job.devices,  # a workflow node limits it to one town
        "ask_instance_groups_on_launch": job.devices and opts.regions,
        "job_slice_count": opts.verify_slices if job.slices else 1,
    }
    if job.devices:
        out["forks"] = opts.forks
    if job.devices:
        out["credentials"] = list(opts.credentials)
    if job.extra_vars:
        out["extra_vars"] = dict(job.extra_vars)
    if job.key == "rollback":
        out["scm_branch"] = opts.rollback_ref
    return out


def job_templates(opts: AwxOptions) -> list[dict[str, Any]]:
    return [job_template(opts, job) for job in JOBS]
