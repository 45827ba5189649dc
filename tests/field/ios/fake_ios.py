"""A recorded IOS-XE 17 hub behind a fake paramiko SSH client: the lowest layer netmiko touches.

netmiko builds its SSH session with `paramiko.SSHClient().connect()` and `invoke_shell()` and then
only writes to and reads from that channel (`sendall`, `recv_ready`, `recv`). This module replaces
the client (BaseConnection._get_ssh_client_instance) with one whose shell is an IOS-XE CLI that
keeps device state: running config, files on bootflash:, the config archive, a pending
configure-replace revert timer. Everything above it, netmiko's prompt handling, its TCL inline
transfer, and napalm ios's load/compare/commit/confirm/rollback, is the real code.

Where each reply's shape comes from is in README.md beside this file.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

INVALID = "                    ^\n% Invalid input detected at '^' marker.\n"
BANNER_DIR_TOTAL = 7194652672
STAMP = "15:40:12 UTC Tue Dec 1 2026"


def config_lines(text: str) -> list[str]:
    """What IOS keeps of a config file: no comment or blank lines, no `end`."""
    return [ln.rstrip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("!") and ln != "end"]


def tree(lines: list[str]) -> list[tuple[str, list[Any]]]:
    """Top-level lines with their indented children, recursively (the shape IOS compares)."""
    out: list[tuple[str, list[Any]]] = []
    stack: list[tuple[int, list[tuple[str, list[Any]]]]] = [(-1, out)]
    for ln in lines:
        depth = len(ln) - len(ln.lstrip(" "))
        while stack[-1][0] >= depth:
            stack.pop()
        node: tuple[str, list[Any]] = (ln.strip(), [])
        stack[-1][1].append(node)
        stack.append((depth, node[1]))
    return out


def contextual_diff(running: list[str], candidate: list[str]) -> str:
    """`show archive config differences` in IOS's contextual form (napalm's test/ios/ios/new_good.diff)."""
    body = list(_diff(tree(running), tree(candidate), 0))
    if not body:
        return "!No changes were found\n"
    return "!Contextual Config Diffs:\n" + "\n".join(body) + "\n"


def _diff(old: list[Any], new: list[Any], depth: int) -> Iterator[str]:
    pad = " " * depth
    old_map, new_map = dict(old), dict(new)
    for text, kids in old:
        if text not in new_map:
            yield from _whole(text, kids, depth, "-")
    for text, kids in new:
        if text not in old_map:
            yield from _whole(text, kids, depth, "+")
            continue
        inner = list(_diff(old_map[text], kids, depth + 1))
        if inner:
            yield pad + text
            yield from inner


def _whole(text: str, kids: list[Any], depth: int, sign: str) -> Iterator[str]:
    yield " " * depth + sign + text
    for t, k in kids:
        yield from _whole(t, k, depth + 1, sign)


@dataclass
class Hub:
    """Device state of one recorded hub."""

    hostname: str
    running: list[str]
    files: dict[str, str] = field(default_factory=dict)  # bootflash: name -> content
    archive: list[list[str]] = field(default_factory=list)  # configs saved by configure replace
    pending: dict[str, str] | None = None  # configure replace revert timer armed, not confirmed
    saved: list[str] = field(default_factory=list)  # startup-config
    reject: str | None = None  # a config line containing this fails to apply (fault injection)
    refuse_logins: bool = False  # management cut: new SSH sessions fail (fault injection)
    cut_management_on_replace: bool = False  # the replaced config cuts management until it is reverted
    commands: list[str] = field(default_factory=list)  # every exec command, in order
    log: list[str] = field(default_factory=list)  # what the device did (replace, confirm, revert...)

    @property
    def archive_enabled(self) -> bool:
        return any(ln.startswith(" path ") for ln in _block(self.running, "archive"))

    def restore_pending(self, why: str) -> None:
        assert self.pending is not None
        self.running = self.archive[-1]
        self.pending = None
        self.refuse_logins = False
        self.log.append(f"reverted ({why})")


def _block(lines: list[str], head: str) -> list[str]:
    out, inside = [], False
    for ln in lines:
        if not ln.startswith(" "):
            inside = ln == head
        elif inside:
            out.append(ln)
    return out


def _file(path: str) -> str:
    """`bootflash:/x`, `bootflash:x` -> `x` (both spellings name the same file)."""
    return path.split(":", 1)[1].lstrip("/")


class Shell:
    """The IOS-XE CLI of one SSH session: exec, config and TCL modes."""

    def __init__(self, hub: Hub, user: str) -> None:
        self.hub, self.user, self.mode = hub, user, "exec"
        self.tcl_buffer: str | None = None

    def prompt(self) -> str:
        suffix = {"exec": "#", "config": "(config)#", "tcl": "(tcl)#"}.get(self.mode, f"({self.mode})#")
        return self.hub.hostname + suffix

    def feed_tcl(self, data: str) -> str:
        """TCL `puts [open "fs:file" w+] {...}`: the braces hold the file (netmiko's InLineTransfer.put_file)."""
        assert self.tcl_buffer is not None
        self.tcl_buffer += data
        m = re.match(r'puts \[open "([^"]+)" w\+\] \{([^}]*)\}\r', self.tcl_buffer, re.S)
        if not m:
            return ""  # the brace is still open: tclsh waits for the rest
        self.tcl_buffer = None
        self.hub.files[_file(m.group(1))] = m.group(2).replace("\r", "\n") + "\n"  # puts adds the newline
        return "\n" + self.prompt()

    def run(self, line: str) -> str:
        """The reply to one command line (without echo and prompt)."""
        cmd = line.strip()
        if self.mode == "tcl" and cmd == "tclquit":
            self.mode = "exec"
            return ""
        if self.mode not in ("exec", "tcl"):  # tclsh hands IOS commands to the exec CLI
            return self.config(cmd)
        if cmd:
            self.hub.commands.append(cmd)
        return self.exec(cmd)

    def config(self, cmd: str) -> str:
        if cmd in ("end", "\x1a"):
            self.mode = "exec"
        elif cmd == "exit":
            self.mode = "exec" if self.mode == "config" else "config"
        elif cmd == "file prompt quiet":
            self.hub.running = [ln for ln in self.hub.running if ln != cmd] + [cmd]
        elif cmd == "no file prompt quiet":
            self.hub.running = [ln for ln in self.hub.running if ln != "file prompt quiet"]
        return ""

    def exec(self, cmd: str) -> str:  # one branch per recorded command
        hub = self.hub
        if cmd in ("", "terminal length 0", "terminal width 511"):
            return ""
        if cmd in ("configure terminal", "config term"):
            self.mode = "config"
            return "Enter configuration commands, one per line.  End with CNTL/Z.\n"
        if cmd == "tclsh":
            self.mode = "tcl"
            return ""
        if cmd == "show running-config":
            return show_running(hub)
        if cmd == "show archive":
            return show_archive(hub)
        if cmd == "show archive config rollback timer":
            return rollback_timer(hub)
        if cmd.startswith("show archive config differences "):
            new = cmd.split()[5]
            if _file(new) not in hub.files:
                return f"%Error opening {new} (No such file or directory)\n"
            return contextual_diff(hub.running, config_lines(hub.files[_file(new)]))
        if cmd.startswith("dir "):
            return dir_listing(hub, cmd.split()[1])
        if cmd.startswith("verify /md5 "):
            path = cmd.split()[2]
            if _file(path) not in hub.files:
                return f"%Error opening {path} (No such file or directory)\n"
            digest = hashlib.md5(hub.files[_file(path)].encode()).hexdigest()
            return f"....Done!\nverify /md5 ({path}) = {digest}\n"
        if cmd.startswith("copy running-config "):
            text = "\n".join(hub.running) + "\nend\n"
            hub.files[_file(cmd.split()[2])] = text
            return f"{len(text)} bytes copied in 0.112 secs ({len(text) * 9} bytes/sec)\n"
        if cmd.startswith("copy null: "):
            hub.files[_file(cmd.split()[2])] = ""
            return "0 bytes copied in 0.012 secs\n"
        if cmd.startswith("configure replace "):
            return configure_replace(hub, cmd, self.user)
        if cmd == "configure confirm":
            if hub.pending is not None:
                hub.pending = None
                hub.log.append("confirmed")
            return ""
        if cmd == "configure revert now":
            if hub.pending is None:
                return "%No Rollback Confirmed Change pending\n"
            hub.restore_pending("configure revert now")
            return "Rollback Done\n"
        if cmd.startswith("show ip route "):  # no NOFBI session in the recording: no service routes
            return "% Network not in table\n" if cmd.count(" ") > 3 else INVALID
        if cmd in ("show vrf", "show ip vrf"):
            return ""
        if cmd.startswith(("show bgp", "show ip bgp")):
            return "% BGP not active\n"
        if cmd in ("write mem", "write memory"):
            hub.saved = list(hub.running)
            return "Building configuration...\n[OK]\n"
        return INVALID


def show_running(hub: Hub) -> str:
    body = []
    for ln in hub.running:
        if not ln.startswith(" "):
            body.append("!")
        body.append(ln)
    text = "\n".join(body)
    return (
        f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n!\n"
        f"! Last configuration change at {STAMP} by netops\n{text}\n!\nend\n"
    )


def show_archive(hub: Hub) -> str:
    if not hub.archive_enabled:
        return "Archive feature not enabled\n"
    path = _block(hub.running, "archive")[0].split()[1]
    rows = "\n".join(f"   {n}        {path}-Dec--1-15-40-{n:02d}.000-{n - 1}" for n in range(1, len(hub.archive) + 1))
    return (
        "The maximum archive configurations allowed is 14.\n"
        f"The next archive file will be named {path}-Dec--1-15-41-00.000-{len(hub.archive)}\n"
        f" Archive #  Name\n{rows}\n"
    )


def rollback_timer(hub: Hub) -> str:
    if hub.pending is None:
        return "%No Rollback Confirmed Change pending\n"
    p = hub.pending
    return f"Time configured(or reset) : *{STAMP}\nTimer type: {p['type']}\nTimer value: {p['minutes']} min\nUser: {p['user']}\n"


def dir_listing(hub: Hub, path: str) -> str:
    total = f"{BANNER_DIR_TOTAL} bytes total (6294917120 bytes free)"
    name = _file(path)
    if not name:
        rows = "\n".join(f"   {20 + i}  -rw-  {len(t):>10}  Dec 1 2026 15:40:12 +00:00  {n}"
                         for i, (n, t) in enumerate(sorted(hub.files.items())))  # fmt: skip
        return f"Directory of {path}/\n\n{rows}\n\n{total}\n"
    if name not in hub.files:
        return f"%Error opening {path} (No such file or directory)\n"
    return f"Directory of {path}\n\n   23  -rw-  {len(hub.files[name]):>10}  Dec 1 2026 15:40:12 +00:00  {name}\n\n{total}\n"


def configure_replace(hub: Hub, cmd: str, user: str) -> str:
    """`configure replace <file> force [revert trigger error] [timer N]`, as napalm ios sends it."""
    words = cmd.split()
    path = words[2]
    if _file(path) not in hub.files:
        return f"%Error opening {path} (No such file or directory)\n"
    if not hub.archive_enabled:
        return "%Please turn config archive on before using Rollback Confirmed Change\n"
    new = config_lines(hub.files[_file(path)])
    failed = [ln for ln in new if hub.reject and hub.reject in ln]
    if failed and "error" in words:
        hub.log.append("replace failed; original restored")
        return (
            "The following lines failed while applying the replace config:\n"
            + "\n".join(failed)
            + "\nReverting with the revert trigger error...\n"
            "The original configuration has been successfully restored.\n"
        )
    hub.archive.append(list(hub.running))
    hub.running = [ln for ln in new if ln not in failed]
    hub.refuse_logins = hub.cut_management_on_replace
    if "timer" in words:
        minutes = words[words.index("timer") + 1]
        hub.pending = {"type": "rollback timer", "minutes": minutes, "user": user}
        hub.log.append(f"replaced, revert timer {minutes} min")
    else:
        hub.log.append("replaced")
    return "Total number of passes: 1\nRollback Done\n\n"


class FakeChannel:
    """The paramiko Channel of an interactive shell: bytes in, IOS's echo, replies and prompts out."""

    def __init__(self, hub: Hub, user: str) -> None:
        self.shell = Shell(hub, user)
        self.out = f"\n{hub.hostname}#"
        self.pending_input = ""
        self.closed = False
        self.transport = self

    # paramiko.Channel
    def settimeout(self, timeout: float | None) -> None:
        return None

    def is_active(self) -> bool:
        return not self.closed

    def sendall(self, data: bytes) -> None:
        text = data.decode()
        sh = self.shell
        if sh.mode == "tcl" and (sh.tcl_buffer is not None or text.startswith("puts [open")):
            sh.tcl_buffer = sh.tcl_buffer or ""
            self.out += sh.feed_tcl(text)
            return
        self.pending_input += text
        while (m := re.search(r"\r\n|\r|\n", self.pending_input)) is not None:
            line, self.pending_input = self.pending_input[: m.start()], self.pending_input[m.end() :]
            if line.strip() == "exit" and sh.mode == "exec":
                self.closed = True
                return
            reply = sh.run(line)
            self.out += f"{line}\n{reply}{sh.prompt()}"

    def recv_ready(self) -> bool:
        return bool(self.out)

    def recv(self, n: int) -> bytes:
        chunk, self.out = self.out[:n], self.out[n:]
        return chunk.encode()

    def close(self) -> None:
        self.closed = True


class FakeSSHClient:
    """paramiko.SSHClient as netmiko uses it: host key policy, connect, invoke_shell, close."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.hub: Hub | None = None
        self.user = ""

    def set_missing_host_key_policy(self, policy: Any) -> None:
        return None

    def load_system_host_keys(self, *args: Any) -> None:
        return None

    def load_host_keys(self, *args: Any) -> None:
        return None

    def connect(self, hostname: str, **kwargs: Any) -> None:
        hub = self.network.hubs.get(hostname)
        if hub is None or hub.refuse_logins:
            raise OSError(113, "No route to host")
        self.hub, self.user = hub, str(kwargs.get("username"))
        self.network.logins.append(hostname)

    def invoke_shell(self, **kwargs: Any) -> FakeChannel:
        assert self.hub is not None
        return FakeChannel(self.hub, self.user)

    def close(self) -> None:
        return None


@dataclass
class Network:
    """Recorded hubs by management address; `install` puts them behind netmiko."""

    hubs: dict[str, Hub] = field(default_factory=dict)
    logins: list[str] = field(default_factory=list)

    def install(self, monkeypatch: Any) -> None:
        import netmiko.cisco.cisco_ios as cisco_ios
        from netmiko.base_connection import BaseConnection

        monkeypatch.setattr(BaseConnection, "_get_ssh_client_instance", lambda conn: FakeSSHClient(self))
        # InLineTransfer waits 1-12 s for a real device to digest the paste; this one answers at once
        monkeypatch.setattr(cisco_ios, "time", _NoWait())


class _NoWait:
    """The `time` module as netmiko's cisco_ios sees it, without the fixed waits."""

    def sleep(self, seconds: float) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)
