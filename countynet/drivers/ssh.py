"""A small exec-channel SSH client (paramiko) for drivers that run shell commands on a Linux box.

Exec channels rather than an interactive shell (netmiko): each command returns its own exit
status, stdout and stderr, and can take stdin, so scripts (and the files they write) go in
through `sh -s` without prompt scraping.
"""

from __future__ import annotations

import select
import time
from dataclasses import dataclass
from pathlib import Path

import paramiko


@dataclass
class ExecResult:
    rc: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.rc == 0


class SSHError(Exception):
    """Connection or transport failure (not a failing remote command)."""


class SSHExec:
    """One SSH connection; strict host-key checking unless `strict=False`."""

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str | None = None,
        port: int = 22,
        timeout: float = 60,
        key_file: str | None = None,
        known_hosts: str | None = None,
        strict: bool = True,
        allow_agent: bool = False,
    ) -> None:
        self.hostname = hostname
        self.username = username
        self.password = password or None
        self.port = port
        self.timeout = timeout
        self.key_file = key_file
        self.known_hosts = known_hosts
        self.strict = strict
        self.allow_agent = allow_agent
        self._client: paramiko.SSHClient | None = None

    def connect(self) -> None:
        client = paramiko.SSHClient()
        if self.known_hosts:
            path = Path(self.known_hosts).expanduser()
            if not path.is_file():
                raise SSHError(f"known_hosts file {path} not found")
            client.load_host_keys(str(path))
        else:
            client.load_system_host_keys()
        # Never silently trust an unknown key unless explicitly told to (lab bootstrap, say).
        client.set_missing_host_key_policy(paramiko.RejectPolicy() if self.strict else paramiko.AutoAddPolicy())
        try:
            client.connect(
                self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                key_filename=str(Path(self.key_file).expanduser()) if self.key_file else None,
                timeout=self.timeout,
                banner_timeout=self.timeout,
                auth_timeout=self.timeout,
                allow_agent=self.allow_agent,
                look_for_keys=not (self.key_file or self.password),
            )
        except (paramiko.SSHException, OSError) as exc:
            client.close()
            raise SSHError(f"SSH to {self.username}@{self.hostname}:{self.port} failed: {exc}") from exc
        transport = client.get_transport()
        if transport is not None:
            transport.set_keepalive(15)
        self._client = client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def alive(self) -> bool:
        t = self._client.get_transport() if self._client else None
        return bool(t and t.is_active())

    def run(self, command: str, stdin: str | None = None, timeout: float | None = None) -> ExecResult:
        """Run one command; returns its exit status and output. Raises SSHError on transport trouble."""
        if not self.alive:
            raise SSHError("not connected")
        assert self._client is not None
        transport = self._client.get_transport()
        assert transport is not None
        limit = timeout if timeout is not None else self.timeout
        try:
            chan = transport.open_session(timeout=self.timeout)
            chan.settimeout(limit)
            chan.exec_command(command)
            if stdin:
                chan.sendall(stdin.encode())
            chan.shutdown_write()
            out, err = bytearray(), bytearray()
            deadline = time.monotonic() + limit
            while True:
                _drain(chan, out, err)
                left = deadline - time.monotonic()
                if chan.closed and not chan.eof_received and chan.exit_status == -1:
                    raise SSHError(f"connection lost while running: {command[:80]}")
                if chan.eof_received or chan.closed:  # nothing more comes; the exit status is on its way (or here)
                    if chan.status_event.wait(max(0.0, left)):
                        _drain(chan, out, err)  # what came in just before the EOF
                        break
                elif left > 0:
                    # sleep until data, EOF or the deadline (a thread waiting on a slow command costs no CPU)
                    select.select([chan], [], [], min(left, 5.0))
                    continue
                chan.close()
                raise SSHError(f"command timed out after {limit}s: {command[:80]}")
            rc = chan.recv_exit_status()
            chan.close()
        except (paramiko.SSHException, OSError) as exc:
            raise SSHError(f"SSH command failed: {exc}") from exc
        return ExecResult(rc, out.decode(errors="replace"), err.decode(errors="replace"))


def _drain(chan: paramiko.Channel, out: bytearray, err: bytearray) -> None:
    """Everything the channel holds now, stdout and stderr (so neither fills the window)."""
    while chan.recv_ready():
        out += chan.recv(65536)
    while chan.recv_stderr_ready():
        err += chan.recv_stderr(65536)
