"""The health gate: after a commit, what worked before must work again AND keep working.

"Never make it worse" rather than a fixed checklist: management, every BGP session that was up
with at least the prefixes it had, every OSPF adjacency that was full, every shared-service
route. A first healthy poll proves little (a BGP session outlives a dropped TCP/179 until its
hold time runs out), so the device must stay healthy for a hold window at least one protocol
dead/hold interval long (countynet.deploy.gate derives it from the rendered timers); the poll
that closes the window is the check made just before confirming.
"""

from __future__ import annotations

import contextlib
import json
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
    h = Health(management=True)
    with contextlib.suppress(Exception):  # a device without BGP answers with an error on some platforms
        peers = conn.get_bgp_neighbors().get("global", {}).get("peers", {})
        h.bgp = {ip: _received(p) for ip, p in peers.items() if p.get("is_up")}
    with contextlib.suppress(Exception):
        h.links = {
            name: "up" if i.get("is_up") else ("no-carrier" if i.get("is_enabled") else "admin-down")
            for name, i in conn.get_interfaces().items()
        }
    if platform is not None and platform.collect.ospf_neighbors:
        h.ospf = _ospf_full(conn, platform)
    h.routes = _routes(conn, prefixes, platform)
    return h


def _received(peer: dict[str, Any]) -> int:
    fams = peer.get("address_family") or {}
    return sum(max(0, int(f.get("received_prefixes", 0) or 0)) for f in fams.values())


def _ospf_full(conn: Any, platform: Platform) -> set[str]:
    from countynet.verify.parse import parse

    cmd = platform.collect.ospf_neighbors
    assert cmd is not None
    try:
        rows = parse(platform, cmd, conn.cli([cmd])[cmd])
    except Exception:
        return set()
    return {f"{r.get('interface')} {r.get('address')}" for r in rows if str(r.get("state", "")).startswith("Full")}


def _routes(conn: Any, prefixes: list[str], platform: Platform | None) -> set[str]:
    cmd = platform.collect.routes_json if platform is not None else None
    if cmd and prefixes:
        with contextlib.suppress(Exception):
            table = json.loads(conn.cli([cmd])[cmd])
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


def poller(host: Any, nornir_config: Any, prefixes: list[str], platform: Platform | None) -> Poller:
    def poll() -> Health:
        conn = None
        try:
            conn = fresh_connection(host, nornir_config)
            return snapshot(conn, prefixes, platform)
        except Exception:
            return Health(management=False)
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()

    return poll


def gate(
    poll: Poller, before: Health, timeout: float, hold: float, latest_start: float | None = None, interval: float = 1.0
) -> GateResult:
    """Wait up to `timeout` s for the device to be healthy, then require it to stay healthy for
    `hold` s: a bad poll inside the window fails the gate at once (the change is what broke it).
    `latest_start` (monotonic) is the last moment a window may open and still close before the
    device-side timer fires."""
    started = time.monotonic()
    deadline = started + timeout
    if latest_start is not None:
        deadline = min(deadline, latest_start)
    healthy_since: float | None = None
    polls = 0
    earlier: list[str] = []
    while True:
        at = time.monotonic()
        after = poll()
        polls += 1
        problems = before.missing_from(after)
        if problems and healthy_since is not None:
            lost = before.links_lost(after) if after.management else []
            return GateResult([f"{p} after {at - healthy_since:.0f} s healthy" for p in problems], lost, 0.0, polls)
        if problems:
            earlier = problems
            if time.monotonic() >= deadline:
                return GateResult(problems, before.links_lost(after) if after.management else [], 0.0, polls)
        elif healthy_since is None and at > deadline:
            late = [f"{p} until {at - started:.0f} s after the commit" for p in earlier] or ["healthy too late"]
            return GateResult([*late, f"no time left to hold {hold:.0f} s"], [], 0.0, polls)
        else:
            healthy_since = at if healthy_since is None else healthy_since
            if at - healthy_since >= hold:
                return GateResult([], [], round(at - healthy_since, 1), polls)
        time.sleep(interval)
