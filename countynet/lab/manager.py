"""Bring a lab up from a LabSpec, run commands inside its nodes, take it down again.

`lab_up` records every object in the state file before creating it, builds all namespaces and links
with a few `ip -batch` runs, then starts the FRR nodes in parallel (holder, daemons, sshd).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from countynet.errors import CountynetError
from countynet.lab import netplan, node
from countynet.lab.spec import HostNode, LabSpec, PopNode, RouterNode
from countynet.lab.state import (
    LabState,
    lab_dirs,
    lab_tag,
    netns_inode,
    netns_name,
    pid_alive,
    state_root,
)
from countynet.lab.teardown import remove_orphans, teardown_dir

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    """Short-lived helpers die with `lab up`, so a SIGKILLed run leaves nothing still being created."""
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _run(argv: Sequence[str], stdin: str | None = None, what: str = "") -> None:
    r = subprocess.run(
        list(argv), input=stdin, text=True, capture_output=True, preexec_fn=_die_with_parent, timeout=300
    )
    if r.returncode != 0:
        raise CountynetError(f"lab: {what or argv[0]} failed: {(r.stderr or r.stdout).strip()[-400:]}")


class SshTarget(NamedTuple):
    host: str
    port: int
    user: str
    key_file: str


def unavailable_reason() -> str | None:
    """Why no lab can run on this host (for test skips), or None."""
    try:
        require_lab_host()
    except CountynetError as exc:
        return str(exc)
    return None


def require_lab_host() -> None:
    """The lab needs root and FRR; say so plainly instead of failing half-way."""
    if os.geteuid() != 0:
        raise CountynetError("the virtual lab needs root (network namespaces)", "run as root")
    for tool in ("/usr/lib/frr/zebra", "/usr/lib/frr/bgpd", "/usr/lib/frr/ospfd", "/usr/lib/frr/staticd"):
        if not Path(tool).exists():
            raise CountynetError(f"the virtual lab needs FRR: {tool} is missing", "apt-get install frr")
    for tool in ("vtysh", "sshd", "nsenter", "unshare", "nft", "tc", "ssh-keygen"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise CountynetError(f"the virtual lab needs `{tool}`", "install it")


class Lab:
    """A running (or half-built) lab, loaded from its state file."""

    def __init__(self, state: LabState) -> None:
        self.state = state
        self.name = state.name
        self.dir = state.dir.resolve()

    @classmethod
    def find(cls, name: str | None = None, inventory_file: str | Path | None = None) -> Lab | None:
        """The lab named `name`, or the one that wrote `inventory_file`; None when neither is given."""
        if name:
            return cls.load(name)
        if inventory_file:
            st = LabState.load(Path(inventory_file).resolve().parent)
            if st is None:
                raise CountynetError(f"no lab at {inventory_file}", "bring it up with `countynet lab up`")
            return cls(st)
        return None

    @classmethod
    def load(cls, name: str) -> Lab:
        st = LabState.load(state_root() / name)
        if st is None:
            raise CountynetError(f"no lab named {name!r}", "see `countynet lab list`")
        return cls(st)

    # -- paths ------------------------------------------------------------------
    @property
    def key_file(self) -> Path:
        return self.dir / "ssh/id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.dir / "ssh/known_hosts"

    @property
    def inventory_file(self) -> Path:
        return self.dir / "inventory.yaml"

    @property
    def nodes(self) -> dict[str, dict[str, Any]]:
        return dict(self.state.data["nodes"])

    @property
    def routers(self) -> list[str]:
        return [n for n, d in self.nodes.items() if d["kind"] == "router"]

    def node_dir(self, name: str) -> Path:
        return self.dir / "nodes" / name

    def netns(self, name: str) -> str:
        return str(self._node(name)["netns"])

    def _node(self, name: str) -> dict[str, Any]:
        try:
            return self.state.data["nodes"][name]
        except KeyError:
            raise CountynetError(f"lab {self.name} has no node {name!r}") from None

    # -- running things inside a node --------------------------------------------
    def argv(self, name: str, argv: Sequence[str]) -> list[str]:
        """The host command that runs `argv` inside the node (its net, mount and UTS namespaces)."""
        info = self._node(name)
        if info["kind"] == "host":
            return ["ip", "netns", "exec", info["netns"], *argv]
        pid = info.get("holder_pid")
        ino = netns_inode(info["netns"])
        try:
            ok = pid is not None and ino is not None and os.stat(f"/proc/{pid}/ns/net").st_ino == ino
        except OSError:
            ok = False
        if not ok:
            raise CountynetError(f"lab {self.name}: node {name} is not running", "bring the lab up again")
        assert pid is not None
        return node.nsenter_argv(int(pid), list(argv))

    def exec(
        self, name: str, argv: Sequence[str], *, input: str | None = None, timeout: float = 60.0, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run a command inside a node from the host, like on its console."""
        return subprocess.run(
            self.argv(name, argv),
            input=input,
            text=True,
            capture_output=True,
            timeout=timeout,
            check=check,
            env={**os.environ, "HOME": "/root"},
        )

    def popen(self, name: str, argv: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
        """Start a long-running command inside a node (e.g. an iperf3 server)."""
        return subprocess.Popen(self.argv(name, argv), **kwargs)

    def vtysh(self, name: str, *commands: str) -> str:
        argv = ["vtysh"]
        for c in commands:
            argv += ["-c", c]
        r = self.exec(name, argv)
        if r.returncode != 0:
            raise CountynetError(f"{name}: vtysh failed: {(r.stderr or r.stdout).strip()}")
        return r.stdout

    def ssh_target(self, name: str) -> SshTarget:
        """Where to SSH to reach a router: (mgmt IP, 22, 'root', lab private key)."""
        info = self._node(name)
        if info["kind"] != "router":
            raise CountynetError(f"lab node {name} is a {info['kind']}, not reachable over SSH")
        return SshTarget(str(IPv4Interface(info["mgmt"]).ip), 22, "root", str(self.key_file))

    def status(self) -> dict[str, Any]:
        return lab_status(self.name)

    def down(self) -> dict[str, int]:
        return lab_down(self.name)

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()


# -- bring-up --------------------------------------------------------------------
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
        rec |= {"kind": "router", "mgmt": str(n.mgmt), "stand_in_for": n.stand_in_for}
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
) -> Lab:
    """Build the lab. persistent=False ties it to this process: cleanup_stale() removes it once we are gone."""
    _preflight(spec)
    _raise_neighbour_limits()
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
    )
    lab = Lab(st)
    frr_nodes = [n for n in spec.nodes if isinstance(n, RouterNode | PopNode)]
    steps = 5 + len(frr_nodes)
    try:
        with _Progress(progress, steps, f"lab {spec.name}") as bar, ThreadPoolExecutor(max(1, parallel)) as pool:
            (lab.dir / "ssh").mkdir(mode=0o700, exist_ok=True)
            if not lab.key_file.exists():
                _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"countynet-lab-{spec.name}",
                      "-f", str(lab.key_file)], what="ssh-keygen")  # fmt: skip
            pubkey = lab.key_file.with_suffix(".pub").read_text()
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

            def prep(n: RouterNode | PopNode) -> None:
                d = lab.node_dir(n.name)
                d.mkdir(parents=True, exist_ok=True)
                node.prepare_dir(d, n, pubkey)
                if isinstance(n, RouterNode):
                    node.make_host_key(d)

            list(pool.map(prep, frr_nodes))
            bar.step("node files")

            def start(n: RouterNode | PopNode) -> None:
                d = lab.node_dir(n.name)
                pid = node.start_holder(st, d, n.name)
                node.start_daemons(d, n.name, pid)
                if isinstance(n, PopNode) and n.services:
                    st.set_node(n.name, listener_pid=node.start_listener(d, n, pid))
                bar.step(n.name)

            for fut in [pool.submit(start, n) for n in frr_nodes]:
                fut.result()
            _write_access_files(lab, spec)
            bar.step("inventory")
    except BaseException as exc:
        with contextlib.suppress(Exception):
            teardown_dir(root_link if root_link.exists() else lab_dir)
        if isinstance(exc, node.NodeStartError):
            raise CountynetError(f"lab {spec.name}: {exc}") from exc
        raise
    st.update(status="up")
    return lab


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
            "platform": "frr",
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


# -- down, status, list, cleanup ------------------------------------------------------
def lab_down(name: str) -> dict[str, int]:
    """Remove the lab named `name` (processes, namespaces, links, state). Idempotent."""
    d = state_root() / name
    if not d.exists() and not d.is_symlink():
        return {"processes": 0, "netns": 0, "links": 0}
    return teardown_dir(d)


def _alive_pidfile(path: Path) -> bool:
    try:
        return pid_alive(int(path.read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return False


def lab_status(name: str) -> dict[str, Any]:
    """Per node: kind, namespace, mgmt address, stand-in platform, which processes run."""
    lab = Lab.load(name)
    nodes = []
    for n, info in sorted(lab.nodes.items()):
        d = lab.node_dir(n)
        row: dict[str, Any] = {
            "name": n,
            "kind": info["kind"],
            "netns": info["netns"],
            "netns_present": netns_inode(info["netns"]) is not None,
            "mgmt": info.get("mgmt"),
            "stand_in_for": info.get("stand_in_for"),
        }
        if info["kind"] != "host":
            daemons = node.ROUTER_DAEMONS if info["kind"] == "router" else node.POP_DAEMONS
            row["holder"] = pid_alive(int(info["holder_pid"])) if info.get("holder_pid") else False
            row["daemons"] = {dm: _alive_pidfile(d / f"run/frr/{dm}.pid") for dm in daemons}
        if info["kind"] == "router":
            row["sshd"] = _alive_pidfile(d / "ssh/sshd.pid")
        if info["kind"] == "pop":
            row["listener"] = _alive_pidfile(d / "listener.pid")
        nodes.append(row)
    data = lab.state.data
    return {
        "name": name,
        "status": data.get("status"),
        "dir": str(lab.dir),
        "persistent": data.get("persistent"),
        "owner_pid": data.get("owner_pid"),
        "inventory": str(lab.inventory_file),
        "known_hosts": str(lab.known_hosts),
        "key_file": str(lab.key_file),
        "nodes": nodes,
    }


def list_labs() -> list[dict[str, Any]]:
    out = []
    for d in lab_dirs():
        st = LabState.load(d)
        if st is None:
            continue
        out.append(
            {
                "name": st.name,
                "status": st.data.get("status"),
                "nodes": len(st.data.get("nodes", {})),
                "persistent": st.data.get("persistent"),
                "owner_alive": pid_alive(int(st.data.get("owner_pid", 0) or 0)),
                "dir": str(d.resolve()),
            }
        )
    return out


def _is_stale(st: LabState) -> bool:
    """A lab whose builder is gone and that was never finished, or was bound to its (dead) owner."""
    owner_alive = pid_alive(int(st.data.get("owner_pid", 0) or 0))
    if owner_alive:
        return False
    return st.data.get("status") != "up" or not st.data.get("persistent", True)


def cleanup_stale(all_labs: bool = False, names: Iterable[str] = ()) -> dict[str, Any]:
    """Remove stale labs (or every lab with all_labs=True), plus prefixed objects no lab claims."""
    wanted = set(names)
    removed = []
    for d in lab_dirs():
        st = LabState.load(d)
        if st is None:
            continue
        if all_labs or st.name in wanted or _is_stale(st):
            teardown_dir(d)
            removed.append(st.name)
    orphans = remove_orphans()
    return {"labs": removed, **orphans}
