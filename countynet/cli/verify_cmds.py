"""`countynet verify`, `countynet rollout` (the main job) and `countynet status`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from countynet.cli.deploy_cmds import JSON, LAB, SITE, TARGET, TOWN, print_summary, run_deploy
from countynet.cli.main import app, state
from countynet.cli.output import FINDINGS, OK, console, guarded, print_json
from countynet.deploy.state import state_dir
from countynet.errors import CountynetError
from countynet.report.formats import to_json, to_junit, to_markdown
from countynet.verify.results import VerifyReport

if TYPE_CHECKING:
    from countynet import pipeline
    from countynet.deploy.engine import DeployReport

PHASE3_TOWNS, PHASE3_SITES = 6, 140


def run_verify(
    towns: list[str] | None, sites: list[str] | None, target: str, lab_name: str, wait: float
) -> VerifyReport:
    from countynet import pipeline
    from countynet.verify.expect import expectations
    from countynet.verify.runner import verify

    prep = pipeline.prepare(state.inventory)
    devices = pipeline.select(prep, towns, sites)
    lab = pipeline.lab_for(lab_name) if target == "lab" else None
    nr = pipeline.nornir(prep, lab.inventory_file if lab else None, devices)
    devs, site_exp = expectations(prep.ctx.inv, prep.ctx.topo, prep.ctx.alloc, devices)
    if sites:
        site_exp = [s for s in site_exp if s.site in sites]
    with console.status("verifying...") as status:
        report = verify(nr, devs, site_exp, lab=lab, wait=wait, progress=lambda m: status.update(f"verifying: {m}"))
    report.checks += radio_checks(prep, devices, target)
    save_verify(report, target)
    return report


def radio_checks(prep: pipeline.Prepared, devices: set[str], target: str) -> list:
    """One acceptance check per planned radio hop ending at a selected device: not measurable in the lab
    (FRR stand-ins), and not measurable from verify in the field until radios are collected here
    (`countynet accept --recordings DIR` judges them)."""
    from countynet.accept import acceptance_checks

    c = prep.ctx
    checks = acceptance_checks(c.radio, None, agencies=set(c.topo.sites))
    keep = [k for k in checks if k.device in devices or k.site in devices]
    if target != "lab":
        for k in keep:
            k.detail = "radios are not collected by verify: run `countynet accept --recordings DIR`"
    return keep


def save_verify(report: VerifyReport, target: str) -> None:
    """verify/latest.json (what `status` reads) and one file per run in verify/history/, with the target."""
    folder = state_dir() / "verify"
    (folder / "history").mkdir(parents=True, exist_ok=True)
    finished = time.time()
    data = {**json.loads(to_json(report)), "target": target, "finished": round(finished, 3)}
    text = json.dumps(data, indent=2, sort_keys=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(finished)) + f"{finished % 1:.3f}"[1:] + f"-{target}"
    (folder / "history" / f"{stamp}.json").write_text(text)
    (folder / "latest.json").write_text(text)


def write_outputs(report: VerifyReport, junit: Path | None, markdown: Path | None) -> None:
    if junit:
        junit.write_text(to_junit(report))
    if markdown:
        markdown.write_text(to_markdown(report))


def print_verify(report: VerifyReport) -> None:
    for c in report.failed:
        console.print(
            f"[red]{c.status:>11}[/] {c.town} {c.device} {c.kind} {c.target}: {c.detail}",
            soft_wrap=True,
            highlight=False,
        )
    table = Table(title=f"verify ({report.seconds:.1f} s, {report.attempts} attempt(s))")
    for col in ("town", "sites verified", "checks", "ok", "failed"):
        table.add_column(col, justify="right" if col != "town" else "left")
    for town, row in sorted(report.by_town().items()):
        table.add_row(town, f"{row['sites_ok']}/{row['sites']}", str(row["checks"]), str(row["ok"]), str(row["failed"]))
    console.print(table)


@app.command("verify")
@guarded
def verify_cmd(
    town: list[str] = TOWN,
    site: list[str] = SITE,
    target: str = TARGET,
    lab_name: str = LAB,
    wait: float = typer.Option(
        0.0, "--wait", help="Keep re-checking failures for up to this many seconds (convergence)."
    ),
    json_out: bool = JSON,
    junit: Path = typer.Option(None, "--junit", help="Write JUnit XML here (CI)."),
    markdown: Path = typer.Option(
        None, "--markdown", help="Write a Markdown report here (pull request, change ticket)."
    ),
) -> int:
    """Prove that every agency reaches NOFBI and each shared service it uses (and no other)."""
    report = run_verify(town or None, site or None, target, lab_name, wait)
    write_outputs(report, junit, markdown)
    if json_out:
        print(to_json(report))
    else:
        print_verify(report)
    return OK if report.ok else FINDINGS


@app.command("rollout")
@guarded
def rollout_cmd(
    town: list[str] = TOWN,
    target: str = TARGET,
    lab_name: str = LAB,
    revert_in: int = typer.Option(120, "--revert-in", help="Device-side revert timer of each commit (s)."),
    canary: int = typer.Option(1, "--canary", help="Devices deployed first, alone."),
    max_failures: int = typer.Option(3, "--max-failures", help="Stop the rollout after this many failed devices."),
    wait: float = typer.Option(90.0, "--wait", help="Seconds verify waits for convergence."),
    fresh_lab: bool = typer.Option(
        True, "--fresh-lab/--reuse-lab", help="With --target lab: rebuild the lab bare first."
    ),
    out: Path = typer.Option(Path("rendered"), "--out", help="Where the rendered configs are written."),
    junit: Path = typer.Option(None, "--junit", help="Write the verify JUnit XML here."),
    markdown: Path = typer.Option(None, "--markdown", help="Write the verify Markdown report here."),
    json_out: bool = JSON,
) -> int:
    """The main job: validate -> allocate check -> radio plan -> render -> deploy -> verify, per town.

    With --target lab the virtual lab is built first, bare, so the deploy is what makes it route.
    """
    from countynet import pipeline
    from countynet.deploy.engine import DeployOptions
    from countynet.render.renderer import write_rendered

    t0 = time.monotonic()
    towns = town or None
    prep = pipeline.prepare(state.inventory)  # validate, allocation lock, radio plan (all rules)
    s = prep.report.summary
    console.print(
        f"[green]validate[/]: {s['towns']} towns, {s['sites']} sites, {s['devices']} devices, "
        f"{prep.report.warnings} warnings ({prep.report.seconds:.2f} s)"
    )
    devices = pipeline.select(prep, towns, None)
    texts = pipeline.configs(prep, devices)
    written = write_rendered(texts, {d: prep.ctx.topo.devices[d].platform for d in texts}, out)
    console.print(f"[green]render[/]: {written.rendered} configs in {out}/ ({len(written.changed)} changed)")
    if target == "lab":
        from countynet.lab import lab_down, lab_up
        from countynet.lab.from_inventory import spec_from_inventory

        if fresh_lab:
            lab_down(lab_name)
        spec = spec_from_inventory(prep.ctx.inv, prep.ctx.topo, prep.ctx.alloc, prep.ctx.radio, devices, lab_name)
        t_lab = time.monotonic()
        lab = lab_up(spec, parallel=4, progress=True, persistent=True)
        console.print(f"[green]lab[/]: {len(lab.nodes)} nodes up in {time.monotonic() - t_lab:.1f} s")
    elif target != "field":
        raise CountynetError(f"unknown target '{target}'", "use --target field or --target lab")
    opts = DeployOptions(True, revert_in, canary, None, max_failures, 30.0)
    t_dep = time.monotonic()
    dep = run_deploy(towns, None, target, lab_name, opts, show_diff=False, quiet=True, bar=not json_out)
    print_summary(dep)
    console.print(f"[green]deploy[/]: {len(dep.results)} devices in {time.monotonic() - t_dep:.1f} s")
    ver = run_verify(towns, None, target, lab_name, wait)
    write_outputs(ver, junit, markdown)
    rows = town_table(prep, dep, ver, devices)
    if json_out:
        print_json(
            {"towns": rows, "deploy_run": dep.run_id, "verify_ok": ver.ok, "seconds": round(time.monotonic() - t0, 1)}
        )
    else:
        for c in ver.failed:
            console.print(f"[red]{c.status}[/] {c.town} {c.device} {c.kind} {c.target}: {c.detail}", soft_wrap=True)
        table = Table(title=f"phase-3 rollout ({target}), {time.monotonic() - t0:.0f} s")
        for col in ("town", "sites planned", "deployed", "verified", "devices", "checks failed"):
            table.add_column(col, justify="left" if col == "town" else "right")
        for r in rows:
            table.add_row(
                r["town"],
                str(r["planned"]),
                str(r["deployed"]),
                str(r["verified"]),
                str(r["devices"]),
                str(r["failed_checks"]),
            )
        console.print(table)
    return OK if ver.ok and not dep.failed else FINDINGS


def town_table(prep: pipeline.Prepared, dep: DeployReport, ver: VerifyReport, devices: set[str]) -> list[dict]:
    topo = prep.ctx.topo
    good = {r.device for r in dep.results if r.status in ("changed", "unchanged")}
    by_town = ver.by_town()
    rows = []
    for t in sorted({topo.devices[d].town for d in devices}):
        sites = [n for n, (town, _s) in topo.sites.items() if town.name == t and n in devices]
        path_ok = {s for s in sites if _path(topo, s) <= good}
        bad_sites = {c.site or c.device for c in ver.checks if c.town == t and c.bad}
        verified = [s for s in sites if s in path_ok and s not in bad_sites]
        rows.append(
            {
                "town": t,
                "planned": len(sites),
                "deployed": len(path_ok),
                "verified": len(verified),
                "devices": sum(1 for d in devices if topo.devices[d].town == t),
                "failed_checks": by_town.get(t, {}).get("failed", 0),
            }
        )
    return rows


def _path(topo: object, site: str) -> set[str]:
    """The site and every device between it and the hub."""
    out, cur = set(), site
    while cur and cur not in out:
        out.add(cur)
        seg = topo.segments.get(topo.parent.get(cur, ""))  # type: ignore[attr-defined]
        cur = seg.members[0] if seg is not None else ""
    return out


@app.command("status")
@guarded
def status_cmd(json_out: bool = JSON) -> int:
    """Rollout progress against the phase-3 targets, from the latest journals and verify results."""
    from countynet import pipeline
    from countynet.accept import accepted_sites, site_accepted
    from countynet.accept.run import load_latest
    from countynet.deploy.journal import Journal, list_runs

    prep = pipeline.prepare(state.inventory)
    topo = prep.ctx.topo
    deployed: dict[str, str] = {}
    for run in list_runs():
        if run.mode != "commit":
            continue
        for dev, st in Journal.open(run.run_id).finished_devices().items():
            if st in ("changed", "unchanged"):
                deployed[dev] = st
            elif st in ("failed", "reverted"):
                deployed.pop(dev, None)
    latest = state_dir() / "verify" / "latest.json"
    verified_bad: set[str] = set()
    verified_seen: set[str] = set()
    if latest.exists():
        data = json.loads(latest.read_text())
        for c in data.get("checks", []):
            key = c.get("site") or c.get("device")
            verified_seen.add(key)
            if c.get("status") in ("fail", "parse-error", "error"):
                verified_bad.add(key)
    radio_ok = accepted_sites(load_latest())  # site -> its radio hop passed acceptance
    rows = []
    for town in prep.ctx.inv.towns:
        sites = [s.name for s in town.sites]
        dep = [s for s in sites if _path(topo, s) <= set(deployed)]
        ver = [s for s in dep if s in verified_seen and s not in verified_bad and not (_path(topo, s) & verified_bad)]
        acc = [s for s in ver if site_accepted(s, topo, radio_ok)]
        rows.append({"town": town.name, "sites": len(sites), "deployed": len(dep), "verified": len(ver), "accepted": len(acc)})
    total = {k: sum(r[k] for r in rows) for k in ("sites", "deployed", "verified", "accepted")}
    if json_out:
        print_json({"targets": {"towns": PHASE3_TOWNS, "sites": PHASE3_SITES}, "towns": rows, "total": total})
        return OK
    table = Table(title="phase-3 rollout status")
    for col in ("town", "sites", "deployed", "verified", "accepted"):
        table.add_column(col, justify="left" if col == "town" else "right")
    for r in rows:
        table.add_row(r["town"], str(r["sites"]), str(r["deployed"]), str(r["verified"]), str(r["accepted"]))
    table.add_row(
        f"[bold]total ({len(rows)}/{PHASE3_TOWNS} towns)[/]",
        f"{total['sites']}/{PHASE3_SITES}",
        f"{total['deployed']}/{PHASE3_SITES}",
        f"{total['verified']}/{PHASE3_SITES}",
        f"{total['accepted']}/{PHASE3_SITES}",
    )
    console.print(table)
    return OK
