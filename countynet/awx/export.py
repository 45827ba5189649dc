"""`countynet awx export`: the AWX / Automation Platform objects for an inventory, as code.

The export is one ordered list of (awx.awx module, parameters) tasks: credential types, instance groups,
execution environment, project, inventory and its project source, job templates, one workflow per
rollout wave and a rollout workflow over the waves. `write_export` turns it into a playbook for the
awx.awx collection (`apply.yml`), plus the credential type definitions as files for the UI.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from countynet.awx import credentials, templates, workflows
from countynet.awx.regions import OTHER
from countynet.awx.templates import AwxOptions
from countynet.errors import CountynetError
from countynet.model import open_model

COLLECTION = "awx.awx"


@dataclass
class AwxExport:
    """The tasks in apply order, and figures for the command's summary."""

    tasks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    waves: list[list[str]] = field(default_factory=list)
    devices: dict[str, int] = field(default_factory=dict)  # per town

    def add(self, module: str, params: dict[str, Any]) -> None:
        self.tasks.append((f"{COLLECTION}.{module}", params))

    def of(self, module: str) -> list[dict[str, Any]]:
        return [p for m, p in self.tasks if m == f"{COLLECTION}.{module}"]


def check(opts: AwxOptions, known_towns: list[str]) -> None:
    """Refuse options that cannot make a working export, before anything is written."""
    unknown = [t for t in opts.towns if t not in known_towns]
    if unknown:
        raise CountynetError(f"unknown town(s): {', '.join(unknown)}", f"towns are: {', '.join(known_towns)}")
    if len(set(opts.towns)) != len(opts.towns):
        raise CountynetError("a town is named twice in --town", "name each town once, in rollout order")
    if opts.wave_size < 1 or opts.verify_slices < 1:
        raise CountynetError("--wave-size and --verify-slices must be at least 1", "e.g. --wave-size 3")
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$", opts.project):
        raise CountynetError(f"bad --project name {opts.project!r}", "letters, digits, space, '.', '_', '-'")


def origin_url(inventory_dir: Path) -> str | None:
    """The git remote `origin` of the folder holding the inventory, if any (the project's scm_url)."""
    try:
        r = subprocess.run(["git", "-C", str(inventory_dir), "remote", "get-url", "origin"],
                           capture_output=True, text=True, timeout=10)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return r.stdout.strip() or None if r.returncode == 0 else None


def export_awx(inventory_dir: Path, opts: AwxOptions) -> AwxExport:
    """Every AWX object for `inventory_dir`, ready for the awx.awx collection."""
    model = open_model(inventory_dir)
    inv, topo = model.inv, model.topo
    check(opts, [t.name for t in inv.towns])
    ctypes = credentials.credential_types(inv)
    opts = replace(opts, credentials=opts.credentials or tuple(t["name"] for t in ctypes))
    sizes = {t.name: sum(1 for d in topo.devices.values() if d.town == t.name) for t in inv.towns}
    towns = workflows.town_list([(t.name, t.county) for t in inv.towns], opts.towns, sizes)
    plan = workflows.waves(towns, opts.wave_size)
    out = AwxExport(waves=[[t.name for t in w] for w in plan])
    for dev in topo.devices.values():
        out.devices[dev.town] = out.devices.get(dev.town, 0) + 1
    for ct in ctypes:
        out.add("credential_type", ct)
    if opts.regions:
        for region in sorted({t.region for t in towns} - {OTHER}):
            out.add("instance_group", {"name": workflows.instance_group(opts, region)})
    out.add("execution_environment", templates.execution_environment(opts))
    out.add("project", templates.project(opts))
    out.add("inventory", templates.inventory(opts))
    out.add("inventory_source", templates.inventory_source(opts))
    for jt in templates.job_templates(opts):
        out.add("job_template", jt)
    for number, wave in enumerate(plan, 1):
        out.add("workflow_job_template", workflows.workflow(opts, number, wave))
        for node in workflows.wave_nodes(opts, number, wave):
            out.add("workflow_job_template_node", node)
    if len(plan) > 1:
        wf, nodes = workflows.rollout(opts, plan)
        out.add("workflow_job_template", wf)
        for node in nodes:
            out.add("workflow_job_template_node", node)
    return out


def _task_name(module: str, params: dict[str, Any]) -> str:
    kind = module.rsplit(".", 1)[1].replace("_", " ")
    label = params.get("name") or f"{params['workflow_job_template']} / {params['identifier']}"
    return f"{kind}: {label}"


def playbook(export: AwxExport) -> list[dict[str, Any]]:
    """apply.yml: one task per object, in dependency order (controller from CONTROLLER_* variables)."""
    tasks = [{"name": _task_name(m, p), m: p} for m, p in export.tasks]
    return [{"name": "countynet objects on AWX / Automation Platform (awx.awx collection)",
             "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]  # fmt: skip


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


HEADER = """\
# Written by `countynet awx export`; apply with the awx.awx collection:
#   CONTROLLER_HOST=https://awx.example CONTROLLER_OAUTH_TOKEN=... ansible-playbook apply.yml
# Then create one credential of each countynet credential type (the values live only in AWX) and add
# the execution nodes of each region to its instance group (docs/awx.md, docs/reach-plan.md).
"""


class _Dumper(yaml.SafeDumper):
    """Marks Jinja-looking strings `!unsafe`: Ansible must pass credential injector templates to AWX as written."""


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "{{" in data or "{%" in data:
        return dumper.represent_scalar("!unsafe", data, style="'")
    return dumper.represent_str(data)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=120, allow_unicode=True)


def write_export(export: AwxExport, out: Path) -> list[Path]:
    """apply.yml and credential_types/<name>.yml (inputs + injectors, as the AWX UI takes them)."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "apply.yml"]
    written[0].write_text(HEADER + "---\n" + dump(playbook(export)))
    folder = out / "credential_types"
    folder.mkdir(exist_ok=True)
    for ct in export.of("credential_type"):
        path = folder / f"{slug(ct['name'])}.yml"
        body = {"name": ct["name"], "kind": ct["kind"], "inputs": ct["inputs"], "injectors": ct["injectors"]}
        path.write_text("---\n" + yaml.safe_dump(body, sort_keys=False, width=120))  # for the UI: plain YAML
        written.append(path)
    return written
