"""One FRR node: its private folders, FRR/sshd files, the holder process and the daemons.

Inside the node (private mount+UTS namespace) the node's own folders appear at /etc/frr, /run/frr,
/var/log/frr, /root and /tmp, and the whole node folder at /run/countynet-node, so vtysh,
`vtysh -b`, frr-reload.py and hostname behave as on a real box.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from countynet.lab import share
from countynet.lab.spec import PopNode, RouterNode
from countynet.lab.state import NODE_INNER_DIR, LabState, netns_name
from countynet.resources import resource_path

SCRIPTS = resource_path("countynet.lab.scripts", "")
FRR_BIN = Path("/usr/lib/frr")
POP_DAEMONS = ("zebra", "staticd", "bgpd")


class NodeStartError(RuntimeError):
    pass


def frr_ids() -> tuple[int, int]:
    pw = pwd.getpwnam("frr")
    return pw.pw_uid, pw.pw_gid


def minimal_frr_conf(hostname: str) -> str:
    return f"frr defaults traditional\nhostname {hostname}\nservice integrated-vtysh-config\n!\nend\n"


def pop_frr_conf(pop: PopNode) -> str:
    """eBGP towards the given neighbours (3/9 timers), announcing the service prefixes."""
    router_id = next(iter(pop.interfaces.values())).ip if pop.interfaces else "10.255.255.1"
    lines = ["frr defaults traditional", f"hostname {pop.name}", "service integrated-vtysh-config", "!"]
    lines += [f"ip route {net} blackhole" for net in pop.announce]
    lines += ["!", f"router bgp {pop.asn}", f" bgp router-id {router_id}", " no bgp ebgp-requires-policy"]
    lines += [" timers bgp 3 9"]
    for ip, asn in pop.bgp_neighbors:
        lines.append(f" neighbor {ip} remote-as {asn}")
        lines.append(f" neighbor {ip} timers connect 3")
    lines.append(" address-family ipv4 unicast")
    lines += [f"  network {net}" for net in pop.announce]
    lines += [" exit-address-family", "exit", "!", "end"]
    return "\n".join(lines) + "\n"


def sshd_config(mgmt_ip: str) -> str:
    d = f"{NODE_INNER_DIR}/ssh"
    return f"""Port 22
ListenAddress {mgmt_ip}
HostKey {d}/ssh_host_ed25519_key
PidFile {d}/sshd.pid
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile /root/.ssh/authorized_keys
StrictModes yes
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 200:30:400
MaxSessions 64
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
"""


def prepare_dir(node_dir: Path, node: RouterNode | PopNode, public_key: str | None) -> None:
    """Write the node's folders and files (host side, before any process starts)."""
    uid, gid = frr_ids()
    for sub, mode, owner in (
        ("etc/frr", 0o775, (uid, gid)),
        ("run/frr", 0o755, (uid, gid)),
        ("log/frr", 0o755, (uid, gid)),
        ("root/.ssh", 0o700, (0, 0)),
        ("tmp", 0o1777, (0, 0)),
        ("ssh", 0o700, (0, 0)),
    ):
        p = node_dir / sub
        p.mkdir(parents=True, exist_ok=True)
        os.chown(p, *owner)
        os.chmod(p, mode)
    os.chmod(node_dir / "root", 0o700)
    etc = node_dir / "etc/frr"
    conf = pop_frr_conf(node) if isinstance(node, PopNode) else minimal_frr_conf(node.name)
    daemons = POP_DAEMONS if isinstance(node, PopNode) else node.daemons
    files = {
        "frr.conf": conf,
        "vtysh.conf": "service integrated-vtysh-config\n",
        "daemons": "".join(f"{d}=yes\n" for d in daemons) + "vtysh_enable=yes\n",
    }
    for fname, text in files.items():
        (etc / fname).write_text(text)
        os.chown(etc / fname, uid, gid)
        os.chmod(etc / fname, 0o640)
    start = ["#!/bin/sh", "set -e"]
    start += [f"{FRR_BIN}/{d} -d -F traditional -P 0" for d in daemons]
    if isinstance(node, PopNode):
        # A router's frr.conf holds only what the daemons already have (the profile given by -F and
        # the hostname, the node's own): applying it would cost a vtysh start-up (~90 ms) per router.
        start.append("vtysh -b >/run/countynet-node/vtysh-boot.log 2>&1 || true")
    if isinstance(node, RouterNode):
        if public_key is None:
            raise ValueError("router needs the lab public key")
        ak = node_dir / "root/.ssh/authorized_keys"
        ak.write_text(public_key)
        os.chmod(ak, 0o600)
        (node_dir / "ssh/sshd_config").write_text(sshd_config(str(node.mgmt.ip)))
        start.append(f"/usr/sbin/sshd -f {NODE_INNER_DIR}/ssh/sshd_config -E {NODE_INNER_DIR}/ssh/sshd.log")
    (node_dir / "start.sh").write_text("\n".join(start) + "\n")


def make_host_key(node_dir: Path) -> None:
    """The node's sshd host key, in OpenSSH format as ssh-keygen writes it (made here: no process)."""
    key = node_dir / "ssh/ssh_host_ed25519_key"
    if key.exists():
        return
    priv = Ed25519PrivateKey.generate()
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(priv.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.OpenSSH, ser.NoEncryption()))
    pub = priv.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH).decode()
    key.with_suffix(".pub").write_text(f"{pub} {node_dir.name}\n")


def host_key_line(node_dir: Path) -> str:
    """`type base64` of the node's host key, for known_hosts."""
    parts = (node_dir / "ssh/ssh_host_ed25519_key.pub").read_text().split()
    return f"{parts[0]} {parts[1]}"


def nsenter_argv(holder_pid: int, argv: list[str], net_only: bool = False) -> list[str]:
    if net_only:
        return ["nsenter", "-t", str(holder_pid), "-n", "--", *argv]
    return ["nsenter", "-t", str(holder_pid), "-m", "-u", "-n", "-w", "--", *argv]


def start_holder(state: LabState, node_dir: Path, name: str, forward: bool = True, shared: bool = False) -> int:
    """Start the namespace holder, record its PID, wait until it has set up the mounts."""
    ns = netns_name(state.name, name)
    log = open(node_dir / "holder.log", "w")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [
            "ip", "netns", "exec", ns, "unshare", "--mount", "--uts", "--propagation", "private",
            sys.executable, "-I", "-S", str(SCRIPTS / "holder.py"), str(node_dir), name, "1" if forward else "0",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
        text=True,
        preexec_fn=share.mergeable_child if shared else None,
    )  # fmt: skip
    log.close()
    (node_dir / "holder.pid").write_text(f"{proc.pid}\n")
    state.set_node(name, lazy=True, holder_pid=proc.pid)  # teardown also reads holder.pid
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    proc.stdout.close()
    if line != "ready":
        proc.wait(timeout=5)
        err = (node_dir / "holder.log").read_text().strip()
        raise NodeStartError(f"{name}: namespace holder failed: {line} {err}".strip())
    return proc.pid


def start_daemons(node_dir: Path, name: str, holder_pid: int, shared: bool = False) -> None:
    """Run the node's start.sh (FRR daemons, `vtysh -b`, sshd); shared: their memory is mergeable."""
    r = subprocess.run(
        nsenter_argv(holder_pid, ["/bin/sh", f"{NODE_INNER_DIR}/start.sh"]),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=share.mergeable_child if shared else None,
    )
    if r.returncode != 0:
        raise NodeStartError(f"{name}: daemon start failed (rc {r.returncode}): {r.stderr.strip()[-500:]}")


def start_listener(node_dir: Path, pop: PopNode, holder_pid: int) -> int:
    endpoints = [f"{addr}:{port}" for addr, ports in pop.services for port in ports]
    log = open(node_dir / "listener.log", "w")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        # Network namespace only: the node's bind mounts may hide this Python's library.
        nsenter_argv(holder_pid, [sys.executable, "-I", str(SCRIPTS / "listener.py"), pop.name, *endpoints], True),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
        text=True,
    )
    log.close()
    (node_dir / "listener.pid").write_text(f"{proc.pid}\n")
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    proc.stdout.close()
    if line != "ready":
        raise NodeStartError(f"{pop.name}: service listener failed: {(node_dir / 'listener.log').read_text()}")
    return proc.pid
