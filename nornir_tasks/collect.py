"""Collect what verify needs from one device: show commands (TextFSM-parsed later) and routes."""

from __future__ import annotations

import json
from typing import Any

from nornir.core.task import Result, Task

# Show commands per NAPALM driver; platforms without an entry are verified through getters only.
SHOW_COMMANDS: dict[str, list[str]] = {
    "frr": ["show ip ospf neighbor", "show bgp summary", "show interface brief"],
    "ios": ["show ip ospf neighbor", "show ip bgp summary", "show ip interface brief"],
}


ROUTE_TABLE_JSON = {"frr": "show ip route json"}  # one round trip instead of a getter per prefix


def collect_state(task: Task, prefixes: list[str]) -> Result:
    conn = task.host.get_connection("napalm", task.nornir.config)
    platform = str(task.host.platform)
    commands = SHOW_COMMANDS.get(platform, [])
    table_cmd = ROUTE_TABLE_JSON.get(platform)
    outputs: dict[str, Any] = conn.cli([*commands, table_cmd] if table_cmd else commands) if commands else {}
    routes: dict[str, bool] = {}
    if table_cmd:
        try:
            table = json.loads(outputs.pop(table_cmd))
            return Result(task.host, result={"outputs": outputs, "routes": {p: bool(table.get(p)) for p in prefixes}})
        except (ValueError, AttributeError):
            pass  # fall back to the NAPALM getter below
    for prefix in prefixes:
        try:
            routes[prefix] = bool(conn.get_route_to(destination=prefix))
        except Exception:
            routes[prefix] = False
    return Result(task.host, result={"outputs": outputs, "routes": routes})
