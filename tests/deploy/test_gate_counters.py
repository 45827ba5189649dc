"""The health gate's polls (nornir_tasks.health.gate) on a scripted device: new sessions open and
close the hold window, the polls in between use the open session, and a session or adjacency
that went down and came back between two polls is caught by the device's own up-time counters."""

from __future__ import annotations

import re
import time
from typing import Any

from countynet.platforms import get
from nornir_tasks.health import Health, Probe, duration, flapped, gate, snapshot

PEER = "10.0.0.1"


class Box:
    """A device whose BGP session to PEER is up all the time; `flap_at` (s after the start) restarts
    its up-time counter, as a session that dropped and came back between two polls does."""

    def __init__(self, flap_at: float | None = None, counters: bool = True, lose_quick_at: float | None = None):
        self.t0 = time.monotonic()
        self.flap_at = flap_at
        self.counters = counters
        self.lose_quick_at = lose_quick_at
        self.calls: list[str] = []

    def look(self, how: str) -> Health:
        self.calls.append(how)
        now = time.monotonic()
        if how == "quick" and self.lose_quick_at is not None and now - self.t0 >= self.lose_quick_at:
            return Health(management=False)  # the open session broke
        since = self.t0 - 100.0  # established 100 s before the gate started
        if self.flap_at is not None and now - self.t0 >= self.flap_at:
            since = self.t0 + self.flap_at
        up = {f"bgp {PEER}": (float(int(now - since)), 1.0)} if self.counters else {}
        return Health(True, {PEER: 3}, uptimes=up)

    def probe(self) -> Probe:
        return Probe(lambda: self.look("fresh"), lambda: self.look("quick"))


BEFORE = Health(True, {PEER: 3})


def test_a_session_that_flaps_between_two_polls_fails_the_gate() -> None:
    box = Box(flap_at=0.7)
    res = gate(box.probe(), BEFORE, timeout=5, hold=2.0, interval=0.1, short=0.5)
    assert len(res.problems) == 1, res.problems
    assert re.fullmatch(rf"BGP session to {PEER} went down and came back \(up 0 s\) after 1 s healthy", res.problems[0])
    assert res.held == 0.0
    assert "fresh" not in box.calls[1:]  # the flap was seen by a poll over the open session


def test_the_same_device_without_the_flap_passes_after_the_full_hold() -> None:
    box = Box()
    t0 = time.monotonic()
    res = gate(box.probe(), BEFORE, timeout=5, hold=2.0, interval=0.1, short=0.5)
    assert res.problems == [] and res.held >= 2.0 and time.monotonic() - t0 >= 2.0
    # a new session opens and closes the window; one poll over the open session halfway
    assert box.calls == ["fresh", "quick", "fresh"], box.calls


def test_a_short_window_is_opened_and_closed_by_new_sessions_with_no_poll_between() -> None:
    box = Box()
    res = gate(box.probe(), BEFORE, timeout=5, hold=1.0, interval=0.1, short=1.0)
    assert res.problems == [] and res.held >= 1.0
    assert box.calls == ["fresh", "fresh"], box.calls


def test_a_flap_inside_a_short_window_is_still_caught_by_the_closing_poll() -> None:
    box = Box(flap_at=0.4)
    res = gate(box.probe(), BEFORE, timeout=5, hold=1.0, interval=0.1, short=1.0)
    assert res.problems and "went down and came back" in res.problems[0], res.problems
    assert box.calls == ["fresh", "fresh"], box.calls


def test_a_flap_just_before_the_closing_poll_is_caught_by_that_new_session() -> None:
    box = Box(flap_at=1.8)
    res = gate(box.probe(), BEFORE, timeout=5, hold=2.0, interval=0.1, short=0.5)
    assert res.problems and "went down and came back" in res.problems[0]
    assert box.calls[-1] == "fresh"


def test_without_counters_the_polls_in_between_stay_one_an_interval() -> None:
    counted, blind = Box(), Box(counters=False)
    gate(counted.probe(), BEFORE, timeout=5, hold=1.0, interval=0.1, short=0.5)
    gate(blind.probe(), BEFORE, timeout=5, hold=1.0, interval=0.1, short=0.5)
    assert len(blind.calls) >= 8 > 6 >= len(counted.calls), (blind.calls, counted.calls)


def test_a_broken_open_session_is_judged_by_a_new_one() -> None:
    box = Box(lose_quick_at=0.6)  # the device is fine; only the deploy's own session broke
    res = gate(box.probe(), BEFORE, timeout=5, hold=1.5, interval=0.1, short=0.5)
    assert res.problems == [] and box.calls.count("fresh") > 2

    class Gone(Box):
        def look(self, how: str) -> Health:
            if time.monotonic() - self.t0 >= 0.6:
                self.calls.append(how)
                return Health(management=False)
            return super().look(how)

    gone = Gone()
    res = gate(gone.probe(), BEFORE, timeout=5, hold=1.5, interval=0.1, short=0.5)
    assert re.fullmatch(r"management unreachable after 1 s healthy", res.problems[0]), res.problems
    assert gone.calls[-2:] == ["quick", "fresh"]  # failed only once a new session failed too


def test_without_an_open_session_every_poll_is_a_new_one() -> None:
    box = Box()
    res = gate(Probe(lambda: box.look("fresh")), BEFORE, timeout=5, hold=1.0, interval=0.1, short=0.5)
    assert res.problems == [] and set(box.calls) == {"fresh"}


def test_durations_as_devices_print_them() -> None:
    assert duration("3m48s") == (228.0, 1.0)
    assert duration("1d02h03m") == (93780.0, 60.0)
    assert duration("12.345s") == (12.345, 1.0)
    assert duration("00:01:17") == (77.0, 1.0)
    assert duration("") is None and duration("never") is None


def test_a_counter_printed_in_minutes_is_no_flap_while_its_minute_lasts() -> None:
    before = Health(True, {}, {"dn1 10.0.0.2"})

    def ospf(text: str) -> Health:
        up = duration(text)
        assert up is not None
        return Health(True, {}, {"dn1 10.0.0.2"}, uptimes={"ospf dn1 10.0.0.2": up})

    assert flapped(before, ospf("1d02h03m"), ospf("1d02h03m"), 4.0) == ([], [])  # 4 s later, same minute
    assert flapped(before, ospf("1d02h03m"), ospf("1d02h04m"), 4.0) == ([], [])
    assert flapped(before, ospf("3m48s"), ospf("3m52s"), 4.0) == ([], [])
    assert flapped(before, ospf("1d02h03m"), ospf("2.300s"), 4.0)[0] == [
        "OSPF adjacency dn1 10.0.0.2 went down and came back (up 2 s)"
    ]
    assert flapped(before, ospf("3m48s"), ospf("3m49s"), 4.0)[0]  # grew 1 s in 4 s: it restarted


class FrrLike:
    """Getter answers shaped as the FRR driver returns them (tests/verify/fixtures for the OSPF text)."""

    def __init__(self) -> None:
        self.cli_calls: list[list[str]] = []

    def get_bgp_neighbors(self) -> dict[str, Any]:
        peer = {"is_up": True, "uptime": 42, "address_family": {"ipv4": {"received_prefixes": 5}}}
        return {"global": {"router_id": "10.96.128.3", "peers": {"10.254.0.0": peer}}}

    def get_interfaces(self) -> dict[str, Any]:
        return {"dn1": {"is_up": True, "is_enabled": True, "last_flapped": -1.0}}

    def cli(self, commands: list[str]) -> dict[str, str]:
        self.cli_calls.append(commands)
        ospf = (
            "\nNeighbor ID     Pri State           Up Time         Dead Time Address         Interface"
            "                        RXmtL RqstL DBsmL\n"
            "10.96.128.2       1 Full/-          3m48s              3.119s 10.96.129.7     dn1:10.96.129.6"
            "                      0     0     0\n"
        )
        return {"show ip ospf neighbor": ospf, "show ip route json": '{"10.0.0.0/24": [{"protocol": "ospf"}]}'}


def test_a_snapshot_reads_the_counters_in_one_cli_round_trip() -> None:
    conn = FrrLike()
    h = snapshot(conn, ["10.0.0.0/24", "10.9.0.0/24"], get("frr"))
    assert h.bgp == {"10.254.0.0": 5} and h.ospf == {"dn1 10.96.129.7"} and h.routes == {"10.0.0.0/24"}
    assert h.uptimes == {"bgp 10.254.0.0": (42.0, 1.0), "ospf dn1 10.96.129.7": (228.0, 1.0)}  # no link flap time
    assert conn.cli_calls == [["show ip ospf neighbor", "show ip route json"]]


class FrrMany(FrrLike):
    """A driver offering get_many (one round trip for the getters and the commands)."""

    def __init__(self) -> None:
        super().__init__()
        self.getter_calls = 0

    def get_many(self, getters: list[str], commands: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"get_bgp_neighbors": super().get_bgp_neighbors()}
        out["get_interfaces"] = super().get_interfaces()
        return out | FrrLike.cli(self, commands)

    def get_bgp_neighbors(self) -> dict[str, Any]:
        self.getter_calls += 1
        return super().get_bgp_neighbors()

    def get_interfaces(self) -> dict[str, Any]:
        self.getter_calls += 1
        return super().get_interfaces()


def test_a_driver_with_get_many_is_asked_once_and_read_the_same() -> None:
    many, alone = FrrMany(), FrrLike()
    prefixes = ["10.0.0.0/24", "10.9.0.0/24"]
    h, h_alone = snapshot(many, prefixes, get("frr")), snapshot(alone, prefixes, get("frr"))
    assert many.getter_calls == 0 and many.cli_calls == [["show ip ospf neighbor", "show ip route json"]]
    assert h == h_alone and h.ospf == {"dn1 10.96.129.7"}


def test_a_poll_over_a_session_that_died_under_it_is_lost_management_not_lost_sessions() -> None:
    from nornir_tasks.health import probe

    class Dead(FrrLike):
        def get_bgp_neighbors(self) -> dict[str, Any]:
            raise OSError("Socket is closed")  # every getter fails: the snapshot alone would say "BGP down"

        def is_alive(self) -> dict[str, bool]:
            return {"is_alive": False}

    class Untold(FrrLike):
        def is_alive(self) -> dict[str, bool]:
            raise NotImplementedError

    assert probe(None, None, [], get("frr"), Dead()).quick() == Health(management=False)
    told = probe(None, None, [], get("frr"), Untold()).quick()
    assert told.management and told.bgp == {"10.254.0.0": 5}
