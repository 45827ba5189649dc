"""Run verification: collect from devices (Nornir + NAPALM), probe from agency LANs, evaluate."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from nornir.core import Nornir

from countynet.platforms import Platform, platform_of
from countynet.platforms import row as platform_row
from countynet.resources import resource_path
from countynet.verify.expect import DeviceExpect, SiteExpect
from countynet.verify.parse import ParseError, parse
from countynet.verify.results import Check, VerifyReport
from nornir_tasks.collect import collect_state

PROBE = resource_path("countynet.verify", "probe.py")


# Loss is judged over this many probes: at the usual 10 % threshold a link that loses 20 % shows
# at most 10 losses out of 100 with probability 0.6 % (binomial), one that loses 2 % shows more
# than 10 with probability below 0.001 %; with 20 probes a 20 %-loss link passed 21 % of the time.
PROBES = 100
PROBE_INTERVAL_S = 0.02
# A probe mostly waits (PROBES pings PROBE_INTERVAL_S apart = 2 s): many sites at once cost
# little CPU (a thread and a ping each, in one probe process), so a pass probes every site at
# once up to this many (a pass then lasts one probe, not one per round of sites).
PROBE_WORKERS = 256
# Quality is judged, never retried: retrying until a lucky sample passes hides a lossy link.
JUDGED_ONCE = {"latency"}


def verify(
    nr: Nornir,
    devices: list[DeviceExpect],
    sites: list[SiteExpect],
    lab: Any = None,
    wait: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Check every expectation. With `wait`, look again only until the network has converged
    (sessions, adjacencies, routes, interfaces, reachability all pass), and only at the devices
    and sites still short of it; loss/latency are judged once, over PROBES probes, in the pass
    where a site converged (or the last one), never retried until a lucky sample passes."""
    try:
        return _passes(nr, devices, sites, lab, wait, progress)
    finally:  # sessions kept open for a later pass end with the run
        hosts = nr.inventory.hosts if nr is not None else {}
        for d in devices:
            host = hosts.get(d.device)
            if host is not None:
                with contextlib.suppress(Exception):
                    host.close_connections()


def _passes(
    nr: Nornir,
    devices: list[DeviceExpect],
    sites: list[SiteExpect],
    lab: Any,
    wait: float,
    progress: Callable[[str], None] | None,
) -> VerifyReport:
    start = time.monotonic()
    attempts = 0
    by_device: dict[str, list[Check]] = {}
    by_site: dict[str, list[Check]] = {}
    todo_devices, todo_sites = devices, sites
    while True:
        attempts += 1
        for d in todo_devices:
            by_device[d.device] = []
        for site in todo_sites:
            by_site[site.site] = []
        # collection waits on SSH, probes on pings: independent, so side by side
        with ThreadPoolExecutor(max_workers=1) as side:
            probing = side.submit(_site_checks, todo_sites, lab)
            for c in _device_checks(nr, todo_devices):
                by_device[c.device].append(c)
            for c in probing.result():
                by_site[c.site or c.device].append(c)
        checks = [c for name in sorted({d.device for d in devices}) for c in by_device.get(name, [])]
        checks += [c for s in sites for c in by_site.get(s.site, [])]
        report = VerifyReport(checks, time.monotonic() - start, attempts)
        converging = [c for c in report.failed if c.kind not in JUDGED_ONCE]
        if progress:
            kinds = Counter(c.kind for c in converging).most_common()
            what = f" ({', '.join(f'{k} {n}' for k, n in kinds)})" if kinds else ""
            progress(f"attempt {attempts}: {len(converging)} of {len(checks)} checks not converged{what}")
        if not converging or time.monotonic() - start >= wait:
            return _judge_settled(report, sites, by_site, lab, attempts, converging)
        todo_devices = [d for d in devices if _unsettled(by_device.get(d.device, []))]
        todo_sites = [s for s in sites if _unsettled(by_site.get(s.site, []))]
        time.sleep(min(3.0, max(0.5, wait - (time.monotonic() - start))))


def _judge_settled(
    report: VerifyReport,
    sites: list[SiteExpect],
    by_site: dict[str, list[Check]],
    lab: Any,
    attempts: int,
    converging: list[Check],
) -> VerifyReport:
    """Loss and latency measured in any pass before the last were measured while something in the
    network was still converging (a site's own reachability, or routes elsewhere churning the
    paths it shares): once everything has converged, every site whose loss or latency failed is
    probed once more and judged on that sample (still once: a lossy link fails again)."""
    if converging or attempts == 1:
        return report
    again = [s for s in sites if any(c.bad and c.kind in JUDGED_ONCE for c in by_site.get(s.site, []))]
    if not again:
        return report
    for s in again:
        by_site[s.site] = []
    for c in _site_checks(again, lab):
        by_site[c.site or c.device].append(c)
    names = {s.site for s in sites}
    checks = [c for c in report.checks if (c.site or c.device) not in names or c.site is None]
    checks += [c for s in sites for c in by_site.get(s.site, [])]
    return VerifyReport(checks, report.seconds, attempts)


def _unsettled(checks: list[Check]) -> bool:
    return any(c.bad and c.kind not in JUDGED_ONCE for c in checks)


def _device_checks(nr: Nornir, devices: list[DeviceExpect]) -> list[Check]:
    wanted = {d.device: d for d in devices}
    subset = nr.filter(filter_func=lambda h: h.name in wanted)
    prefixes = {d.device: d.routes for d in devices}
    agg = subset.run(
        task=lambda t: collect_state(t, prefixes.get(t.host.name, [])), name="countynet-collect", on_failed=True
    )
    checks: list[Check] = []
    for name, exp in sorted(wanted.items()):
        multi = agg.get(name)
        data = multi[0].result if multi is not None and len(multi) and isinstance(multi[0].result, dict) else None
        host = subset.inventory.hosts[name]
        if data is None:
            err = str(multi[0].exception) if multi is not None and len(multi) and multi[0].exception else "no answer"
            checks.append(Check(exp.town, name, "reachable", "management", "error", err.strip().splitlines()[-1][:200]))
            host.close_connections()  # a session that failed is not asked again: the next pass logs in anew
            continue
        mine = evaluate_device(exp, platform_of(host), data["outputs"], data["routes"])
        checks += mine
        if not _unsettled(mine):  # a device still converging keeps its session for the next pass
            host.close_connections()
    return checks


def _parsed(platform: Platform, cmd: str | None, outputs: dict[str, str]) -> tuple[list[dict[str, Any]] | None, str]:
    if cmd is None or cmd not in outputs:
        return None, "not collected on this platform"
    try:
        return parse(platform, cmd, outputs[cmd]), ""
    except ParseError as exc:
        return None, f"parse failure: {exc}"


# size: one block per check kind (interfaces, OSPF, BGP, routes), read side by side against the expectations
def evaluate_device(exp: DeviceExpect, platform: Platform | str, outputs: dict[str, str], routes: dict[str, bool]) -> list[Check]:
    """Turn collected outputs into checks; unparsable output is a parse-error, never ok."""
    platform = platform_row(platform)
    out: list[Check] = []

    def add(kind: str, target: str, ok: bool, detail: str = "") -> None:
        out.append(Check(exp.town, exp.device, kind, target, "ok" if ok else "fail", detail))

    def unmeasured(kind: str, target: str, why: str) -> None:
        status = "parse-error" if why.startswith("parse failure") else "not-measurable"
        out.append(Check(exp.town, exp.device, kind, target, status, why))  # type: ignore[arg-type]

    rows, why = _parsed(platform, platform.collect.interfaces, outputs)
    for ifname, addr in sorted(exp.interfaces.items()):
        if rows is None:
            unmeasured("interface", ifname, why)
            continue
        row = next((r for r in rows if r.get("interface") == ifname), None)
        if row is None:
            add("interface", ifname, False, "interface missing")
        else:
            addrs = row.get("addresses") or []
            up = row.get("status") == "up"
            add(
                "interface",
                ifname,
                up and addr in addrs,
                f"status {row.get('status')}, addresses {', '.join(addrs) or 'none'}; planned {addr}",
            )

    rows, why = _parsed(platform, platform.collect.ospf_neighbors, outputs)
    for ifname, peers in sorted(exp.ospf.items()):
        for peer in peers:
            target = f"{ifname} -> {peer}"
            if rows is None:
                unmeasured("ospf", target, why)
                continue
            row = next((r for r in rows if r.get("interface") == ifname and r.get("address") == peer), None)
            if row is None:
                add("ospf", target, False, "no adjacency")
            else:
                add("ospf", target, str(row.get("state", "")).startswith("Full"), f"state {row.get('state')}")

    if exp.bgp_peer:
        rows, why = _parsed(platform, platform.collect.bgp_summary, outputs)
        target = f"{exp.bgp_peer} AS{exp.bgp_remote_as}"
        if rows is None:
            unmeasured("bgp", target, why)
        else:
            row = next((r for r in rows if r.get("neighbor") == exp.bgp_peer), None)
            if row is None:
                add("bgp", target, False, "session not configured")
            else:
                state = str(row.get("state_pfxrcd", ""))
                received = int(state) if state.isdigit() else None
                sent = str(row.get("pfxsnt", ""))
                ok = received is not None and received >= exp.bgp_min_received and sent.isdigit() and int(sent) >= 1
                detail = f"state/received {state}, advertised {sent}; expected >= {exp.bgp_min_received} received, >= 1 advertised"
                add("bgp", target, ok, detail)
    for prefix in exp.routes:
        add("route", prefix, routes.get(prefix, False), "" if routes.get(prefix) else "no route")
    return out


def _site_checks(sites: list[SiteExpect], lab: Any) -> list[Check]:
    if not sites:
        return []
    if lab is None:
        return [
            Check(s.town, s.site, "lan", "probes", "not-measurable", "LAN probes need the virtual lab", site=s.site)
            for s in sites
        ]
    try:
        answers = _probe_all(sites, lab)
    except Exception as exc:
        answers = {s.site: {"error": f"probe failed: {exc}"} for s in sites}
    return [c for s in sites for c in _site_results(s, answers.get(s.site) or {"error": "probe gave no answer"})]


def _probe_spec(s: SiteExpect) -> dict[str, Any]:
    return {
        "ping": [s.gateway],
        "count": PROBES,
        "interval": PROBE_INTERVAL_S,
        "tcp": [[t.address, t.port] for t in s.allowed + s.denied],
        "timeout": 2.0,
    }


def _probe_all(sites: list[SiteExpect], lab: Any) -> dict[str, dict[str, Any]]:
    """Every site's probe from one process on the host: each site from a thread inside its LAN
    namespace (probe.py, the job on stdin), not one namespace entry and Python start-up per site."""
    answers: dict[str, dict[str, Any]] = {}
    todo = []
    for s in sites:
        try:
            todo.append({"id": s.site, "netns": lab.netns_file(s.lan_host), "spec": _probe_spec(s)})
        except Exception as exc:  # that LAN host is gone: that site's finding, not every site's
            answers[s.site] = {"error": f"probe failed: {exc}"}
    if not todo:
        return answers
    workers = min(len(todo), PROBE_WORKERS)
    rounds = -(-len(todo) // workers)
    proc = subprocess.run(
        [sys.executable, "-I", str(PROBE)],
        input=json.dumps({"workers": workers, "sites": todo}),
        capture_output=True,
        text=True,
        timeout=60 + rounds * (PROBES * PROBE_INTERVAL_S + 30),
    )
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1])
    answers.update(json.loads(proc.stdout))
    return answers


# size: one block per probe kind from an agency LAN (gateway, services allowed and denied), read side by side
def _site_results(s: SiteExpect, data: dict[str, Any]) -> list[Check]:
    if "error" in data:
        return [Check(s.town, s.site, "lan", "probes", "error", str(data["error"]), site=s.site)]
    out: list[Check] = []
    p = data["ping"][0]
    loss, rtt = float(p["loss_pct"]), p["rtt_ms"]
    out.append(
        Check(
            s.town,
            s.site,
            "ping",
            f"NOFBI gateway {s.gateway}",
            "ok" if loss < 100 else "fail",
            f"loss {loss:.0f} % of {PROBES} probes",
            site=s.site,
        )
    )
    within = loss <= s.max_loss_pct and rtt is not None and rtt <= s.max_rtt_ms
    out.append(
        Check(
            s.town,
            s.site,
            "latency",
            f"to {s.gateway}",
            "ok" if within else "fail",
            f"loss {loss:.0f} % of {PROBES} probes (max {s.max_loss_pct:.0f}), rtt {rtt} ms (max {s.max_rtt_ms:.0f})",
            site=s.site,
        )
    )
    tcp = {(r["address"], int(r["port"])): r for r in data["tcp"]}
    for t in s.allowed:
        r = tcp.get((t.address, t.port), {})
        out.append(
            Check(
                s.town,
                s.site,
                "tcp",
                f"{t.service} {t.address}:{t.port}",
                "ok" if r.get("ok") else "fail",
                r.get("error", ""),
                site=s.site,
            )
        )
    for t in s.denied:
        r = tcp.get((t.address, t.port), {})
        out.append(
            Check(
                s.town,
                s.site,
                "tcp-denied",
                f"{t.service} {t.address}:{t.port}",
                "fail" if r.get("ok") else "ok",
                "reachable although the site does not use it" if r.get("ok") else "refused as planned",
                site=s.site,
            )
        )
    return out  # radio hops: countynet.accept (acceptance_checks), one check per planned hop
