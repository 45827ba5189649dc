"""Shaped links: tbf limits the rate, nftables drops the planned share of packets."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
from labkit import needs_lab

from countynet.lab import Lab

pytestmark = [pytest.mark.lab, pytest.mark.slow, needs_lab]


def address(lab: Lab, node: str, ifname: str, addr: str) -> None:
    lab.exec(node, ["ip", "addr", "replace", addr, "dev", ifname], check=True)


def iperf_mbit(lab: Lab, server: str, client: str, server_ip: str, reverse: bool = False) -> float:
    srv = lab.popen(
        server, ["iperf3", "-s", "-1", "-B", server_ip], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        argv = ["iperf3", "-c", server_ip, "-t", "4", "-O", "1", "-J"] + (["-R"] if reverse else [])
        for _ in range(100):  # until the server listens
            if ":5201" in lab.exec(server, ["ss", "-Hltn", "sport", "= :5201"]).stdout:
                break
            time.sleep(0.1)
        for _ in range(5):
            data = json.loads(lab.exec(client, argv, timeout=30).stdout)
            if "error" not in data:
                break
            time.sleep(0.5)
        assert "error" not in data, data["error"]
        return data["end"]["sum_received"]["bits_per_second"] / 1e6
    finally:
        srv.kill()
        srv.wait()


def test_rate_limit_20_mbit(small_lab: Lab) -> None:
    address(small_lab, "r1", "eth1", "10.12.0.1/30")
    address(small_lab, "r2", "ether1", "10.12.0.2/30")
    forward = iperf_mbit(small_lab, "r2", "r1", "10.12.0.2")
    backward = iperf_mbit(small_lab, "r2", "r1", "10.12.0.2", reverse=True)
    print(f"20 Mbit/s planned: measured {forward:.1f} (r1->r2), {backward:.1f} (r2->r1)")
    assert 16 <= forward <= 24 and 16 <= backward <= 24


def test_loss_5_percent(small_lab: Lab) -> None:
    address(small_lab, "r2", "ether2", "10.23.0.1/30")
    address(small_lab, "r3", "ether1", "10.23.0.2/30")
    small_lab.exec("r2", ["ping", "-c", "3", "-W", "1", "10.23.0.2"])  # warm ARP
    r = small_lab.exec("r2", ["ping", "-q", "-i", "0.01", "-c", "500", "-W", "1", "10.23.0.2"], timeout=60)
    m = re.search(r"([\d.]+)% packet loss", r.stdout)
    assert m, r.stdout
    loss = float(m.group(1))
    print(f"5 % planned: ping loss {loss} %")
    assert 2 <= loss <= 9
