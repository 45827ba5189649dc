"""A minimal, ordered RouterOS patch from a device's `/export` to countynet's target.

napalm-ros can only commit-confirm a *merge* (its replace is `/system reset-configuration`,
which removes the scheduled rollback), and merging the whole target would duplicate every `add`.
So the deploy merges a patch: what to `remove`, `set` and `add` so the device's export becomes the
target. A second deploy computes an empty patch.

Parsing uses routeros-diff (PyPI): its `Expression` parser (quoting, `[ find ... ]`, flags) on
each line. Its section diff is not used, for three reasons found reading its 0.5.3 source:
- a key on the device that the target does not mention is blanked (`key=""`), which on RouterOS 7
  would clear what the device computes or defaults (`network=` of `/ip address`, `disabled=no`
  that 7.x prints on routing entries);
- its ordering pass for order-sensitive sections raises KeyError when an entry is removed, and
  appends `place-before` to the *target's* expressions (here: an entry added above existing ones
  gets `place-before=[ find ... ]`; existing entries out of order rebuild the menu);
- napalm-ros reads the export with `terse` (one full command per line), which its section
  splitter takes as one section per line.
The sections here are matched by identity instead: `[ find k=v ]`, a positional name (`set ssh`),
a singleton (`/system identity set`), or a natural key per menu (below); entries without one are
matched by value. Only keys the target renders are compared: the rest belongs to the device.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from routeros_diff.expressions import Expression  # type: ignore[import-untyped]
from routeros_diff.settings import Settings  # type: ignore[import-untyped]

VERBS = ("add", "set", "remove", "disable", "enable", "unset")
# the key that names an `add` entry, when it is not `name`
NATURAL = {
    "/ip address": "address",
    "/ip route": "dst-address",
    "/ip firewall address-list": "address",
    "/ip firewall filter": "comment",
    "/ip firewall mangle": "comment",
    "/routing filter rule": "comment",
    "/routing ospf interface-template": "interfaces",
    "/system logging": "action",
}
# menus where the order of entries is what they mean (first match wins)
ORDERED = ("/ip firewall filter", "/ip firewall mangle", "/routing filter rule")
# menus `/export` never prints: users (their passwords cannot be exported) are provisioned when the
# device is installed, so the patch leaves them alone instead of re-adding them on every run
NOT_EXPORTED = ("/user",)
# menus countynet owns whole: an entry the target does not have is removed even if the menu is gone
MANAGED = (
    "/interface vlan", "/interface wifi security", "/interface wireless security-profiles", "/ip address",
    "/ip route", "/ip firewall address-list", "/ip firewall filter", "/ip firewall mangle", "/queue tree",
    "/routing filter rule",
    "/routing bgp instance", "/routing bgp connection", "/routing ospf instance", "/routing ospf area",
    "/routing ospf interface-template", "/system logging action", "/system logging",
)  # fmt: skip
_PLAIN = re.compile(r"^[A-Za-z0-9_.,:/+@*-]+$")
_SETTINGS = Settings()

Key = tuple[str, str]  # ("default-name", "wifi1"), ("", "ssh") positional, ("", "") singleton


@dataclass
class Entry:
    """One `add` or `set` line: who it is, and its arguments (a flag's value is None)."""

    path: str
    command: str
    key: Key | None
    args: dict[str, str | None]

    def selector(self) -> str:
        if self.key is None:
            return "[ find " + " ".join(_arg(k, v) for k, v in self.args.items() if v is not None) + " ]"
        k, v = self.key
        if not k:
            return v  # "" for a singleton, the positional name otherwise
        return f"[ find {_arg(k, v)} ]"


@dataclass
class Config:
    """Sections in the order they first appear, each a list of entries."""

    sections: dict[str, list[Entry]] = field(default_factory=dict)


def _arg(key: str, value: str | None) -> str:
    if value is None:
        return key
    if value and _PLAIN.match(value):
        return f"{key}={value}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'{key}="{escaped}"'


def _logical_lines(text: str) -> Iterable[str]:
    """Lines with `\\`-continuations joined and comments dropped (non-terse exports wrap at 80)."""
    buf = ""
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if buf:
            line = buf + line.lstrip()
            buf = ""
        if line.endswith("\\"):
            buf = line[:-1]
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.strip()
    if buf.strip():
        yield buf.strip()


def _split(line: str) -> tuple[str | None, str]:
    """(menu or None, the command part) of a line; terse lines carry both."""
    if not line.startswith("/"):
        return None, line
    words = line.split(" ")
    for i, w in enumerate(words):
        if w in VERBS:
            return " ".join(words[:i]), " ".join(words[i:])
    return line, ""


def _entry(path: str, expr: Expression) -> Entry:
    args: dict[str, str | None] = {a.key: (None if a.value is None else str(a.value)) for a in expr.args}
    key: Key | None = None
    if expr.find_expression is not None and expr.find_expression.args:
        first = expr.find_expression.args[0]
        key = (first.key, str(first.value))
    elif expr.command == "set":
        first_key = next(iter(args), None)
        if first_key is not None and args[first_key] is None:
            key = ("", first_key)
            del args[first_key]
        else:
            key = ("", "")
    else:
        if path == "/ip address" and args.get("address") and "/" not in str(args["address"]):
            args["address"] = f"{args['address']}/32"  # the export prints a /32 without its length
        natural = NATURAL.get(path, "name")
        if args.get(natural) is not None:
            key = (natural, str(args[natural]))
    return Entry(path, expr.command, key, args)


def parse(text: str) -> Config:
    """An export (terse or sectioned) or a rendered target, as sections of entries."""
    out = Config()
    path = ""
    for line in _logical_lines(text):
        menu, rest = _split(line)
        if menu is not None:
            path = menu
            out.sections.setdefault(path, [])
        if not rest or not path:
            continue
        expr = Expression.parse(rest, path, _SETTINGS)
        if expr.command not in ("add", "set"):
            continue  # remove/disable lines are not state
        out.sections.setdefault(path, []).append(_entry(path, expr))
    return out


def _changed(new: Entry, old: Entry) -> dict[str, str | None]:
    """Keys of `new` whose value differs on the device (a flag the device lacks is set, never cleared)."""
    out: dict[str, str | None] = {}
    for k, v in new.args.items():
        if new.key is not None and k == new.key[0]:
            continue
        if k not in old.args or old.args[k] != v:
            out[k] = v
    return out


def _project(old: Entry, keys: set[str]) -> tuple[tuple[str, str | None], ...]:
    return tuple(sorted((k, v) for k, v in old.args.items() if k in keys))


@dataclass
class SectionPatch:
    removes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def diff_section(path: str, new: list[Entry], old: list[Entry]) -> SectionPatch:
    """What turns the device's entries of one menu into the target's."""
    out = SectionPatch()
    keys = {k for e in new for k in e.args}

    def ident(e: Entry, on_device: bool) -> object:
        return e.key if e.key is not None else _project(e, keys) if on_device else tuple(sorted(e.args.items()))

    old_by = {ident(e, True): e for e in old}
    new_ids = {ident(e, False) for e in new}
    kept = [ident(e, True) for e in old if ident(e, True) in new_ids]  # in device order
    for e in old:
        if ident(e, True) not in new_ids and e.command == "add":
            out.removes.append(f"remove {e.selector() if e.key else _value_selector(e, keys)}")
    exists = [ident(e, False) in old_by for e in new]
    for i, e in enumerate(new):
        mine = old_by.get(ident(e, False))
        if mine is None:
            out.changes.append(_line(e) + _place_before(path, new, exists, i, keys))
            continue
        delta = _changed(e, mine)
        if delta:
            sel = mine.selector() if mine.command == "add" else e.selector()
            out.changes.append(" ".join(x for x in ("set", sel, *(_arg(k, v) for k, v in delta.items())) if x))
    in_order = kept == [ident(e, False) for e in new if ident(e, False) in old_by]
    if path in ORDERED and not in_order:
        return _rebuild(path, new, old, keys)
    return out


def _place_before(path: str, new: list[Entry], exists: list[bool], i: int, keys: set[str]) -> str:
    """` place-before=[ find ... ]` for an entry added above existing ones in an ordered menu."""
    if path not in ORDERED:
        return ""
    nxt = next((e for e, there in zip(new[i + 1 :], exists[i + 1 :], strict=True) if there), None)
    if nxt is None:
        return ""  # `add` appends: nothing existing comes after it
    return " place-before=" + (nxt.selector() if nxt.key else _value_selector(nxt, keys))


def _value_selector(e: Entry, keys: set[str]) -> str:
    return "[ find " + " ".join(_arg(k, v) for k, v in _project(e, keys) if v is not None) + " ]"


def _line(e: Entry) -> str:
    if e.command == "set":
        sel = e.selector()
        return " ".join(x for x in ("set", sel, *(_arg(k, v) for k, v in e.args.items())) if x)
    return " ".join(["add", *(_arg(k, v) for k, v in e.args.items())])


def _rebuild(path: str, new: list[Entry], old: list[Entry], keys: set[str]) -> SectionPatch:
    """An order-sensitive menu whose order changed: remove its entries and add the target's in order."""
    removes = [f"remove {e.selector() if e.key else _value_selector(e, keys)}" for e in old if e.command == "add"]
    return SectionPatch(removes=removes, changes=[_line(e) for e in new])


def patch(running: str, target: str) -> str:
    """The RouterOS script that turns `running` (an export) into `target`; "" when they agree.

    Removals come first, in reverse dependency order (a firewall rule before the address list it
    names, an address before its VLAN), then sets and adds in the target's order.
    """
    have, want = parse(running), parse(target)
    order = [p for p in want.sections if p not in NOT_EXPORTED]
    order += [p for p in have.sections if p not in want.sections and p in MANAGED]
    parts = {p: diff_section(p, want.sections.get(p, []), have.sections.get(p, [])) for p in order}
    lines: list[str] = []
    for p in reversed(order):
        if parts[p].removes:
            lines += [p, *parts[p].removes]
    for p in order:
        if parts[p].changes:
            lines += [p, *parts[p].changes]
    return "\n".join(lines) + "\n" if lines else ""


def count(script: str) -> int:
    """Commands in a patch (menu lines are not changes)."""
    return sum(1 for line in script.splitlines() if line and not line.startswith(("/", "#")))
