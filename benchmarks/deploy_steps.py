"""Where one device's deploy spends device-side CPU, step by step (the rollout profile's biggest share).

Usage (root, under the heavy-work lock):
    flock /tmp/cn-heavy.lock python benchmarks/deploy_steps.py [--site mwg-tsc-office]

Brings up the lab for one site's path to its hub (bare routers), then deploys the site's router
through the FRR driver one step at a time (open, backup with the first health snapshot, load + syntax check,
compare, commit with revert timer, one gate poll over a new session and one over the open
session, the whole health gate as the deploy runs it, confirm), then commits once more and runs
the old gate (a new session every second) over the same hold as a same-run baseline. Prints each
step's wall time, controller CPU and the CPU of the device's namespace (its sshd and everything
sshd ran: shells, vtysh, frr-reload), beside the previous run's figures (kept in
.countynet/bench/deploy_steps-SITE.json; run it on main first for a before/after). The lab is
taken down afterwards.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from countynet.jobs.common import FieldAccess
from countynet.jobs.connect import nornir_for, payloads, resolver_for
from countynet.jobs.render import configs_to_push
from countynet.lab import lab_down, lab_up
from countynet.lab.from_inventory import spec_from_model
from countynet.lab.spec import LAB_PLATFORM
from countynet.lab.state import netns_inode
from countynet.model import open_model
from countynet.platforms import platform_of
from nornir_tasks import health
from nornir_tasks.health import config_and_snapshot

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from rollout_profile import sample


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", default="mwg-tsc-office")
    ap.add_argument("--inventory", default="inventory")
    ap.add_argument("--lab-name", default="speed-steps")
    ap.add_argument("--hold", type=float, default=12.0, help="the gate's hold window (the lab's OSPF dead interval)")
    args = ap.parse_args()
    model = open_model(args.inventory)
    devices = model.select(sites=[args.site])
    lab_down(args.lab_name)
    lab = lab_up(spec_from_model(model, devices, args.lab_name), parallel=2, progress=False, persistent=True)
    try:
        ino = netns_inode(lab.netns(args.site))
        assert ino is not None
        inodes = {ino: args.site}
        resolver = resolver_for(FieldAccess(), lab)
        payload, _ = payloads(configs_to_push(model, {args.site}, LAB_PLATFORM, resolver), resolver)
        nr = nornir_for(model, {args.site}, lab, FieldAccess(), 1)
        host = nr.inventory.hosts[args.site]
        prefixes = model.health_prefixes({args.site}).get(args.site, [])
        state: dict[str, Any] = {}
        rows: list[tuple[str, float, float, float]] = []

        def step(name: str, fn: Callable[[], Any]) -> None:
            a, r0 = sample(inodes), resource.getrusage(resource.RUSAGE_SELF)
            state[name] = fn()
            b, r1 = sample(inodes), resource.getrusage(resource.RUSAGE_SELF)
            ctl = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
            rows.append((name, b.t - a.t, ctl, sum(b.device.values()) - sum(a.device.values())))

        platform = platform_of(host)
        step("open (SSH login)", lambda: host.get_connection("napalm", nr.config))
        conn = state["open (SSH login)"]
        step("backup + health snapshot before", lambda: config_and_snapshot(conn, prefixes, platform))
        before = state["backup + health snapshot before"][1]
        step("load candidate + syntax check", lambda: conn.load_replace_candidate(config=payload[args.site]))
        step("compare (frr-reload --test)", conn.compare_config)
        step("commit (reload, converge check, timer)", lambda: conn.commit_config(revert_in=120))
        look = health.probe(host, nr.config, prefixes, platform, conn)
        step("gate poll over a new session", look.fresh)
        step("gate poll over the open session", look.quick)  # type: ignore[arg-type]
        hold = max(args.hold, 1.0)
        step(f"health gate, {hold:.0f} s hold", lambda: health.gate(look, before, 30, hold))
        polls = state[f"health gate, {hold:.0f} s hold"].polls
        step("confirm (write memory)", conn.confirm_commit)
        step("close", host.close_connections)
        conn = host.get_connection("napalm", nr.config)
        conn.load_replace_candidate(config=payload[args.site])  # the same again: a commit all the same
        conn.commit_config(revert_in=120)
        old = health.poller(host, nr.config, prefixes, platform)
        step(f"baseline: gate with a new session a second, {hold:.0f} s", lambda: old_gate(old, hold))
        old_polls = state[f"baseline: gate with a new session a second, {hold:.0f} s"]
        conn.confirm_commit()
        host.close_connections()
        mine = [r for r in rows if not r[0].startswith(("baseline", "gate poll"))]
        total = ("total (one device, without the baseline)", 0.0, 0.0, 0.0)
        for r in mine:
            total = (total[0], total[1] + r[1], total[2] + r[2], total[3] + r[3])
        rows.append(total)
        report(rows, args.site, f"{polls} polls, baseline {old_polls}")
    finally:
        lab_down(args.lab_name)
    return 0


def old_gate(poll: Callable[[], Any], hold: float) -> int:
    """The gate before issue 19 on a healthy device: a new session and a snapshot every second
    until the hold has passed; returns its polls."""
    started, polls = time.monotonic(), 0
    while True:
        at = time.monotonic()
        poll()
        polls += 1
        if at - started >= hold:
            return polls
        time.sleep(1.0)


def report(rows: list[tuple[str, float, float, float]], site: str, note: str) -> None:
    """The steps beside the previous run's (same site), and this run kept for the next."""
    path = Path(".countynet/bench") / f"deploy_steps-{site}.json"
    prev = json.loads(path.read_text()) if path.exists() else {}
    old = {r[0]: r for r in prev.get("rows", [])}
    print(f"seconds: now (previous run {prev.get('when', 'none')}); {note}")
    print(f"{'step':48} {'wall s':>15} {'controller CPU s':>17} {'device CPU s':>15}")
    for name, wall, ctl, dev in rows:
        was = [f" ({v:5.2f})" for v in old[name][1:]] if name in old else ["", "", ""]
        print(f"{name:48} {wall:7.2f}{was[0]:>8} {ctl:9.2f}{was[1]:>8} {dev:7.2f}{was[2]:>8}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"when": time.strftime("%H:%M"), "note": note, "rows": rows}))


if __name__ == "__main__":
    raise SystemExit(main())
