"""The health gate: after a commit, what worked before must work again AND keep working.

"Never make it worse" rather than a fixed checklist: management, every BGP session that was up
with at least the prefixes it had, every OSPF adjacency that was full, every shared-service
route. A first healthy poll proves little (a BGP session outlives a dropped TCP/179 until its
hold time runs out), so the device must stay healthy for a hold window at least one protocol
dead/hold interval long (countynet.deploy.gate derives it from the rendered timers); the poll
that closes the window is the check made just before confirming.

What it costs the device: the polls that open and close the window are new SSH sessions (they
prove management answers after the change); the polls in between reuse the deploy's open
session and come less often, because a session or adjacency that went down and came back
between two polls is caught by the device's own up-time counters (NAPALM's BGP peer `uptime`,
an OSPF neighbour's up time where the platform's parse template reads one, an interface's
`last_flapped`): a counter younger than the time since the previous poll is a flap. Where the
device has no counter for something the gate watches, the polls in between stay one a second.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from napalm import get_network_driver

from countynet.platforms import Platform


@dataclass
class Health:
    management: bool = False
    bgp: dict[str, int] = field(default_factory=dict)  # established peer -> received prefixes
    ospf: set[str] = field(default_factory=set)  # "interface neighbour-address" in state Full
    routes: set[str] = field(default_factory=set)
    links: dict[str, str] = field(default_factory=dict)  # interface -> up | no-carrier | admin-down
    # "bgp PEER" / "ospf IFACE ADDRESS" / "link IFACE" -> seconds up (or since the last flap) as the
    # device counts them, and in steps of how many seconds it prints them; only what the device
    # tells (not journaled: a window's own business)
    uptimes: dict[str, tuple[float, float]] = field(default_factory=dict)  # (seconds, resolution)

    @property
    def bgp_up(self) -> set[str]:
        return set(self.bgp)

    def missing_from(self, after: Health) -> list[str]:
        if not after.management:
            return ["management unreachable"]
        problems = [f"BGP session to {p} down" for p in sorted(set(self.bgp) - set(after.bgp))]
        problems += [
            f"BGP {p}: {after.bgp[p]} prefixes received, {n} before"
            for p, n in sorted(self.bgp.items())
            if p in after.bgp and after.bgp[p] < n
        ]
        problems += [f"OSPF adjacency {a} lost" for a in sorted(self.ospf - after.ospf)]
        problems += [f"route to {r} lost" for r in sorted(self.routes - after.routes)]
        return problems

    def links_lost(self, after: Health) -> list[str]:
        """Links up before and down now, with why: no carrier is the link, admin-down the config."""
        out = []
        for name, state in sorted(self.links.items()):
            now = after.links.get(name, "missing")
            if state == "up" and now != "up":
                out.append(f"{name} ({now})")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"bgp": self.bgp, "ospf": sorted(self.ospf), "routes": sorted(self.routes), "links": self.links}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Health:
        return cls(
            True,
            {str(k): int(v) for k, v in (data.get("bgp") or {}).items()},
            set(data.get("ospf") or []),
            set(data.get("routes") or []),
            {str(k): str(v) for k, v in (data.get("links") or {}).items()},
        )


def snapshot(conn: Any, prefixes: list[str], platform: Platform | None = None) -> Health:
    """What this device shows now (every part optional: a getter a platform lacks adds nothing)."""
    return _health(_fetch(conn, _commands(platform, prefixes)), conn, prefixes, platform)


def config_and_snapshot(conn: Any, prefixes: list[str], platform: Platform | None = None) -> tuple[str, Health]:
    """The running config (the deploy's backup) and the first snapshot, read together: in one
    round trip where the driver's get_many also gives get_config. The config must come: a
    device that cannot give it raises, as get_config does."""
    got = _fetch(conn, _commands(platform, prefixes), ["get_config"])
    config = got.get("get_config")
    running = config["running"] if isinstance(config, dict) else conn.get_config(retrieve="running")["running"]
    return running, _health(got, conn, prefixes, platform)


def _health(got: dict[str, Any], conn: Any, prefixes: list[str], platform: Platform | None) -> Health:
    h = Health(management=True)
    with contextlib.suppress(Exception):  # a device without BGP answers with an error on some platforms
        peers = got["get_bgp_neighbors"].get("global", {}).get("peers", {})
        h.bgp = {ip: _received(p) for ip, p in peers.items() if p.get("is_up")}
        h.uptimes.update(_counters("bgp", {ip: p.get("uptime") for ip, p in peers.items() if p.get("is_up")}))
    with contextlib.suppress(Exception):
        ifaces = got["get_interfaces"]
        h.links = {
            name: "up" if i.get("is_up") else ("no-carrier" if i.get("is_enabled") else "admin-down")
            for name, i in ifaces.items()
        }
        h.uptimes.update(_counters("link", {name: i.get("last_flapped") for name, i in ifaces.items()}))
    if platform is not None and platform.collect.ospf_neighbors:
        h.ospf = _ospf_full(got, platform, h.uptimes)
    h.routes = _routes(conn, prefixes, platform, got)
    return h


GETTERS = ["get_bgp_neighbors", "get_interfaces"]


def _fetch(conn: Any, cmds: list[str], extra: list[str] | None = None) -> dict[str, Any]:
    """The getters' answers (GETTERS and `extra`) and the commands' outputs by name: in one round
    trip where the driver offers `get_many` (a capability, as pending_commit is; FRR's runs one
    vtysh for all), else each the ordinary way; what fails is missing."""
    getters = GETTERS + list(extra or [])
    many = getattr(conn, "get_many", None)
    if callable(many):
        with contextlib.suppress(Exception):
            got = many(getters, cmds)
            if isinstance(got, dict):
                return {k: (str(v) if k in cmds else v) for k, v in got.items()}
    out: dict[str, Any] = {}
    for name in GETTERS:
        with contextlib.suppress(Exception):
            out[name] = getattr(conn, name)()
    return out | _show(conn, cmds)


def _counters(kind: str, values: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Up-time counters the device reported in whole seconds (NAPALM: -1 or missing when it keeps none)."""
    return {f"{kind} {k}": (float(v), 1.0) for k, v in values.items() if isinstance(v, int | float) and v >= 0}


def _commands(platform: Platform | None, prefixes: list[str]) -> list[str]:
    """The platform's OSPF neighbour and route-table commands the snapshot reads."""
    collect = platform.collect if platform is not None else None
    return [c for c in (collect.ospf_neighbors, collect.routes_json if prefixes else None) if c] if collect else []


def _show(conn: Any, cmds: list[str]) -> dict[str, str]:
    """`cmds` in one cli() call (one round trip where the driver batches); one call each when the
    batch is refused, so one command a device rejects does not hide the other's answer."""
    if not cmds:
        return {}
    with contextlib.suppress(Exception):
        return {k: str(v) for k, v in conn.cli(cmds).items()}
    out = {}
    for cmd in cmds:
        with contextlib.suppress(Exception):
            out[cmd] = str(conn.cli([cmd])[cmd])
    return out


def _received(peer: dict[str, Any]) -> int:
    fams = peer.get("address_family") or {}
    return sum(max(0, int(f.get("received_prefixes", 0) or 0)) for f in fams.values())


def _ospf_full(outputs: dict[str, Any], platform: Platform, uptimes: dict[str, tuple[float, float]]) -> set[str]:
    from countynet.verify.parse import parse

    cmd = platform.collect.ospf_neighbors
    assert cmd is not None
    try:
        rows = parse(platform, cmd, outputs[cmd])
    except Exception:
        return set()
    full = set()
    for r in rows:
        if str(r.get("state", "")).startswith("Full"):
            key = f"{r.get('interface')} {r.get('address')}"
            full.add(key)
            up = duration(str(r.get("uptime", "")))
            if up is not None:
                uptimes[f"ospf {key}"] = up
    return full


_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def duration(text: str) -> tuple[float, float] | None:
    """A device's up time as printed ("1d02h03m", "3m36s", "12.345s", "00:01:17") -> (seconds,
    the step it is printed in: a minute for "1d02h03m"); None if unknown."""
    text = text.strip()
    if re.fullmatch(r"\d+(:\d+){1,2}(\.\d+)?", text):
        secs = 0.0
        for part in text.split(":"):
            secs = secs * 60 + float(part)
        return secs, 1.0
    parts = re.findall(r"(\d+(?:\.\d+)?)([wdhms])", text)
    if parts and "".join(n + u for n, u in parts) == text:
        return sum(float(n) * _UNITS[u] for n, u in parts), _UNITS[parts[-1][1]]
    return None


def _routes(conn: Any, prefixes: list[str], platform: Platform | None, outputs: dict[str, Any]) -> set[str]:
    cmd = platform.collect.routes_json if platform is not None else None
    if cmd and prefixes:
        with contextlib.suppress(Exception):
            table = json.loads(outputs[cmd])
            return {p for p in prefixes if table.get(p)}
    out = set()
    for prefix in prefixes:
        with contextlib.suppress(Exception):
            # napalm ios answers {prefix: []} when the route is absent: count only a route with an entry
            if any(conn.get_route_to(destination=prefix).values()):
                out.add(prefix)
    return out


def fresh_connection(host: Any, nornir_config: Any, timeout: int = 10) -> Any:
    """A new session, proving that management still answers after the change."""
    params = host.get_connection_parameters("napalm")
    extras = dict(params.extras or {})
    optional_args = dict(extras.get("optional_args", {}))
    if params.port:
        optional_args.setdefault("port", params.port)
    driver = get_network_driver(params.platform)
    conn = driver(
        hostname=params.hostname,
        username=params.username,
        password=params.password,
        timeout=timeout,
        optional_args=optional_args,
    )
    conn.open()
    return conn


@dataclass
class GateResult:
    problems: list[str]
    links_lost: list[str] = field(default_factory=list)
    held: float = 0.0  # seconds the device stayed healthy
    polls: int = 0

    def describe(self) -> str:
        text = "; ".join(self.problems)
        if self.links_lost:
            text += f"; link {', '.join(self.links_lost)} went down"
        return text


Poller = Callable[[], Health]
SLACK_S = 0.5  # beyond a counter's own step: the clocks of controller and device
# A window this short (a first deploy's, with no session or adjacency to lose) is opened and closed
# by a poll each and none in between; longer ones get a poll halfway, to roll back sooner.
SHORT_HOLD_S = 6.0


@dataclass
class Probe:
    """The gate's two ways to look at a device. `fresh` opens a new session: the polls that open
    and close the hold window use it, so management is proven by a new login after the change.
    `quick` reuses the session already open (the deploy's) for the polls in between; without
    one every poll is fresh."""

    fresh: Poller
    quick: Poller | None = None


def probe(host: Any, nornir_config: Any, prefixes: list[str], platform: Platform | None, conn: Any = None) -> Probe:
    """Polls for one device: new sessions, and `conn` (already open) for the polls in between."""

    def fresh() -> Health:
        new = None
        try:
            new = fresh_connection(host, nornir_config)
            return snapshot(new, prefixes, platform)
        except Exception:
            return Health(management=False)
        finally:
            if new is not None:
                with contextlib.suppress(Exception):
                    new.close()

    def quick() -> Health:
        try:
            h = snapshot(conn, prefixes, platform)
        except Exception:
            return Health(management=False)
        return h if session_alive(conn) else Health(management=False)  # a dead session is not the device's word

    return Probe(fresh, quick if conn is not None else None)


def session_alive(conn: Any, unknown: bool = True) -> bool:
    """Whether the driver says its session is up; `unknown` when it cannot tell (is_alive fails)."""
    try:
        return bool(conn.is_alive().get("is_alive", True))
    except Exception:
        return unknown


def poller(host: Any, nornir_config: Any, prefixes: list[str], platform: Platform | None) -> Poller:
    """A new session for every poll (the gate's `fresh` poll alone)."""
    return probe(host, nornir_config, prefixes, platform).fresh


def flapped(before: Health, prev: Health, now: Health, elapsed: float) -> tuple[list[str], list[str]]:
    """What went down and came back between two healthy polls `elapsed` s apart (problems, links):
    a watched session or adjacency, or a link, whose up-time counter grew less than the time
    between the polls (less the step the device prints it in: a counter read just before it ticks)."""
    problems: list[str] = []
    links: list[str] = []
    for key, (up, step) in sorted(now.uptimes.items()):
        was = prev.uptimes.get(key)
        if was is None or up + step + SLACK_S >= was[0] + elapsed:
            continue
        kind, _, name = key.partition(" ")
        if kind == "bgp" and name in before.bgp:
            problems.append(f"BGP session to {name} went down and came back (up {up:.0f} s)")
        elif kind == "ospf" and name in before.ospf:
            problems.append(f"OSPF adjacency {name} went down and came back (up {up:.0f} s)")
        elif kind == "link" and before.links.get(name) == "up":
            links.append(f"{name} (flapped)")
    return problems, links


def window_step(before: Health, opening: Health, hold: float, interval: float, short: float = SHORT_HOLD_S) -> float:
    """Seconds between the polls inside the window: half the hold when the device counts
    the up time of everything the gate watches (a flap between polls shows in its counters),
    the whole hold when the window is `short` or shorter (a poll in between would only say
    sooner what the closing poll and the counters say anyway), else `interval` (then only a
    poll can see a flap)."""
    watched = [f"bgp {p}" for p in before.bgp] + [f"ospf {a}" for a in before.ospf]
    if not all(w in opening.uptimes for w in watched):
        return interval
    return max(interval, hold if hold <= short else hold / 2)


@dataclass
class _Window:
    since: float  # when the poll that opened it started
    last: Health  # the latest healthy poll inside it...
    last_end: float  # ...and when that poll ended
    step: float


def gate(
    poll: Probe | Poller,
    before: Health,
    timeout: float,
    hold: float,
    latest_start: float | None = None,
    interval: float = 1.0,
    short: float = SHORT_HOLD_S,
) -> GateResult:
    """Wait up to `timeout` s for the device to be healthy, then require it to stay healthy for
    `hold` s: a bad poll inside the window, or a flap between two polls, fails the gate at once
    (the change is what broke it). The window opens and closes with a new session's poll.
    `latest_start` (monotonic) is the last moment a window may open and still close before the
    device-side timer fires."""
    look = poll if isinstance(poll, Probe) else Probe(poll)
    started = time.monotonic()
    deadline = started + timeout if latest_start is None else min(started + timeout, latest_start)
    win: _Window | None = None
    polls, fresh_next, earlier = 0, True, []
    while True:
        closing = win is not None and time.monotonic() - win.since >= hold
        fresh = fresh_next or closing or look.quick is None
        at = time.monotonic()
        after = (look.fresh if fresh or look.quick is None else look.quick)()
        ended = time.monotonic()
        polls += 1
        problems = before.missing_from(after)
        lost = before.links_lost(after) if after.management else []
        if win is not None and not problems:
            problems, flaps = flapped(before, win.last, after, at - win.last_end)
            lost += flaps
        fresh_next = not after.management  # the open session broke: a new one tells what is true
        if problems and win is not None:
            if not fresh and not after.management:
                continue
            return GateResult([f"{p} after {at - win.since:.0f} s healthy" for p in problems], lost, 0.0, polls)
        if problems:
            earlier = problems
            if time.monotonic() >= deadline:
                return GateResult(problems, lost, 0.0, polls)
        elif win is None and not fresh:
            fresh_next = True  # healthy over the open session: a new session's poll opens the window
            continue
        elif win is None and at > deadline:
            late = [f"{p} until {at - started:.0f} s after the commit" for p in earlier] or ["healthy too late"]
            return GateResult([*late, f"no time left to hold {hold:.0f} s"], [], 0.0, polls)
        elif win is None:
            win = _Window(at, after, ended, window_step(before, after, hold, interval, short))
        elif closing:
            return GateResult([], [], round(at - win.since, 1), polls)
        else:
            win.last, win.last_end = after, ended
        pause = interval if win is None else min(win.step, win.since + hold - time.monotonic())
        time.sleep(max(0.0, pause))
