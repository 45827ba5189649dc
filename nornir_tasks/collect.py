"""Collect what verify needs from one device: show commands (TextFSM-parsed later) and routes."""

from __future__ import annotations

from typing import Any

from nornir.core.task import Result, Task

# Show commands per NAPALM driver; platforms without an entry are verified through getters only.
SHOW_COMMANDS: dict[str, list[str]] = {
    "frr": ["show ip ospf neighbor", "show bgp summary", "show interface brief"],
    "ios": ["show ip ospf neighbor", "show ip bgp summary", "show ip interface brief"],
}


def collect_state(task: Task, prefixes: list[str]) -> Result:
    conn = task.host.get_connection("napalm", task.nornir.config)
    commands = SHOW_COMMANDS.get(str(task.host.platform), [])
    outputs: dict[str, Any] = conn.cli(commands) if commands else {}
    routes: dict[str, bool] = {}
    for prefix in prefixes:
        try:
            routes[prefix] = bool(conn.get_route_to(destination=prefix))
        except Exception:
            routes[prefix] = False
    return Result(task.host, result={"outputs": outputs, "routes": routes})
