"""A RouterOS 7 device behind librouteros's socket transport, for the real napalm-ros driver.

Only the byte stream is replaced: napalm-ros 1.6 and librouteros 4.2 run unchanged, encode their
API sentences, and this device decodes them, keeps its configuration, and answers with the reply
sentences RouterOS sends (`!re`/`!done`/`!trap =message=...`). See README.md for where each shape
comes from. The configuration is state, not a script: `/import` applies each command to it and
`/export` prints it back, so "the second deploy is empty" is a property of the patch.

The command database of routeros-lsp (RouterOS 7.21.4) decides which menus, commands and
parameters exist, as the router's own parser would.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import librouteros
from librouteros.exceptions import ConnectionClosed
from librouteros.protocol import decode_length, determine_length, encode_sentence
from routeros_lsp.analyze import bundled_schema

VERSION = "7.21.4"
ROLLBACK_COMMENT = "librouteros rollback dead man switch"
SERVICES = ("telnet", "ftp", "www", "ssh", "www-ssl", "api", "winbox", "api-ssl")
PHYSICAL = {"/interface ethernet": [f"ether{n}" for n in range(1, 11)] + ["sfp-sfpplus1"],
            "/interface wifi": ["wifi1", "wifi2", "wifi3"]}  # fmt: skip
NOT_EXPORTED = ("/user",)
INLINE_LIMIT = 4096  # RouterOS leaves `contents` out of /file/print above this size


class ImportFailed(Exception):
    """An /import that RouterOS refuses; the text is the trap message."""


@dataclass
class Item:
    args: dict[str, str | None]
    defaults: dict[str, str | None] = field(default_factory=dict)
    added: bool = True  # False: exists on the device by itself (a port, a service, a default entry)


@dataclass
class Device:
    """One RouterOS 7 router: configuration, files, scheduler, reboots."""

    identity: str
    username: str = "netops"
    password: str = "pw"
    model: str = "RB4011iGS+"
    menus: dict[str, list[Item]] = field(default_factory=dict)
    singletons: dict[str, dict[str, str | None]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    backups: dict[str, Any] = field(default_factory=dict)
    scheduler: list[dict[str, str]] = field(default_factory=list)
    reboots: int = 0
    generation: int = 0  # bumped by a reboot: sessions opened before it are dead
    imports: list[str] = field(default_factory=list)  # every script applied (not dry runs)
    fail_import: str | None = None  # a runtime failure to report on the next real /import
    unknown_params: tuple[str, ...] = ()  # parameters this device's RouterOS does not know (older package)
    lock_out_after_import: bool = False  # the applied change blocks new API sessions (kept ones live)
    locked_out: bool = False
    _ids: int = 0

    def __post_init__(self) -> None:
        for menu, names in PHYSICAL.items():
            self.menus[menu] = [Item({"default-name": n, "name": n}, {"name": n}, added=False) for n in names]
        self.menus["/ip service"] = [
            Item({"name": s, "disabled": "no", "address": ""}, {"disabled": "no", "address": ""}, added=False)
            for s in SERVICES
        ]
        self.menus["/snmp community"] = [
            Item({"default": "yes", "name": "public", "disabled": "no"}, {"disabled": "no"}, added=False)
        ]
        self.menus["/ip dhcp-client"] = [Item({"interface": "ether1"})]

    # ------------------------------------------------------------------ state as text
    def state(self) -> Any:
        return copy.deepcopy((self.menus, self.singletons))

    def restore(self, state: Any) -> None:
        self.menus, self.singletons = copy.deepcopy(state)

    def export(self, terse: bool = True) -> str:
        head = [f"# 2026-12-01 10:00:00 by RouterOS {VERSION}", "# software id = 7R5N-KQ8B", "#",
                f"# model = {self.model}", "# serial number = HD908AB8C2D"]  # fmt: skip
        body: list[tuple[str, str]] = []
        for menu in sorted(set(self.menus) | set(self.singletons)):
            if menu in NOT_EXPORTED:
                continue
            if self.singletons.get(menu):
                body.append((menu, "set " + _args(self.singletons[menu])))
            for it in self.menus.get(menu, []):
                body += [(menu, line) for line in _export_item(menu, it)]
        if terse:
            return "\n".join(head + [f"{m} {line}" for m, line in body]) + "\n"
        out, last = list(head), ""
        for m, line in body:
            if m != last:
                out.append(m)
                last = m
            out.append(line)
        return "\n".join(out) + "\n"

    # ------------------------------------------------------------------ /import
    def run_script(self, text: str, dry_run: bool = False) -> None:
        """Check every line against the command database, then (unless dry_run) apply in order."""
        commands = list(_commands(text))
        for menu, words, n in commands:
            _check(menu, words, n, self.unknown_params)
        if dry_run:
            return
        self.imports.append(text)
        for menu, words, n in commands:
            if self.fail_import and self.fail_import in " ".join(words):
                self.fail_import = None
                raise ImportFailed(f"failure: could not apply {words[0]} (line {n} column 1)")
            self._apply(menu, words, n)
        self.locked_out = self.lock_out_after_import

    def _apply(self, menu: str, words: list[str], n: int) -> None:
        verb, rest = words[0], words[1:]
        find, rest = _find(rest)
        args = _parse_args(rest)
        items = self.menus.setdefault(menu, [])
        if verb == "add":
            before = args.pop("place-before", None)
            name = args.get("name")
            if name is not None and any(it.args.get("name") == name for it in items):
                raise ImportFailed(f"failure: item with such name already exists (line {n} column 1)")
            at = next((i for i, it in enumerate(items) if before and _matches(it, before)), len(items))
            items.insert(at, Item(args))
            return
        if verb == "remove":
            keep = [it for it in items if not (find is not None and _matches(it, find))]
            if find is None and rest:
                keep = [it for it in items if it.args.get("name") != rest[0]]
            if any(not it.added for it in items if it not in keep):
                raise ImportFailed(f"failure: default entry can not be removed (line {n} column 1)")
            self.menus[menu] = keep
            return
        if verb != "set":
            raise ImportFailed(f"bad command name {verb} (line {n} column 1)")
        if find is None and rest and rest[0].split("=")[0] not in _params(menu, "set"):
            find = {"name": rest[0]}
            args = _parse_args(rest[1:])
        if find is None:
            self.singletons.setdefault(menu, {}).update(args)
            return
        hits = [it for it in items if _matches(it, find)]
        if not hits and "default-name" not in find:
            raise ImportFailed(f"no such item (line {n} column 1)")
        for it in hits:
            it.args.update(args)

    # ------------------------------------------------------------------ timers and reboots
    def reboot(self) -> None:
        self.reboots += 1
        self.generation += 1
        self.locked_out = False  # the restored configuration lets management in again

    def load_backup(self, name: str) -> None:
        self.restore(self.backups[name]["state"])
        self.scheduler = copy.deepcopy(self.backups[name]["scheduler"])
        self.reboot()

    def fire_timer(self) -> bool:
        """The revert timer's interval has passed: run its on-event (a backup load, which reboots)."""
        job = next((j for j in self.scheduler if j["comment"] == ROLLBACK_COMMENT), None)
        if job is None:
            return False
        m = re.search(r'/system backup load name="([^"]+)"', job["on-event"])
        assert m is not None
        self.load_backup(m.group(1))
        return True

    def next_id(self) -> str:
        self._ids += 1
        return f"*{self._ids:X}"


# ---------------------------------------------------------------------- script parsing (the device's own)
def _commands(text: str) -> Any:
    menu = ""
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("/"):
            parts = line.split(" ", 1)
            words = parts[0][1:].split("/") if "/" in parts[0][1:] else [parts[0][1:]]
            rest = parts[1] if len(parts) > 1 else ""
            tokens = shlex.split(rest, posix=True) if rest else []
            path = list(words)
            while tokens and tokens[0] not in ("add", "set", "remove", "print", "export") and "=" not in tokens[0]:
                path.append(tokens.pop(0))
            menu = "/" + " ".join(path)
            if tokens:
                yield menu, tokens, n
            continue
        yield menu, shlex.split(line, posix=True), n


def _node(menu: str) -> Any:
    node = bundled_schema().root
    for w in menu.strip("/").split():
        node = (node.get("c") or {}).get(w)
        if node is None:
            return None
    return node


def _params(menu: str, verb: str) -> set[str]:
    node = _node(menu)
    cmd = (node or {}).get("c", {}).get(verb) if node else None
    return set((cmd or {}).get("a", {}))


def _check(menu: str, words: list[str], n: int, unknown: tuple[str, ...] = ()) -> None:
    node = _node(menu)
    if node is None:
        raise ImportFailed(f"bad command name {menu.strip('/').split()[-1]} (line {n} column 2)")
    verb = words[0]
    if verb not in (node.get("c") or {}):
        raise ImportFailed(f"bad command name {verb} (line {n} column 1)")
    params = _params(menu, verb)
    _, rest = _find(words[1:])
    for w in _parse_args(rest):
        key = w
        if (key not in params and not _is_flag(menu, verb, key)) or key in unknown:
            raise ImportFailed(f"expected end of command (line {n} column {len(verb) + 2})")


def _is_flag(menu: str, verb: str, key: str) -> bool:
    node = _node(menu)
    cmd = (node or {}).get("c", {}).get(verb) or {}
    return bool(cmd.get("u")) or verb == "set"  # positional words: a flag, or the entry's name on `set`


def _find(words: list[str]) -> tuple[dict[str, str] | None, list[str]]:
    if words and words[0] == "[":
        end = words.index("]")
        inner = words[1:end]
        assert inner and inner[0] == "find", inner
        return dict(w.split("=", 1) for w in inner[1:] if "=" in w), words[end + 1 :]
    return None, words


def _parse_args(words: list[str]) -> dict[str, Any]:
    """Arguments; `place-before=[ find k=v ]` becomes {"place-before": {k: v}}."""
    out: dict[str, Any] = {}
    i = 0
    while i < len(words):
        w = words[i]
        if w.endswith("=["):
            end = words.index("]", i)
            out[w[:-2]] = dict(x.split("=", 1) for x in words[i + 2 : end] if "=" in x)
            i = end + 1
            continue
        out[w.split("=", 1)[0]] = w.split("=", 1)[1] if "=" in w else None
        i += 1
    return out


def _matches(it: Item, find: dict[str, str]) -> bool:
    return all(it.args.get(k) == v for k, v in find.items())


def _quote(v: str) -> str:
    if v and re.fullmatch(r"[A-Za-z0-9_.,:/+@*-]+", v):
        return v
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def _args(args: dict[str, str | None]) -> str:
    return " ".join(k if v is None else f"{k}={_quote(v)}" for k, v in sorted(args.items()))


def _export_item(menu: str, it: Item) -> list[str]:
    """How RouterOS 7 prints one entry: compact (defaults left out), arguments sorted."""
    if not it.added:
        changed = {
            k: v for k, v in it.args.items() if k not in ("default-name", "default") and it.defaults.get(k, "\0") != v
        }
        if menu == "/interface ethernet" or menu == "/interface wifi":
            changed.pop("name", None) if it.args.get("name") == it.defaults.get("name") else None
            return [f"set [ find default-name={it.args['default-name']} ] {_args(changed)}"] if changed else []
        if "default" in it.args:
            return [f"set [ find default=yes ] {_args(changed)}"] if changed else []
        changed.pop("name", None)
        return [f"set {it.args['name']} {_args(changed)}"] if changed else []
    args = dict(it.args)
    if menu == "/ip address" and args.get("address"):
        net = ipaddress.ip_interface(str(args["address"]))
        args["network"] = str(net.network.network_address)
        if net.network.prefixlen == 32:
            args["address"] = str(net.ip)
    if menu.startswith("/routing") and "disabled" not in args:
        args["disabled"] = "no"
    return ["add " + _args(args)]


# ---------------------------------------------------------------------- the API (sentences over bytes)
class Transport:
    """librouteros SocketTransport's interface (write/read/close) over a Device instead of a socket."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self.generation = device.generation
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.closed = False
        self.sentences: list[tuple[str, ...]] = []  # what the driver sent, for the tests to read

    def write(self, data: bytes) -> None:
        self._alive()
        self.inbox += data
        while True:
            sentence = _take_sentence(self.inbox)
            if sentence is None:
                return
            self.sentences.append(sentence)
            for reply in Api(self.device).answer(sentence):
                self.outbox += encode_sentence(*reply, encoding="ASCII")

    def read(self, length: int) -> bytes:
        if len(self.outbox) < length:
            raise ConnectionClosed("Connection unexpectedly closed.")
        out = bytes(self.outbox[:length])
        del self.outbox[:length]
        return out  # a reply sent before a reboot still arrives; the next request finds the session gone

    def close(self) -> None:
        self.closed = True

    def _alive(self) -> None:
        if (self.closed or self.generation != self.device.generation) and not self.outbox:
            raise ConnectionClosed("Connection unexpectedly closed.")


def _take_sentence(buf: bytearray) -> tuple[str, ...] | None:
    words: list[str] = []
    pos = 0
    while True:
        if pos >= len(buf):
            return None
        first = bytes(buf[pos : pos + 1])
        if first == b"\x00":
            del buf[: pos + 1]
            return tuple(words)
        extra = determine_length(first)
        length = decode_length(bytes(buf[pos : pos + 1 + extra]))
        start = pos + 1 + extra
        if start + length > len(buf):
            return None
        words.append(bytes(buf[start : start + length]).decode("ascii"))
        pos = start + length


class Api:
    """Answers one API sentence the way RouterOS 7 does."""

    def __init__(self, device: Device) -> None:
        self.d = device

    def answer(self, sentence: tuple[str, ...]) -> list[tuple[str, ...]]:
        cmd, words = sentence[0], sentence[1:]
        args = {w[1:].split("=", 1)[0]: w[1:].split("=", 1)[1] for w in words if w.startswith("=")}
        query = [w for w in words if w.startswith("?")]
        tag = [w for w in words if w.startswith(".tag=")]
        try:
            rows = self.dispatch(cmd, args, query)
        except ImportFailed as exc:
            return [("!trap", f"=message={exc}", *tag), ("!done", *tag)]
        return [("!re", *(f"={k}={v}" for k, v in r.items()), *tag) for r in rows[:-1]] + [
            ("!done", *(f"={k}={v}" for k, v in rows[-1].items()), *tag)
        ]

    def dispatch(self, cmd: str, args: dict[str, str], query: list[str]) -> list[dict[str, str]]:
        d = self.d
        done: list[dict[str, str]] = [{}]
        if cmd == "/login":
            if (args.get("name"), args.get("password")) != (d.username, d.password):
                raise ImportFailed("invalid user name or password (6)")
            return done
        if cmd == "/system/package/update/print":
            return [{"channel": "stable", "installed-version": VERSION}, {}]
        if cmd == "/system/resource/print":
            return [{"version": f"{VERSION} (stable)", "board-name": d.model, "platform": "MikroTik",
                     "uptime": "1d2h3m4s"}, {}]  # fmt: skip
        if cmd == "/system/identity/print":
            return [{"name": d.identity}, {}]
        if cmd == "/export":
            d.files[args["file"] + ".rsc"] = d.export(terse=args.get("terse") == "yes")
            return done
        if cmd == "/file/print":
            return self.select(self.file_rows(), args, query) + done
        if cmd == "/file/read":  # RouterOS 7.13+: a file too big for /file/print's inline contents
            text, at = d.files[args["file"]], int(args.get("offset", "0"))
            return [{"data": text[at : at + int(args.get("chunk-size", "32768"))]}, {}]
        if cmd == "/file/add":
            if args["name"] in d.files:
                raise ImportFailed("failure: file already exists")
            d.files[args["name"]] = args.get("contents", "")
            return [{"ret": d.next_id()}]
        if cmd == "/file/remove":
            ids = set(args[".id"].split(","))
            d.files = {n: c for n, c in d.files.items() if self.file_id(n) not in ids}
            return done
        if cmd == "/import":
            text = d.files.get(args["file-name"])
            if text is None:
                raise ImportFailed("no such file")
            d.run_script(text, dry_run=args.get("dry-run") == "yes")
            return done
        if cmd == "/system/backup/save":
            d.backups[args["name"]] = {"state": d.state(), "scheduler": copy.deepcopy(d.scheduler)}
            d.files[args["name"] + ".backup"] = "<binary backup>"
            return done
        if cmd == "/system/backup/load":
            d.load_backup(args["name"])
            return done
        if cmd == "/system/scheduler/add":
            d.scheduler.append({".id": d.next_id(), **args})
            return done
        if cmd == "/system/scheduler/print":
            return self.select(d.scheduler, args, query) + done
        if cmd == "/system/scheduler/remove":
            ids = set(args[".id"].split(","))
            d.scheduler = [j for j in d.scheduler if j[".id"] not in ids]
            return done
        if cmd.endswith("/print"):
            return done  # a menu with nothing in it (BGP sessions on a router without BGP, ...)
        raise ImportFailed("no such command prefix")

    def file_id(self, name: str) -> str:
        return f"*F{sorted(self.d.files).index(name)}" if name in self.d.files else ""

    def file_rows(self) -> list[dict[str, str]]:
        rows = []
        for name, text in sorted(self.d.files.items()):
            row = {".id": self.file_id(name), "name": name, "type": "script" if name.endswith(".rsc") else "backup",
                   "size": str(len(text))}  # fmt: skip
            if len(text) < INLINE_LIMIT:
                row["contents"] = text
            rows.append(row)
        return rows

    @staticmethod
    def select(rows: list[dict[str, str]], args: dict[str, str], query: list[str]) -> list[dict[str, str]]:
        conds = [q[2:].split("=", 1) for q in query if q.startswith("?=")]
        hits = [r for r in rows if all(r.get(k) == v for k, v in conds)]
        keys = args.get(".proplist")
        if keys:
            hits = [{k: r[k] for k in keys.split(",") if k in r} for r in hits]
        return [dict(h) for h in hits]


class Network:
    """Recorded devices by management address; `connect` is what librouteros.create_transport becomes."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.transports: list[Transport] = []

    def add(self, address: str, device: Device) -> Device:
        self.devices[address] = device
        return device

    def create_transport(self, host: str, **_: Any) -> Transport:
        device = self.devices.get(host)
        if device is None or device.locked_out:
            raise TimeoutError(f"timed out connecting to {host}:8728")
        t = Transport(device)
        self.transports.append(t)
        return t

    def install(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(librouteros, "create_transport", self.create_transport)
