"""The status job: progress against the inventory's targets, per target (lab and field apart).

Deployed comes from the commit-mode journals of that target, verified from the target's progress
store (latest result per site and device, cumulative across narrow verifies). A site is deployed
when it and every device on its path to the hub carry a confirmed config, and verified when the
latest checks of the site itself (its router, probes from its LANs to NOFBI and services) passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from countynet.jobs.common import TARGETS
from countynet.jobs.progress_store import read_progress

if TYPE_CHECKING:
    from countynet.model import Model

GOOD, BAD = ("changed", "unchanged"), ("failed", "reverted")


@dataclass
class SiteState:
    site: str
    town: str
    deployed: bool = False
    verified: bool = False
    failed: bool = False  # the latest verify of the site or its path failed
    accepted: bool | None = None  # verified and its radio hop passed acceptance; None: no radios (lab)

    @property
    def state(self) -> str:
        if self.failed:
            return "failed"
        if self.accepted:
            return "accepted"
        return "verified" if self.verified else "deployed" if self.deployed else "planned"


@dataclass
class StatusResult:
    target: str
    label: str
    target_towns: int
    target_sites: int
    sites: list[SiteState] = field(default_factory=list)
    runs: int = 0
    notes: list[str] = field(default_factory=list)

    def towns(self) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for s in self.sites:
            row = rows.setdefault(
                s.town, {"town": s.town, "sites": 0, "deployed": 0, "verified": 0, "accepted": 0, "failed": 0}
            )
            row["sites"] += 1
            row["deployed"] += s.deployed
            row["verified"] += s.verified
            row["accepted"] += bool(s.accepted)
            row["failed"] += s.failed
        return [rows[t] for t in sorted(rows)]

    def total(self) -> dict[str, int]:
        return {
            "sites": len(self.sites),
            "deployed": sum(s.deployed for s in self.sites),
            "verified": sum(s.verified for s in self.sites),
            "accepted": sum(bool(s.accepted) for s in self.sites),
            "failed": sum(s.failed for s in self.sites),
            "towns_complete": sum(1 for r in self.towns() if r["verified"] == r["sites"] and r["sites"]),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "label": self.label,
            "targets": {"towns": self.target_towns, "sites": self.target_sites},
            "towns": self.towns(),
            "total": self.total(),
            "sites": [{**vars(s), "state": s.state} for s in self.sites],
            "runs": self.runs,
            "notes": self.notes,
        }


def path_to_hub(model: Model, site: str) -> set[str]:
    """The site and every device between it and the hub."""
    from countynet.selectors import _path_to_hub

    return _path_to_hub(model, site)


def deployed_devices(target: str) -> tuple[set[str], int, int]:
    """Devices whose latest commit-mode outcome on `target` is a confirmed config; runs counted; runs without a target."""
    from countynet.deploy.journal import Journal, list_runs

    state: dict[str, bool] = {}
    runs = untagged = 0
    for run in list_runs():
        if run.mode != "commit":
            continue
        start = Journal.open(run.run_id).start_record()
        if "target" not in start:
            untagged += 1
            continue
        if start["target"] != target:
            continue
        runs += 1
        for dev, st in Journal.open(run.run_id).finished_devices().items():
            if st in GOOD:
                state[dev] = True
            elif st in BAD:
                state[dev] = False
    return {d for d, ok in state.items() if ok}, runs, untagged


def status(model: Model, target: str = "lab") -> StatusResult:
    if target not in TARGETS:
        from countynet.errors import CountynetError

        raise CountynetError(f"unknown target {target!r}", "use --target field or --target lab")
    t = model.inv.network.targets
    result = StatusResult(
        target,
        t.label,
        t.towns if t.towns is not None else len(model.inv.towns),
        t.sites if t.sites is not None else sum(len(town.sites) for town in model.inv.towns),
    )
    deployed, result.runs, untagged = deployed_devices(target)
    if untagged:
        result.notes.append(f"{untagged} older run(s) recorded no target and are not counted")
    progress = read_progress(target)
    radio_ok = _radio_acceptance(target)
    for town in model.inv.towns:
        for site in town.sites:
            path = path_to_hub(model, site.name)
            s = SiteState(site.name, town.name, deployed=path <= deployed)
            mine = progress.get(site.name)  # the site's own checks: its router and probes from its LANs
            s.failed = mine is not None and not mine.get("ok")
            s.verified = s.deployed and mine is not None and not s.failed
            if radio_ok is not None:
                from countynet.accept import site_accepted

                s.accepted = s.verified and site_accepted(site.name, model.topo, radio_ok)
            result.sites.append(s)
    return result


def _radio_acceptance(target: str) -> dict[str, bool] | None:
    """Site -> its radio hop passed, from the latest acceptance report; None on the lab (no radios)."""
    if target == "lab":
        return None
    from countynet.accept import accepted_sites
    from countynet.accept.run import load_latest

    return accepted_sites(load_latest())
