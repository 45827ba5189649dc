"""Bring a lab up from a LabSpec: record every object in the state file before creating it, build
all namespaces and links with a few `ip -batch` runs, then start the FRR nodes in parallel."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

import yaml

from countynet.errors import CountynetError
from countynet.lab import netplan, node, share
from countynet.lab.manager import Lab, _run, require_lab_host
from countynet.lab.spec import LAB_PLATFORM, HostNode, LabSpec, PopNode, RouterNode
from countynet.lab.state import LabState, lab_dirs, lab_tag, netns_inode, netns_name, state_root
from countynet.lab.teardown import teardown_dir


def _host_networks() -> list[IPv4Network]:
    r = subprocess.run(["ip", "-j", "-4", "addr", "show"], capture_output=True, text=True, check=True)
    nets = []
    for link in json.loads(r.stdout or "[]"):
        for a in link.get("addr_info", []):
            nets.append(IPv4Interface(f"{a['local']}/{a['prefixlen']}").network)
    return nets


def _preflight(spec: LabSpec) -> None:
    spec.validate()
    require_lab_host()
    if (state_root() / spec.name).exists():
        raise CountynetError(f"lab {spec.name!r} already exists", f"run `countynet lab down --name {spec.name}`")
    tag = lab_tag(spec.name)
    for d in lab_dirs():
        st = LabState.load(d)
        if st and st.data.get("tag") == tag:
            raise CountynetError(f"lab {spec.name!r} clashes with lab {st.name!r} (same link prefix)", "rename it")
    host = _host_networks()
    for g in spec.mgmt_gateways:
        if any(g.network.overlaps(n) for n in host):
            raise CountynetError(
                f"lab management subnet {g.network} overlaps an address already on this host",
                "take the other lab down or choose another management subnet",
            )


# The kernel's ARP table is shared by all namespaces: a town-sized lab (hundreds of namespaces,
# each with OSPF neighbours, sector bridges and LAN hosts) overflows the default gc_thresh3 of
# 1024 and ARP starts failing ("No route to host" on management). Raise, never lower.
NEIGH_THRESHOLDS = {"gc_thresh1": 4096, "gc_thresh2": 16384, "gc_thresh3": 32768}


def _raise_neighbour_limits() -> None:
    for key, wanted in NEIGH_THRESHOLDS.items():
        path = Path(f"/proc/sys/net/ipv4/neigh/default/{key}")
        try:
            if int(path.read_text()) < wanted:
                path.write_text(str(wanted))
        except (OSError, ValueError):
            continue


def _node_record(spec: LabSpec, n: RouterNode | PopNode | HostNode) -> dict[str, Any]:
    rec: dict[str, Any] = {"netns": netns_name(spec.name, n.name)}
    if isinstance(n, RouterNode):
        rec |= {"kind": "router", "mgmt": str(n.mgmt), "stand_in_for": n.stand_in_for, "daemons": list(n.daemons)}
    elif isinstance(n, PopNode):
        rec |= {"kind": "pop", "asn": n.asn}
    else:
        rec |= {"kind": "host"}
    return rec


def lab_up(
    spec: LabSpec,
    state_dir: Path | None = None,
    parallel: int = 4,
    progress: bool = True,
    persistent: bool = True,
    shared_memory: bool | None = None,
) -> Lab:
    """Build the lab. persistent=False ties it to this process: cleanup_stale() removes it once we are gone.
    shared_memory: merge identical pages of the nodes' processes (countynet.lab.share); None: when
    the lab is big enough to need it."""
    _preflight(spec)
    _raise_neighbour_limits()
    n_frr = sum(1 for n in spec.nodes if isinstance(n, RouterNode | PopNode))
    shared_memory = (share.needed(n_frr) if shared_memory is None else shared_memory) and share.enable()
    root_link = state_root() / spec.name
    lab_dir = Path(state_dir) if state_dir else root_link
    st = LabState.create(lab_dir, spec.name, persistent)
    if lab_dir.resolve() != root_link.resolve():
        root_link.parent.mkdir(parents=True, exist_ok=True)
        root_link.symlink_to(lab_dir.resolve())
    np_ = netplan.plan(spec)
    # Record everything before anything exists.
    st.update(
        netns=np_.netns,
        root_links=np_.root_links,
        nodes={n.name: _node_record(spec, n) for n in spec.nodes},
        mgmt_gateways=[str(g) for g in spec.mgmt_gateways],
        shared_memory=shared_memory,
    )
    lab = Lab(st)
    frr_nodes = [n for n in spec.nodes if isinstance(n, RouterNode | PopNode)]
    steps = 5 + len(frr_nodes)
    t0, timings = time.monotonic(), {}
    try:
        with _Progress(progress, steps, f"lab {spec.name}") as bar, ThreadPoolExecutor(max(1, parallel)) as pool:
            _network(lab, st, np_, pool, bar)
            timings["network_s"] = round(time.monotonic() - t0, 2)
            _start_nodes(lab, st, spec, frr_nodes, pool, bar, shared_memory, timings)
            _write_access_files(lab, spec)
            bar.step("inventory")
    except BaseException as exc:
        with contextlib.suppress(Exception):
            teardown_dir(root_link if root_link.exists() else lab_dir)
        if isinstance(exc, node.NodeStartError):
            raise CountynetError(f"lab {spec.name}: {exc}") from exc
        raise
    timings["total_s"] = round(time.monotonic() - t0, 2)
    st.update(status="up", timings=timings)
    return lab


def _network(lab: Lab, st: LabState, np_: netplan.NetPlan, pool: ThreadPoolExecutor, bar: _Progress) -> None:
    """Namespaces, the management bridge, links, addresses, shaping and loss rules: a few batches."""
    _run(["ip", "-batch", "-"], "\n".join(np_.root_batch) + "\n", "creating namespaces and mgmt bridge")
    st.update(netns_inodes={ns: netns_inode(ns) for ns in np_.netns})
    bar.step("namespaces")
    _each(pool, np_.create, lambda ns, lines: _run(["ip", "-n", ns, "-batch", "-"], "\n".join(lines) + "\n",
                                                  f"creating links in {ns}"))  # fmt: skip
    bar.step("links")
    _each(pool, np_.configure, lambda ns, lines: _run(["ip", "-n", ns, "-batch", "-"], "\n".join(lines) + "\n",
                                                     f"configuring {ns}"))  # fmt: skip
    _each(pool, np_.tc, lambda ns, lines: _run(["tc", "-n", ns, "-batch", "-"], "\n".join(lines) + "\n",
                                              f"shaping in {ns}"))  # fmt: skip
    _each(pool, np_.nft, lambda ns, rules: _run(["ip", "netns", "exec", ns, "nft", "-f", "-"],
                                               netplan.nft_script(rules), f"loss rules in {ns}"))  # fmt: skip
    bar.step("addresses and shaping")


def _start_nodes(lab: Lab, st: LabState, spec: LabSpec, frr_nodes: list[RouterNode | PopNode],
                 pool: ThreadPoolExecutor, bar: _Progress, shared: bool, timings: dict[str, float]) -> None:  # fmt: skip
    """Per FRR node: its files and host key, then holder, daemons, sshd (and a PoP's listeners)."""
    (lab.dir / "ssh").mkdir(mode=0o700, exist_ok=True)
    if not lab.key_file.exists():
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"countynet-lab-{spec.name}",
              "-f", str(lab.key_file)], what="ssh-keygen")  # fmt: skip
    pubkey = lab.key_file.with_suffix(".pub").read_text()

    def prep(n: RouterNode | PopNode) -> None:
        d = lab.node_dir(n.name)
        d.mkdir(parents=True, exist_ok=True)
        node.prepare_dir(d, n, pubkey)
        if isinstance(n, RouterNode):
            node.make_host_key(d)

    t0 = time.monotonic()
    list(pool.map(prep, frr_nodes))
    bar.step("node files")
    timings["node_files_s"] = round(time.monotonic() - t0, 2)
    t0 = time.monotonic()

    spent: dict[str, list[float]] = {"holders": [], "daemons": []}  # per node, summed over threads

    def start(n: RouterNode | PopNode) -> None:
        d = lab.node_dir(n.name)
        began = time.monotonic()
        pid = node.start_holder(st, d, n.name, shared=shared)
        held = time.monotonic()
        node.start_daemons(d, n.name, pid, shared)
        spent["holders"].append(held - began)
        spent["daemons"].append(time.monotonic() - held)
        if isinstance(n, PopNode) and n.services:
            st.set_node(n.name, listener_pid=node.start_listener(d, n, pid))
        bar.step(n.name)

    try:
        for fut in [pool.submit(start, n) for n in frr_nodes]:
            fut.result()
    finally:
        st.flush()
    timings["processes_s"] = round(time.monotonic() - t0, 2)
    timings |= {f"{k}_thread_s": round(sum(v), 2) for k, v in spent.items()}


def _each(pool: ThreadPoolExecutor, work: dict[str, Any], fn: Callable[[str, Any], None]) -> None:
    for fut in [pool.submit(fn, k, v) for k, v in work.items()]:
        fut.result()


def _write_access_files(lab: Lab, spec: LabSpec) -> None:
    """known_hosts and the lab inventory (what Nornir/NAPALM/Ansible need to reach every router)."""
    lines = [f"{r.mgmt.ip} {node.host_key_line(lab.node_dir(r.name))}" for r in spec.routers]
    lab.known_hosts.write_text("\n".join(lines) + ("\n" if lines else ""))
    hosts = {}
    for r in spec.routers:
        hosts[r.name] = {
            "hostname": str(r.mgmt.ip),
            "port": 22,
            "username": "root",
            "platform": LAB_PLATFORM,
            "key_file": str(lab.key_file),
            "known_hosts": str(lab.known_hosts),
            "stand_in_for": r.stand_in_for,
            "netns": netns_name(spec.name, r.name),
        }
    doc = {
        "lab": spec.name,
        "key_file": str(lab.key_file),
        "known_hosts": str(lab.known_hosts),
        "hosts": hosts,
    }
    lab.inventory_file.write_text(yaml.safe_dump(doc, sort_keys=True))


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, enabled: bool, total: int, title: str) -> None:
        self.enabled = enabled
        self.total = total
        self.title = title
        self._p: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._p = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._p.start()
            self._task = self._p.add_task(self.title, total=self.total)
        return self

    def step(self, what: str) -> None:
        if self._p is not None:
            self._p.update(self._task, advance=1, description=f"{self.title}: {what}")

    def __exit__(self, *exc: object) -> None:
        if self._p is not None:
            self._p.stop()


