"""A running lab: run commands inside its nodes, read its status, take it down again (bring-up is
in countynet.lab.build)."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Interface
from pathlib import Path
from typing import Any, NamedTuple

from countynet.errors import CountynetError
from countynet.lab import node
from countynet.lab.spec import ROUTER_DAEMONS
from countynet.lab.state import (
    LabState,
    lab_dirs,
    netns_inode,
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
        return node.nsenter_argv(self._holder_pid(name), list(argv))

    def _holder_pid(self, name: str) -> int:
        """The PID holding a router's namespaces, checked to still hold them."""
        info = self._node(name)
        pid = info.get("holder_pid")
        ino = netns_inode(info["netns"])
        try:
            ok = pid is not None and ino is not None and os.stat(f"/proc/{pid}/ns/net").st_ino == ino
        except OSError:
            ok = False
        if not ok:
            raise CountynetError(f"lab {self.name}: node {name} is not running", "bring the lab up again")
        assert pid is not None
        return int(pid)

    def netns_file(self, name: str) -> str:
        """The node's network namespace as a file to setns() into (for in-process probes)."""
        info = self._node(name)
        if info["kind"] == "host":
            return f"/run/netns/{info['netns']}"
        return f"/proc/{self._holder_pid(name)}/ns/net"

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
            daemons = info.get("daemons") or (ROUTER_DAEMONS if info["kind"] == "router" else node.POP_DAEMONS)
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
