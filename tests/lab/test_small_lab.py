"""A hand-written lab: SSH and vtysh on every router, PoP BGP and services, sectors, hosts."""

from __future__ import annotations

import json
import socket
import time
from ipaddress import IPv4Interface

import paramiko
import pytest
import yaml
from labkit import needs_lab

from countynet.lab import Lab, lab_status

pytestmark = [pytest.mark.lab, needs_lab]


def ssh(lab: Lab, node: str) -> paramiko.SSHClient:
    host, port, user, key = lab.ssh_target(node)
    client = paramiko.SSHClient()
    client.load_host_keys(str(lab.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, port, user, key_filename=key, timeout=10, allow_agent=False, look_for_keys=False)
    return client


def run(client: paramiko.SSHClient, cmd: str) -> tuple[int, str]:
    _, out, _ = client.exec_command(cmd, timeout=30)
    text = out.read().decode()
    return out.channel.recv_exit_status(), text


def wait_for(pred, timeout: float = 30.0, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def test_every_router_answers_ssh_and_vtysh(small_lab: Lab) -> None:
    for node in small_lab.routers:
        with ssh(small_lab, node) as client:
            rc, out = run(client, "vtysh -c 'show version'")
            assert rc == 0 and "FRRouting 8" in out, out
            rc, out = run(client, "hostname; cat /etc/frr/frr.conf; sysctl -n net.ipv4.ip_forward")
            lines = out.split()
            assert lines[0] == node
            assert f"hostname {node}" in out and "service integrated-vtysh-config" in out
            assert lines[-1] == "1"


def test_router_starts_bare_and_frr_reload_works_inside(small_lab: Lab) -> None:
    r = small_lab.exec("r2", ["ip", "-j", "-4", "addr", "show"], check=True)
    addrs = {i["ifname"]: [a["local"] for a in i["addr_info"]] for i in json.loads(r.stdout)}
    assert addrs["mgmt0"] == [str(IPv4Interface(small_lab.nodes["r2"]["mgmt"]).ip)]
    assert addrs.get("ether1", []) == [] and addrs.get("ether2", []) == []
    with ssh(small_lab, "r2") as client:
        conf = "frr defaults traditional\\nhostname r2\\nservice integrated-vtysh-config\\n!\\ninterface ether1\\n ip address 10.9.0.1/30\\nexit\\n"
        rc, _ = run(client, f"printf '{conf}' > /tmp/new.conf && /usr/lib/frr/frr-reload.py --reload /tmp/new.conf")
        assert rc == 0
        rc, out = run(client, "ip -4 -br addr show ether1; ls /tmp /root")
        assert "10.9.0.1/30" in out and "new.conf" in out
    # Private /tmp: the host's /tmp does not see the node's file.
    assert "new.conf" not in small_lab.exec("r1", ["ls", "/tmp"]).stdout


def test_pop_peers_once_router_is_configured_and_services_answer(small_lab: Lab) -> None:
    small_lab.vtysh(
        "r1",
        "configure terminal",
        "interface nofbi0",
        "ip address 10.255.0.2/30",
        "exit",
        "router bgp 65101",
        "no bgp ebgp-requires-policy",
        "timers bgp 3 9",
        "neighbor 10.255.0.1 remote-as 65000",
        "end",
    )

    def established() -> bool:
        peers = json.loads(small_lab.vtysh("r1", "show ip bgp summary json"))["ipv4Unicast"]["peers"]
        return peers["10.255.0.1"]["state"] == "Established"

    assert wait_for(established, 30), small_lab.vtysh("r1", "show ip bgp summary")
    assert wait_for(lambda: "10.200.0.0/24" in small_lab.vtysh("r1", "show ip route bgp"), 15)
    for addr, port in (("10.200.0.10", 443), ("10.200.0.10", 8080), ("10.200.0.20", 53)):
        code = f"import socket; s = socket.create_connection(('{addr}', {port}), 3); print(s.recv(100).decode())"
        r = small_lab.exec("r1", ["python3", "-c", code])
        assert r.returncode == 0 and f"pop {addr}:{port} ok" in r.stdout, r.stderr


def test_sector_bridge_and_agency_host(small_lab: Lab) -> None:
    for node, addr in (("r3", "10.30.0.1/24"), ("s1", "10.30.0.2/24"), ("s2", "10.30.0.3/24")):
        small_lab.vtysh(node, "configure terminal", "interface wlan1", f"ip address {addr}", "end")
    small_lab.vtysh("s1", "configure terminal", "interface ether2", "ip address 10.50.1.1/24", "end")
    for src, dst in (("s1", "10.30.0.3"), ("s2", "10.30.0.1"), ("r3", "10.30.0.2")):
        r = small_lab.exec(src, ["ping", "-c", "2", "-W", "2", "-i", "0.2", dst])
        assert r.returncode == 0, f"{src} -> {dst}: {r.stdout}"
    r = small_lab.exec("h1", ["ip", "route", "show", "default"])
    assert "via 10.50.1.1" in r.stdout
    r = small_lab.exec("h1", ["ping", "-c", "2", "-W", "2", "-i", "0.2", "10.30.0.2"])
    assert r.returncode == 0, r.stdout


def test_status_and_lab_inventory_file(small_lab: Lab) -> None:
    st = lab_status(small_lab.name)
    assert st["status"] == "up"
    rows = {n["name"]: n for n in st["nodes"]}
    assert rows["r1"]["stand_in_for"] == "ios" and rows["r2"]["stand_in_for"] == "routeros"
    assert all(rows[r]["sshd"] and all(rows[r]["daemons"].values()) for r in small_lab.routers)
    assert rows["pop"]["listener"]
    inv = yaml.safe_load(small_lab.inventory_file.read_text())
    assert set(inv["hosts"]) == {"r1", "r2", "r3", "s1", "s2"}
    h = inv["hosts"]["r1"]
    assert h["platform"] == "frr" and h["port"] == 22 and h["username"] == "root"
    assert h["stand_in_for"] == "ios" and h["key_file"] == str(small_lab.key_file)
    with socket.create_connection((h["hostname"], 22), 3) as s:
        assert s.recv(64).startswith(b"SSH-2.0-")


def test_cli_status_json(small_lab: Lab) -> None:
    from typer.testing import CliRunner

    from countynet.cli.main import app

    r = CliRunner().invoke(app, ["lab", "status", "--name", small_lab.name, "--json"])
    assert r.exit_code == 0, r.output
    assert {n["name"] for n in json.loads(r.output)["nodes"]} >= {"r1", "pop", "h1"}
    r = CliRunner().invoke(app, ["lab", "status", "--name", "no-such-lab"])
    assert r.exit_code == 2 and "no lab named" in r.output
