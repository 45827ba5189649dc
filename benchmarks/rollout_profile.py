"""Profile a lab rollout: where does the wall time go, per stage and per device?

Usage (root, under the heavy-work lock):
    flock /tmp/cn-heavy.lock python benchmarks/rollout_profile.py [--town mwingi [--town webuye] | --all] [--workers 10]

Runs the rollout job (countynet.jobs.rollout) on a fresh lab and splits each stage's wall time into
  controller CPU  this process, every thread (getrusage RUSAGE_SELF),
  spawned CPU     programs this process started and reaped (ip, nsenter, probes: RUSAGE_CHILDREN),
  device CPU      the lab's processes: utime+stime of every process in one of the lab's network
                  namespaces, plus cutime+cstime (what they reaped: the shells, vtysh and frr-reload
                  runs of an SSH session end up in sshd's), read from /proc before/after the stage,
  waiting         wall minus the CPU above (timers, convergence, round trips; negative = CPU-bound
                  on more than one core).
Per device: the deploy engine's DeviceResult.seconds and the device CPU of its namespace during
deploy. Each figure is printed beside the previous run's, kept in .countynet/bench/rollout_profile-*.json.
The load average is printed too: other work on the machine inflates wall time, not CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countynet.deploy.engine import DeviceResult
from countynet.jobs.common import Selection, TargetOptions
from countynet.jobs.rollout import RolloutJob, rollout
from countynet.lab.state import netns_inode
from countynet.model import open_model

TICK = os.sysconf("SC_CLK_TCK")
BENCH_DIR = Path(".countynet/bench")


@dataclass
class Sample:
    t: float
    ctl: float
    spawned: float
    device: dict[str, float] = field(default_factory=dict)  # node -> CPU seconds (cumulative)
    by_comm: dict[str, float] = field(default_factory=dict)  # process name -> CPU seconds (cumulative)


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def lab_namespaces(lab_name: str) -> dict[int, str]:
    """Network-namespace inode -> lab node name (empty while the lab is not up)."""
    from countynet.errors import CountynetError
    from countynet.lab import Lab

    try:
        lab = Lab.load(lab_name)
    except CountynetError:
        return {}
    out = {}
    for name, info in lab.nodes.items():
        ino = netns_inode(info["netns"])
        if ino is not None:
            out[ino] = name
    return out


def _stat(pid: str) -> tuple[str, float, float] | None:
    """(comm, own CPU, reaped children's CPU) in seconds."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    f = raw[raw.rindex(")") + 2 :].split()
    # after the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return comm, (int(f[11]) + int(f[12])) / TICK, (int(f[13]) + int(f[14])) / TICK


def sample(inodes: dict[int, str]) -> Sample:
    s = Sample(time.monotonic(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN))
    if not inodes:
        return s
    me = str(os.getpid())
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == me:
            continue
        try:
            node = inodes.get(os.stat(f"/proc/{pid}/ns/net").st_ino)
        except OSError:
            continue
        if node is None:
            continue
        st = _stat(pid)
        if st is None:
            continue
        comm, own, reaped = st
        s.device[node] = s.device.get(node, 0.0) + own + reaped
        s.by_comm[comm] = s.by_comm.get(comm, 0.0) + own
        if reaped:
            s.by_comm[f"reaped by {comm}"] = s.by_comm.get(f"reaped by {comm}", 0.0) + reaped
    return s


def _delta(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: b.get(k, 0.0) - a.get(k, 0.0) for k in set(a) | set(b)}


def stage_figures(a: Sample, b: Sample) -> dict[str, Any]:
    dev = _delta(a.device, b.device)
    wall = b.t - a.t
    ctl, spawned, device = b.ctl - a.ctl, b.spawned - a.spawned, sum(dev.values())
    return {
        "wall": round(wall, 2),
        "controller_cpu": round(ctl, 2),
        "spawned_cpu": round(spawned, 2),
        "device_cpu": round(device, 2),
        "waiting": round(wall - ctl - spawned - device, 2),
        "by_comm": {k: round(v, 2) for k, v in sorted(_delta(a.by_comm, b.by_comm).items(), key=lambda kv: -kv[1])
                    if v >= 0.05},
        "per_node_cpu": {k: round(v, 3) for k, v in sorted(dev.items())},
    }


class Recorder:
    """Takes a sample at each stage boundary the rollout job announces through `say`."""

    MARKS = (("render:", "lab"), ("lab:", "deploy"), ("deploy:", "between"), ("verify: waiting", "verify"))

    def __init__(self, lab_name: str, echo: bool) -> None:
        self.lab_name = lab_name
        self.echo = echo
        self.inodes: dict[int, str] = {}
        self.samples: list[tuple[str, Sample]] = [("prepare", sample({}))]
        self.devices: list[DeviceResult] = []

    def say(self, line: str) -> None:
        if self.echo:
            print(f"  | {line}", flush=True)
        for prefix, stage in self.MARKS:
            if line.startswith(prefix):
                self.inodes = self.inodes or lab_namespaces(self.lab_name)
                self.samples.append((stage, sample(self.inodes)))

    def device(self, res: DeviceResult) -> None:
        self.devices.append(res)

    def finish(self) -> dict[str, dict[str, Any]]:
        self.samples.append(("end", sample(self.inodes or lab_namespaces(self.lab_name))))
        out = {}
        for (name, a), (_n, b) in zip(self.samples, self.samples[1:], strict=False):
            if name != "between":
                out[name] = stage_figures(a, b)
        out["total"] = stage_figures(self.samples[0][1], self.samples[-1][1])
        return out


def _fmt(now: float | None, before: float | None) -> str:
    if now is None:
        return "-"
    if before is None:
        return f"{now:8.1f}"
    return f"{now:8.1f} ({before:7.1f})"


def print_report(fig: dict[str, Any], prev: dict[str, Any] | None) -> None:
    pst = (prev or {}).get("stages", {})
    cols = ("wall", "controller_cpu", "spawned_cpu", "device_cpu", "waiting")
    print(f"\nper stage, seconds: now (previous run{' ' + prev['when'] if prev else ': none'})")
    print(f"{'stage':8} " + " ".join(f"{c:>18}" for c in cols))
    for stage, row in fig["stages"].items():
        p = pst.get(stage, {})
        print(f"{stage:8} " + " ".join(f"{_fmt(row[c], p.get(c)):>18}" for c in cols))
    for stage in ("lab", "deploy", "verify"):
        row = fig["stages"].get(stage)
        if row:
            top = ", ".join(f"{k} {v:.1f}" for k, v in list(row["by_comm"].items())[:8])
            print(f"device CPU in {stage} by process: {top}")
    devs = fig["devices"]
    if devs:
        secs = sorted(d["seconds"] for d in devs)
        pdev = {d["device"]: d for d in (prev or {}).get("devices", [])}
        print(f"\nper device (deploy): {len(devs)} devices, seconds median {secs[len(secs) // 2]:.1f}, "
              f"max {secs[-1]:.1f}, sum {sum(secs):.1f}; device CPU sum "
              f"{sum(d['device_cpu'] for d in devs):.1f} s")  # fmt: skip
        print(f"{'device':22} {'status':10} {'stage':>5} {'seconds':>18} {'device CPU':>18}")
        for d in sorted(devs, key=lambda d: -d["seconds"])[:12]:
            p = pdev.get(d["device"], {})
            print(f"{d['device']:22} {d['status']:10} {d['stage']:5d} {_fmt(d['seconds'], p.get('seconds')):>18} "
                  f"{_fmt(d['device_cpu'], p.get('device_cpu')):>18}")  # fmt: skip
    print(f"\nverify: {fig['verify']}; load average before/after {fig['load'][0]} / {fig['load'][1]}, "
          f"{fig['cpus']} CPUs")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--town", action="append", help="a town (repeatable; default mwingi)")
    ap.add_argument("--all", action="store_true", help="every shipped device (the README's rollout)")
    ap.add_argument("--inventory", default="inventory")
    ap.add_argument("--lab-name", default="speed-prof")
    ap.add_argument("--workers", type=int, default=0, help="devices deployed at once (0: as the CLI, scaled with the machine)")
    ap.add_argument("--keep", action="store_true", help="leave the lab up afterwards")
    ap.add_argument("--label", default="", help="a note stored with the figures (what changed)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("the lab needs root", file=sys.stderr)
        return 2
    from countynet.lab import lab_down

    towns = tuple(args.town or ["mwingi"])
    scope = "all" if args.all else "+".join(towns)
    store = BENCH_DIR / f"rollout_profile-{scope}.json"
    prev = json.loads(store.read_text()) if store.exists() else None
    model = open_model(args.inventory)
    sel = Selection() if args.all else Selection(towns=towns)
    rec = Recorder(args.lab_name, not args.quiet)
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as out:
        job = RolloutJob(selection=sel, target=TargetOptions(target="lab", lab_name=args.lab_name),
                         out=Path(out), workers=args.workers)  # fmt: skip
        try:
            res = rollout(model, job, rec.say, rec.device)
            stages = rec.finish()
        finally:
            if not args.keep:
                lab_down(args.lab_name)
    dev_cpu = stages.get("deploy", {}).get("per_node_cpu", {})
    fig = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "label": args.label,
        "scope": scope,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "load": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "stages": stages,
        "devices": [{"device": r.device, "status": r.status, "stage": r.stage, "seconds": r.seconds,
                     "device_cpu": dev_cpu.get(r.device, 0.0)} for r in rec.devices],
        "verify": f"{len(res.verify.checks)} checks, {len(res.verify.failed)} failing, "
        f"{res.verify.attempts} attempts; deploy {res.deploy.counts()}; ok={res.ok}",
    }
    print_report(fig, prev)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if prev:
        (BENCH_DIR / f"rollout_profile-{scope}.prev.json").write_text(json.dumps(prev, indent=1))
    store.write_text(json.dumps(fig, indent=1))
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())
