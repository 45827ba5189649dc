"""Collect what verify needs from one device: show commands (TextFSM-parsed later) and routes."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from nornir.core.task import Result, Task

from countynet.platforms import platform_of
from nornir_tasks.health import session_alive


def collect_state(task: Task, prefixes: list[str]) -> Result:
    conn = _session(task)
    collect = platform_of(task.host).collect
    commands = collect.commands
    table_cmd = collect.routes_json
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


def _session(task: Task) -> Any:
    """The device's session: the one an earlier pass kept open if it is still alive, else a new one
    (a session that died between passes must not read as the device being unreachable)."""
    kept = "napalm" in task.host.connections
    conn = task.host.get_connection("napalm", task.nornir.config)
    if kept and not session_alive(conn, unknown=False):
        with contextlib.suppress(Exception):
            task.host.close_connection("napalm")
        conn = task.host.get_connection("napalm", task.nornir.config)
    return conn


def radio_outputs(task: Task, commands: dict[str, list[str]]) -> Result:
    """Radio acceptance: the printed output of this host's radio commands (countynet.accept.collect)."""
    conn = task.host.get_connection("napalm", task.nornir.config)
    wanted = commands.get(task.host.name, [])
    return Result(task.host, result=conn.cli(list(wanted)) if wanted else {})
