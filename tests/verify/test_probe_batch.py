"""LAN probes of a verify pass run from one process, each site inside its own network namespace."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator

import pytest

from countynet.errors import CountynetError
from countynet.verify import runner
from countynet.verify.expect import ServiceTarget as Service
from countynet.verify.expect import SiteExpect


class FakeLab:
    """Every LAN host is this process's own namespace, except the one that is gone."""

    def netns_file(self, name: str) -> str:
        if name == "gone-lan":
            raise CountynetError("lab t: node gone-lan is not running")
        return f"/proc/{os.getpid()}/ns/net"


@pytest.fixture
def listener() -> Iterator[int]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                srv.accept()[0].close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join()
    srv.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="joining a network namespace needs root")
def test_each_site_probed_and_a_missing_lan_host_fails_only_its_site(
    listener: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "PROBES", 5)
    monkeypatch.setattr(runner, "PROBE_WORKERS", 1)  # more sites than workers: every site still answered
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    closed = free.getsockname()[1]
    free.close()
    ok = [Service("ifmis", "127.0.0.1", listener)]
    sites = [
        SiteExpect("s1", "t", "s1-lan", "127.0.0.1", allowed=ok, denied=[Service("ipps", "127.0.0.1", closed)]),
        SiteExpect("s2", "t", "gone-lan", "127.0.0.1", allowed=ok),
        SiteExpect("s3", "t", "s3-lan", "127.0.0.1", allowed=[Service("ipps", "127.0.0.1", closed)]),
    ]
    got = {(c.site, c.kind, c.status) for c in runner._site_checks(sites, FakeLab())}
    assert ("s1", "ping", "ok") in got and ("s1", "tcp", "ok") in got and ("s1", "tcp-denied", "ok") in got
    assert ("s2", "lan", "error") in got and not any(site == "s2" and kind != "lan" for site, kind, _ in got)
    assert ("s3", "ping", "ok") in got and ("s3", "tcp", "fail") in got
