"""The FRR driver's round-trip cuts on a real FRR router of the driver lab (tests/drivers/conftest.py):
cli() runs all its commands in one vtysh, with the same answers and errors as one vtysh each."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from typing import Any

import pytest
from contract_devices import Device, frr_device, reset
from napalm.base.exceptions import CommandErrorException

from countynet.drivers.frr import FRRDriver


@pytest.fixture
def frr(frr_lab: Any) -> Iterator[tuple[Device, FRRDriver]]:
    dev = frr_device(frr_lab)
    reset(dev)
    conn = dev.open()
    assert isinstance(conn, FRRDriver)
    try:
        yield dev, conn
    finally:
        conn.close()


def counting(conn: FRRDriver) -> list[str]:
    """Record every command the driver sends over SSH (one entry = one exec channel)."""
    sent: list[str] = []
    real = conn._run

    def run(command: str, stdin: str | None = None, timeout: float | None = None) -> Any:
        sent.append(command)
        return real(command, stdin=stdin, timeout=timeout)

    conn._run = run  # type: ignore[method-assign]
    return sent


CMDS = ["show ip route summary", "show bgp summary", "show interface brief", "show ip route json"]


def test_cli_runs_every_command_in_one_vtysh_with_each_ones_own_answer(frr: tuple[Device, FRRDriver]) -> None:
    dev, conn = frr
    sent = counting(conn)
    batch = conn.cli(CMDS)
    assert len(sent) == 1 and sent[0].startswith("vtysh -E ")
    for cmd in CMDS:  # the same text one vtysh of its own prints (up to counters that move)
        alone = dev.extra["lab"].vtysh(dev.extra["node"], cmd)
        assert batch[cmd].splitlines()[:1] == alone.splitlines()[:1], cmd
        assert len(batch[cmd].splitlines()) == len(alone.splitlines()), cmd
    assert "Totals" in batch["show ip route summary"] and "# show" not in "".join(batch.values())
    js = conn.cli(["show bgp summary", "show ip route"], encoding="json")
    assert js["show bgp summary"]["ipv4Unicast"]["vrfName"] == "default" and isinstance(js["show ip route"], dict)


def test_a_command_vtysh_rejects_in_a_batch_is_named(frr: tuple[Device, FRRDriver]) -> None:
    _dev, conn = frr
    with pytest.raises(CommandErrorException) as err:
        conn.cli(["show ip route summary", "show bogus thing", "show bgp summary"])
    assert str(err.value) == "'show bogus thing': % Unknown command: show bogus thing"
    with pytest.raises(CommandErrorException, match=r"^'show version': % Unknown command: show version json$"):
        conn.cli(["show bgp summary", "show version"], encoding="json")  # FRR has no `show version json`


def test_get_bgp_neighbors_is_one_round_trip(frr: tuple[Device, FRRDriver]) -> None:
    _dev, conn = frr
    sent = counting(conn)
    peers = conn.get_bgp_neighbors()["global"]["peers"]
    assert len(sent) == 1 and shlex.split(sent[0])[:2] == ["vtysh", "-E"]
    assert "10.255.0.1" in peers and isinstance(peers["10.255.0.1"]["uptime"], int)


def test_get_many_answers_as_the_getters_and_cli_do_in_one_round_trip(frr: tuple[Device, FRRDriver]) -> None:
    _dev, conn = frr
    cmds = ["show ip route summary", "show ip route json"]
    alone = {"get_bgp_neighbors": conn.get_bgp_neighbors(), "get_interfaces": conn.get_interfaces()}
    alone_cli = conn.cli(cmds)
    sent = counting(conn)
    many = conn.get_many(["get_bgp_neighbors", "get_interfaces"], cmds)
    assert len(sent) == 1
    assert many["get_interfaces"] == alone["get_interfaces"]
    peers, peers_alone = many["get_bgp_neighbors"]["global"]["peers"], alone["get_bgp_neighbors"]["global"]["peers"]
    assert set(peers) == set(peers_alone) and all(
        {k: v for k, v in p.items() if k != "uptime"} == {k: v for k, v in peers_alone[ip].items() if k != "uptime"}
        for ip, p in peers.items()
    )
    assert set(many) == {"get_bgp_neighbors", "get_interfaces", *cmds}
    assert many["show ip route json"].startswith("{")
    assert many["show ip route summary"].splitlines()[0] == alone_cli["show ip route summary"].splitlines()[0]
    with pytest.raises(CommandErrorException, match=r"^'show bogus': % Unknown command: show bogus$"):
        conn.get_many(["get_interfaces"], ["show bogus"])


def test_get_many_gives_the_running_config_as_get_config_does(frr: tuple[Device, FRRDriver]) -> None:
    _dev, conn = frr
    alone = conn.get_config(retrieve="running")
    sent = counting(conn)
    many = conn.get_many(["get_bgp_neighbors", "get_interfaces", "get_config"], ["show ip route json"])
    assert len(sent) == 1
    assert many["get_config"] == {"running": alone["running"], "startup": "", "candidate": ""}
    assert "hostname r1" in many["get_config"]["running"] and many["show ip route json"].startswith("{")


def test_a_candidate_is_staged_and_checked_in_one_round_trip_and_commits_clean_up(
    frr: tuple[Device, FRRDriver],
) -> None:
    dev, conn = frr
    sent = counting(conn)
    conn.load_replace_candidate(config=dev.changed)
    assert len(sent) == 1
    assert conn.compare_config()
    state = conn.state_dir
    conn.commit_config()
    sent.clear()
    conn.discard_config()
    conn.close()  # nothing staged is left, so neither needs a round trip
    assert sent == []
    left = dev.extra["lab"].exec(dev.extra["node"], ["sh", "-c", f"ls {state}"]).stdout.split()
    assert not [f for f in left if f.startswith("candidate.")], left
