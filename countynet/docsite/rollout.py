"""Rollout state for the docs: what the deploy journals and verify results say, per target.

Read-only: it never creates the state folder. Lab and field are kept apart by the `target`
each journal's start record and each verify result carries; records written before targets
were recorded land under "unrecorded", never silently under lab or field.

A site's state, per target, is what `countynet status` counts (countynet/jobs/status.py):
- deployed: it and every device on its path to the hub carry a confirmed config (the latest
  commit-mode outcome of each is changed or unchanged);
- failed: the latest checks of the site itself (its router, probes from its LANs) failed;
- verified: deployed, and its latest checks passed (latest per site across verifies, so a
  one-site verify never erases the others: the progress store's rule);
- accepted: verified, and its radio hop passed acceptance (field only; a fibre site has none);
- planned: otherwise. A site behind a device whose deploy failed stays planned and says why.
Routers (hub, towers) get the same states from their own deploy and checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from countynet.inventory.topology import Topology

STATES = ("planned", "deployed", "verified", "accepted", "failed")
DEPLOY_OK = {"changed", "unchanged"}
DEPLOY_BAD = {"failed", "reverted"}
CHECK_BAD = {"fail", "parse-error", "error"}
UNRECORDED = "unrecorded"


@dataclass(frozen=True)
class Run:
    """One deploy run, as its journal tells it."""

    id: str
    target: str
    mode: str
    started: float
    ended: float | None
    user: str
    devices: int
    counts: dict[str, int]
    stopped: str


@dataclass(frozen=True)
class DeviceDeploy:
    run: str
    status: str
    error: str
    ts: float
    diff: str = ""


@dataclass(frozen=True)
class VerifyRun:
    id: str
    target: str
    ts: float
    checks: tuple[dict[str, Any], ...]


@dataclass
class SiteState:
    state: str
    why: str = ""


@dataclass
class TargetProgress:
    """Everything known for one target (lab, field): latest deploy per device, verify runs."""

    target: str
    events: list[tuple[float, str, DeviceDeploy]] = field(default_factory=list)  # (ts, device, record)
    verifies: list[VerifyRun] = field(default_factory=list)

    @cached_property
    def deploys(self) -> dict[str, DeviceDeploy]:
        """The latest deploy of each device (read once the events are all in: see read_state)."""
        return latest_deploys(self.events, None)

    @property
    def verify(self) -> VerifyRun | None:
        return self.verifies[-1] if self.verifies else None

    store: dict[str, Any] | None = None  # progress/<target>.json, what `countynet status` reads

    @cached_property
    def progress(self) -> dict[str, Outcome]:
        """Latest outcome per site and device: the progress store, else replayed from the verify history."""
        if self.store is not None:
            return {
                str(k): Outcome(bool(v.get("ok")), float(v.get("ts", 0.0)), tuple(str(x) for x in v.get("failed", [])))
                for k, v in self.store.items()
                if isinstance(v, dict)
            }
        return progress_until(self.verifies, None)

    @cached_property
    def checks_of(self) -> dict[str, list[dict[str, Any]]]:
        """Each device's and site's checks from the latest verify that checked it."""
        out: dict[str, list[dict[str, Any]]] = {}
        for v in self.verifies:
            fresh: dict[str, list[dict[str, Any]]] = {}
            for c in v.checks:
                for key in {str(c.get("device") or ""), str(c.get("site") or "")} - {""}:
                    fresh.setdefault(key, []).append(c)
            out.update(fresh)
        return out


@dataclass(frozen=True)
class Outcome:
    ok: bool
    ts: float
    failed: tuple[str, ...] = ()


@dataclass
class RolloutState:
    runs: list[Run] = field(default_factory=list)
    targets: dict[str, TargetProgress] = field(default_factory=dict)
    acceptance: dict[str, Any] | None = None  # the latest acceptance report (installation report)

    @property
    def radio_ok(self) -> dict[str, bool] | None:
        """Site -> its radio hop passed, from the acceptance report; None before any acceptance run."""
        from countynet.accept import accepted_sites

        return None if self.acceptance is None else accepted_sites(self.acceptance)

    def target(self, name: str) -> TargetProgress:
        return self.targets.setdefault(name, TargetProgress(name))


# ------------------------------------------------------------------ reading
def _records(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
        if isinstance(rec, dict):
            out.append(rec)
    return out


def _read_run(folder: Path, state: RolloutState) -> None:
    recs = _records(folder / "journal.jsonl")
    start = next((r for r in recs if r.get("event") == "start"), {})
    end = next((r for r in reversed(recs) if r.get("event") == "end"), None)
    target = str(start.get("target") or UNRECORDED)
    mode = str(start.get("mode", "?"))
    counts: dict[str, int] = {}
    latest: dict[str, dict[str, Any]] = {}
    for r in recs:
        if r.get("event") == "device" and r.get("device"):
            latest[str(r["device"])] = r
    for r in latest.values():
        counts[str(r.get("status"))] = counts.get(str(r.get("status")), 0) + 1
    state.runs.append(
        Run(
            folder.name,
            target,
            mode,
            float(start.get("ts", 0.0)),
            float(end["ts"]) if end else None,
            str(start.get("user", "?")),
            len(start.get("devices", [])),
            dict(sorted(counts.items())),
            str((end or {}).get("stopped") or ""),
        )
    )
    if mode != "commit":
        return  # a dry run changes nothing on a device
    tp = state.target(target)
    for dev, r in sorted(latest.items(), key=lambda kv: (float(kv[1].get("ts", 0.0)), kv[0])):
        status = str(r.get("status"))
        if status in DEPLOY_OK | DEPLOY_BAD:
            rec = DeviceDeploy(
                folder.name, status, str(r.get("error") or ""), float(r.get("ts", 0.0)), str(r.get("diff") or "")
            )
            tp.events.append((rec.ts, dev, rec))


def _read_verify(path: Path, state: RolloutState, seen: set[str]) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return
    if not isinstance(data, dict):
        return
    checks = tuple(c for c in data.get("checks", []) if isinstance(c, dict))
    key = json.dumps([data.get("target"), data.get("finished"), len(checks)])
    if key in seen:
        return  # latest.json repeats the newest history entry
    seen.add(key)
    ts = float(data.get("finished") or path.stat().st_mtime)
    target = str(data.get("target") or UNRECORDED)
    state.target(target).verifies.append(VerifyRun(path.stem, target, ts, checks))


def read_acceptance(root: Path) -> dict[str, Any] | None:
    """The latest `countynet accept` report (as saved in <state>/accept/latest.json); None: never run."""
    try:
        data = json.loads((root / "accept" / "latest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def accepted_set(topo: Topology, radio_ok: dict[str, bool] | None) -> set[str]:
    """Sites that count as accepted once verified (as `countynet status` counts them); none before any acceptance run."""
    from countynet.accept import site_accepted

    if radio_ok is None:
        return set()
    return {s for s in topo.sites if site_accepted(s, topo, radio_ok)}


def read_state(root: Path) -> RolloutState:
    """Journals (runs/*/journal.jsonl) and verify results (verify/history/*.json, verify/latest.json)."""
    state = RolloutState()
    runs = root / "runs"
    if runs.is_dir():
        for folder in sorted(runs.iterdir()):
            if (folder / "journal.jsonl").is_file():
                _read_run(folder, state)
    seen: set[str] = set()
    verify = root / "verify"
    if (verify / "history").is_dir():
        for path in sorted((verify / "history").glob("*.json")):
            _read_verify(path, state, seen)
    if (verify / "latest.json").is_file():
        _read_verify(verify / "latest.json", state, seen)
    for tp in state.targets.values():
        tp.events.sort(key=lambda e: (e[0], e[1]))
        tp.verifies.sort(key=lambda v: (v.ts, v.id))
    if (root / "progress").is_dir():
        for path in sorted((root / "progress").glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            if isinstance(data, dict) and isinstance(data.get("keys"), dict):
                state.target(path.stem).store = data["keys"]
    state.acceptance = read_acceptance(root)
    return state


# ------------------------------------------------------------------ judging
def latest_deploys(events: Iterable[tuple[float, str, DeviceDeploy]], until: float | None) -> dict[str, DeviceDeploy]:
    out: dict[str, DeviceDeploy] = {}
    for ts, dev, rec in events:
        if until is not None and ts > until:
            break
        out[dev] = rec
    return out


def path_to_hub(topo: Topology, device: str) -> list[str]:
    """The device and every device between it and the hub, nearest first."""
    out: list[str] = []
    cur = device
    while cur and cur not in out:
        out.append(cur)
        seg = topo.segments.get(topo.parent.get(cur, ""))
        cur = seg.members[0] if seg is not None else ""
    return out


def progress_until(verifies: Iterable[VerifyRun], until: float | None) -> dict[str, Outcome]:
    """Per key (site, else device), the outcome of the latest verify that checked it, up to `until`."""
    out: dict[str, Outcome] = {}
    for v in verifies:
        if until is not None and v.ts > until:
            break
        fresh: dict[str, list[str]] = {}
        for c in v.checks:
            bad = fresh.setdefault(str(c.get("site") or c.get("device")), [])
            if c.get("status") in CHECK_BAD:
                bad.append(f"{c.get('name') or c.get('kind')}: {c.get('detail') or c.get('status')}")
        out.update({k: Outcome(not bad, v.ts, tuple(bad)) for k, bad in fresh.items()})
    return out


def site_states(
    topo: Topology,
    sites: Iterable[str],
    deploys: dict[str, DeviceDeploy],
    progress: dict[str, Outcome],
    accepted: set[str],
) -> dict[str, SiteState]:
    out = {}
    for site in sites:
        path = path_to_hub(topo, site)
        broken = [d for d in path if d in deploys and deploys[d].status in DEPLOY_BAD]
        deployed = all(d in deploys and deploys[d].status in DEPLOY_OK for d in path)
        mine = progress.get(site)
        if mine is not None and not mine.ok:
            more = f" and {len(mine.failed) - 3} more" if len(mine.failed) > 3 else ""
            out[site] = SiteState("failed", "; ".join(mine.failed[:3]) + more)
        elif deployed and mine is not None:
            out[site] = SiteState("accepted" if site in accepted else "verified")
        elif deployed:
            out[site] = SiteState("deployed")
        elif broken:
            d = deploys[broken[0]]
            why = f"deploy {d.status} on {broken[0]}" + (f": {d.error}" if d.error else "")
            out[site] = SiteState("failed" if broken[0] == site else "planned", why)
        else:
            out[site] = SiteState("planned")
    return out


def timeline(
    topo: Topology, sites: list[str], tp: TargetProgress, accepted: set[str]
) -> list[tuple[float, dict[str, int]]]:
    """Site counts per state after each deploy run and each verify of one target, oldest first."""
    run_end: dict[str, float] = {}
    for ts, _dev, rec in tp.events:
        run_end[rec.run] = max(ts, run_end.get(rec.run, ts))
    marks = sorted(set(run_end.values()) | {v.ts for v in tp.verifies})
    out = []
    for ts in marks:
        deploys = latest_deploys(tp.events, ts)
        counts = dict.fromkeys(STATES, 0)
        for s in site_states(topo, sites, deploys, progress_until(tp.verifies, ts), accepted).values():
            counts[s.state] += 1
        out.append((ts, counts))
    return out
