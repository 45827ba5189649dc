"""The health gate: after a commit, what worked before must work again, or the change goes.

"Never make it worse" rather than a fixed checklist: on a bare device nothing is expected
beyond management; on a converged one every BGP session that was up and every shared-service
route that was present must come back within the timeout.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from napalm import get_network_driver


@dataclass
class Health:
    management: bool = False
    bgp_up: set[str] = field(default_factory=set)
    routes: set[str] = field(default_factory=set)

    def missing_from(self, after: Health) -> list[str]:
        problems = []
        if not after.management:
            problems.append("management unreachable")
        problems += [f"BGP session to {p} down" for p in sorted(self.bgp_up - after.bgp_up)]
        problems += [f"route to {r} lost" for r in sorted(self.routes - after.routes)]
        return problems


def snapshot(conn: Any, prefixes: list[str]) -> Health:
    h = Health(management=True)
    try:
        peers = conn.get_bgp_neighbors().get("global", {}).get("peers", {})
        h.bgp_up = {ip for ip, p in peers.items() if p.get("is_up")}
    except Exception:  # a device without BGP configured answers with an error on some platforms
        h.bgp_up = set()
    for prefix in prefixes:
        try:
            # napalm ios answers {prefix: []} when the route is absent: count only a route with an entry
            if any(conn.get_route_to(destination=prefix).values()):
                h.routes.add(prefix)
        except Exception:
            continue
    return h


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


def gate(host: Any, nornir_config: Any, before: Health, prefixes: list[str], timeout: float) -> list[str]:
    """Poll until everything healthy before is healthy again; return what is still missing."""
    deadline = time.monotonic() + timeout
    problems = ["not checked"]
    while True:
        after = Health()
        conn = None
        try:
            remaining = max(2, int(deadline - time.monotonic()))
            conn = fresh_connection(host, nornir_config, timeout=min(10, remaining))
            after = snapshot(conn, prefixes)
        except Exception:
            after = Health(management=False)
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
        problems = before.missing_from(after)
        if not problems or time.monotonic() >= deadline:
            return problems
        time.sleep(1.0)
