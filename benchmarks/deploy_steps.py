"""Where one device's deploy spends device-side CPU, step by step (the rollout profile's biggest share).

Usage (root, under the heavy-work lock):
    flock /tmp/cn-heavy.lock python benchmarks/deploy_steps.py [--site mwg-tsc-office]

Brings up the lab for one site's path to its hub (bare routers), then deploys the site's router
through the FRR driver one step at a time (open, backup, health snapshot, load + syntax check,
compare, commit with revert timer, the health gate's fresh session + snapshot, confirm) and
prints each step's wall time, controller CPU and the CPU of the device's namespace (its sshd and
everything sshd ran: shells, vtysh, frr-reload). The lab is taken down afterwards.
"""

from __future__ import annotations

import argparse
import resource
import sys
from collections.abc import Callable
from typing import Any

from countynet.jobs.common import FieldAccess
from countynet.jobs.connect import nornir_for, payloads, resolver_for
from countynet.jobs.render import configs_to_push
from countynet.lab import lab_down, lab_up
from countynet.lab.from_inventory import spec_from_model
from countynet.lab.spec import LAB_PLATFORM
from countynet.lab.state import netns_inode
from countynet.model import open_model
from nornir_tasks.health import fresh_connection, snapshot

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from rollout_profile import sample


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", default="mwg-tsc-office")
    ap.add_argument("--inventory", default="inventory")
    ap.add_argument("--lab-name", default="speed-steps")
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
        rows = []

        def step(name: str, fn: Callable[[], Any]) -> None:
            a, r0 = sample(inodes), resource.getrusage(resource.RUSAGE_SELF)
            state[name] = fn()
            b, r1 = sample(inodes), resource.getrusage(resource.RUSAGE_SELF)
            ctl = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
            rows.append((name, b.t - a.t, ctl, sum(b.device.values()) - sum(a.device.values())))

        step("open (SSH login)", lambda: host.get_connection("napalm", nr.config))
        conn = state["open (SSH login)"]
        step("backup: get_config", lambda: conn.get_config(retrieve="running"))
        step("health snapshot before", lambda: snapshot(conn, prefixes))
        step("load candidate + syntax check", lambda: conn.load_replace_candidate(config=payload[args.site]))
        step("compare (frr-reload --test)", conn.compare_config)
        step("commit (reload, converge check, timer)", lambda: conn.commit_config(revert_in=120))

        def gate_poll() -> Any:
            c = fresh_connection(host, nr.config)
            try:
                return snapshot(c, prefixes)
            finally:
                c.close()

        step("gate poll (fresh session + snapshot)", gate_poll)
        step("confirm (write memory)", conn.confirm_commit)
        step("close", host.close_connections)
        print(f"{'step':42} {'wall s':>7} {'controller CPU s':>17} {'device CPU s':>13}")
        for name, wall, ctl, dev in rows:
            print(f"{name:42} {wall:7.2f} {ctl:17.2f} {dev:13.2f}")
        tot = [sum(r[i] for r in rows) for i in (1, 2, 3)]  # type: ignore[misc]
        print(f"{'total':42} {tot[0]:7.2f} {tot[1]:17.2f} {tot[2]:13.2f}")
    finally:
        lab_down(args.lab_name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
