"""Rollout waves as AWX workflows: towns in order, and per town check -> deploy -> verify -> acceptance,
with the failure edges of deploy and verify going to that town's rollback job. Within a wave the towns
of one region follow each other; different regions run side by side on their own execution nodes.

The first wave is a single canary town; later waves take `wave_size` towns each. A rollout workflow
runs the wave workflows one after another, each only after the previous one succeeded. Nodes are
listed children first, because awx.awx.workflow_job_template_node links a node only to nodes that exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from countynet.awx.regions import OTHER, region_of
from countynet.awx.templates import AwxOptions, jt_name


@dataclass(frozen=True)
class Town:
    name: str
    region: str


def waves(towns: list[Town], wave_size: int) -> list[list[Town]]:
    """[[canary], then chunks of wave_size] in the given order."""
    if not towns:
        return []
    rest = towns[1:]
    return [towns[:1], *(rest[i : i + wave_size] for i in range(0, len(rest), wave_size))]


def town_list(inv_towns: list[tuple[str, str]], chosen: tuple[str, ...], sizes: dict[str, int]) -> list[Town]:
    """(name, county) of the inventory -> Towns in the chosen order; by default the smallest town first
    (the canary wave risks the fewest devices), then by size."""
    county = dict(inv_towns)
    names = list(chosen) if chosen else sorted(county, key=lambda n: (sizes.get(n, 0), n))
    return [Town(n, region_of(county[n])) for n in names]


def instance_group(opts: AwxOptions, region: str) -> str:
    return f"{opts.project}-{region}"


def wave_name(opts: AwxOptions, number: int, towns: list[Town]) -> str:
    return f"{opts.project} wave {number}: {', '.join(t.name for t in towns)}"


def workflow(opts: AwxOptions, number: int, towns: list[Town]) -> dict[str, Any]:
    return {
        "name": wave_name(opts, number, towns),
        "organization": opts.organization,
        "description": f"Rollout wave {number}: {', '.join(t.name for t in towns)} (deploy -> verify per town; "
        "a failed deploy or verify rolls that town back and stops the wave)",
        "inventory": opts.project,
        "allow_simultaneous": False,
        "ask_variables_on_launch": True,  # countynet_run_id=<earlier run> resumes a run
    }


def _node(opts: AwxOptions, wf: str, ident: str, job: str, town: Town | None, **edges: list[str]) -> dict[str, Any]:
    node: dict[str, Any] = {
        "workflow_job_template": wf,
        "organization": opts.organization,
        "identifier": ident,
        "unified_job_template": jt_name(opts, job),
        "lookup_organization": opts.organization,
    }
    if town is not None:
        node["limit"] = f"town_{town.name}"
        if opts.regions and town.region != OTHER:
            node["instance_groups"] = [instance_group(opts, town.region)]
    for kind in ("success_nodes", "failure_nodes"):
        if edges.get(kind):
            node[kind] = edges[kind]
    return node


def chains(towns: list[Town]) -> list[list[Town]]:
    """The wave's towns per region, each region in the given order: regions run side by side (each on
    its own execution nodes), the towns of one region one after another."""
    out: dict[str, list[Town]] = {}
    for town in towns:
        out.setdefault(town.region, []).append(town)
    return list(out.values())


def wave_nodes(opts: AwxOptions, number: int, towns: list[Town]) -> list[dict[str, Any]]:
    """The nodes of one wave's workflow, children before parents."""
    wf = wave_name(opts, number, towns)
    out: list[dict[str, Any]] = []
    firsts: list[str] = []
    for chain in chains(towns):
        out += _chain(opts, wf, chain)
        firsts.append(f"check-{chain[0].name}")
    out.append(_node(opts, wf, "validate", "validate", None, success_nodes=firsts))
    return out


def _chain(opts: AwxOptions, wf: str, towns: list[Town]) -> list[dict[str, Any]]:
    """check -> deploy -> verify -> acceptance per town, then the next town; deploy/verify fail -> rollback."""
    out: list[dict[str, Any]] = []
    next_check: list[str] = []
    for town in reversed(towns):
        t = town.name
        out.append(_node(opts, wf, f"rollback-{t}", "rollback", town))
        out.append(_node(opts, wf, f"acceptance-{t}", "acceptance", town, success_nodes=next_check))
        out.append(_node(opts, wf, f"verify-{t}", "verify", town, success_nodes=[f"acceptance-{t}"],
                         failure_nodes=[f"rollback-{t}"]))  # fmt: skip
        out.append(_node(opts, wf, f"deploy-{t}", "deploy", town, success_nodes=[f"verify-{t}"],
                         failure_nodes=[f"rollback-{t}"]))  # fmt: skip
        out.append(_node(opts, wf, f"check-{t}", "deploy-check", town, success_nodes=[f"deploy-{t}"]))
        next_check = [f"check-{t}"]
    return out


def rollout(opts: AwxOptions, plan: list[list[Town]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A workflow that runs the wave workflows in order (each after the previous one succeeded)."""
    name = f"{opts.project} rollout"
    wf = {"name": name, "organization": opts.organization, "inventory": opts.project,
          "description": f"All {len(plan)} waves in order", "allow_simultaneous": False,
          "ask_variables_on_launch": True}  # fmt: skip
    nodes: list[dict[str, Any]] = []
    after: list[str] = []
    for number in range(len(plan), 0, -1):
        ident = f"wave-{number}"
        nodes.append({"workflow_job_template": name, "organization": opts.organization, "identifier": ident,
                      "unified_job_template": wave_name(opts, number, plan[number - 1]),
                      "lookup_organization": opts.organization, **({"success_nodes": after} if after else {})})  # fmt: skip
        after = [ident]
    return wf, nodes
