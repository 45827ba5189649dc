"""A verify pass reuses a session an earlier pass kept open only while it is alive: a session that
died between passes is replaced, so it never reads as the device being unreachable."""

from __future__ import annotations

from typing import Any

from nornir_tasks.collect import _session


class Conn:
    def __init__(self, alive: bool | None) -> None:
        self.alive = alive
        self.closed = False

    def is_alive(self) -> dict[str, bool]:
        if self.alive is None:
            raise OSError("socket closed")
        return {"is_alive": self.alive}

    def close(self) -> None:
        self.closed = True


class Host:
    def __init__(self, kept: Conn | None) -> None:
        self.connections: dict[str, Conn] = {"napalm": kept} if kept else {}
        self.opened = 0

    def get_connection(self, name: str, _config: Any) -> Conn:
        if name not in self.connections:
            self.opened += 1
            self.connections[name] = Conn(True)
        return self.connections[name]

    def close_connection(self, name: str) -> None:
        self.connections.pop(name).close()


class Task:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.nornir = type("N", (), {"config": None})()


def test_a_live_kept_session_is_reused() -> None:
    kept = Conn(True)
    task = Task(Host(kept))
    assert _session(task) is kept and task.host.opened == 0  # type: ignore[arg-type]


def test_a_dead_kept_session_is_replaced() -> None:
    for dead in (Conn(False), Conn(None)):
        task = Task(Host(dead))
        conn = _session(task)  # type: ignore[arg-type]
        assert conn is not dead and conn.alive and dead.closed and task.host.opened == 1


def test_no_kept_session_opens_one() -> None:
    task = Task(Host(None))
    assert _session(task).alive and task.host.opened == 1  # type: ignore[arg-type]
