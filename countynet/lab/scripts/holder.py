"""Node holder: set up a private mount+UTS namespace like a real box, then sleep to keep it alive.

Started as `ip netns exec NS unshare --mount --uts --propagation private python3 -I -S holder.py DIR HOST FWD`.
Later commands join it with `nsenter -t PID -m -u -n`. Prints `ready` on stdout once set up.
"""

import ctypes
import os
import socket
import sys

MS_BIND = 4096
MNT_DETACH = 2
INNER = "/run/countynet-node"
libc = ctypes.CDLL(None, use_errno=True)


def mount(src: str, dst: str, fstype: str | None = None, flags: int = 0, data: str | None = None) -> None:
    rc = libc.mount(
        src.encode(), dst.encode(), fstype.encode() if fstype else None, flags, data.encode() if data else None
    )
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {src} on {dst}: {os.strerror(err)}")


def main() -> None:
    node_dir, hostname, forward = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    # Resolve before the bind mounts: they may hide this Python's own library (e.g. under /root).
    sleep = next(p for p in ("/usr/bin/sleep", "/bin/sleep") if os.path.exists(p))
    # The node dir may live under /run, which the tmpfs below hides: keep a handle to it first.
    fd = os.open(node_dir, os.O_RDONLY | os.O_DIRECTORY)
    # Drop this namespace's copy of every lab's /run/netns/* mount (hidden by the tmpfs below
    # anyway): kept, the k-th node would hold k of them, n^2/2 kernel mounts in an n-node lab.
    libc.umount2(b"/run/netns", MNT_DETACH)
    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755")
    os.makedirs(INNER)
    mount(f"/proc/self/fd/{fd}", INNER, None, MS_BIND)
    os.close(fd)
    os.makedirs("/run/frr")
    os.makedirs("/run/sshd", mode=0o755)
    for inner, target in (
        ("etc/frr", "/etc/frr"),
        ("run/frr", "/run/frr"),
        ("log/frr", "/var/log/frr"),
        ("root", "/root"),
        ("tmp", "/tmp"),
    ):
        os.makedirs(target, exist_ok=True)
        mount(f"{INNER}/{inner}", target, None, MS_BIND)
    socket.sethostname(hostname)
    if forward:
        # ipv6 too: FRR then shows no `no ipv6 forwarding` line that frr-reload would fight.
        for key in ("net/ipv4/ip_forward", "net/ipv4/conf/all/forwarding", "net/ipv6/conf/all/forwarding"):
            if os.path.exists(f"/proc/sys/{key}"):
                with open(f"/proc/sys/{key}", "w") as f:
                    f.write("1\n")
    os.chdir("/root")
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    null = os.open("/dev/null", os.O_RDWR)
    for i in (0, 1, 2):
        os.dup2(null, i)
    os.execv(sleep, [sleep, "infinity"])


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:
        sys.stdout.write(f"error: {exc}\n")
        sys.exit(1)
