"""The loading budget: how much any user file may make countynet read, parse and build.

Inventories arrive in pull requests, so every file is untrusted input: an eleven-line YAML file
whose aliases expand exponentially, a 100 MB value, a symlink to /dev/zero. Each limit below is a
named setting with a default that is generous for a national inventory (7,011 devices load at a
fraction of every limit) and small enough that no file can hang or exhaust the machine reading it.

The defaults live in code, never in the inventory (a pull request could raise them). Override one
for a run with `COUNTYNET_LIMIT_<NAME>=<value>` or `countynet --limit name=value` (sizes take
k/M/G suffixes, binary). Other modules read user files through `read_user_file`,
`read_user_text` and `safe_yaml_load` here, so the same budget holds on every path.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError, Pos

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
ENV_PREFIX = "COUNTYNET_LIMIT_"
MAX_DEPTH_SETTING = 200  # the builder recurses once per level: stay far below Python's recursion limit

# Rule ids of the budget findings (registered as load rules in countynet.checks.registry).
ALIAS, DEPTH, NODES, SCALAR, SIZE, FILES, OUTSIDE = "CN003", "CN004", "CN005", "CN006", "CN007", "CN008", "CN009"
RULES = {
    ALIAS: ("yaml-alias", "an alias loops, or anchors/aliases go beyond the `aliases` / `alias_nodes` limits"),
    DEPTH: ("too-deep", "values nested deeper than the `depth` limit"),
    NODES: ("too-many-values", "a file holds more values than the `nodes` limit (aliases counted expanded)"),
    SCALAR: ("value-too-long", "one value is longer than the `scalar_chars` limit"),
    SIZE: ("file-too-large", "a file is larger than `file_bytes`, or all files together exceed `total_bytes`"),
    FILES: ("too-many-files", "a folder or revision holds more files than the `files` limit"),
    OUTSIDE: ("outside-inventory", "a symlink or path leads outside the folder, or an entry is not a regular file"),
}


@dataclass(frozen=True)
class Limits:
    """The budget; every field is a named, overridable setting."""

    file_bytes: int = 8 * MiB  # one file (a national allocations.yml is 1 MB)
    total_bytes: int = 64 * MiB  # all files of one inventory, or one extracted git revision
    files: int = 2_000  # files in one inventory folder, or in one extracted git revision
    depth: int = 32  # nesting of mappings and sequences (the schema needs 5)
    nodes: int = 250_000  # values in one file, aliases expanded (a national lock has 59,000)
    scalar_chars: int = 16 * KiB  # one value or key
    aliases: int = 100  # alias uses in one file; 0 refuses anchors and aliases altogether
    alias_nodes: int = 10_000  # values that alias uses add to one file, summed

    def describe(self) -> list[tuple[str, int, str]]:
        """(name, value, meaning) for every setting, for `countynet limits` and the docs."""
        return [(f.name, getattr(self, f.name), _MEANING[f.name]) for f in fields(self)]


_MEANING = {
    "file_bytes": "bytes in one file, checked before it is read",
    "total_bytes": "bytes in all files of an inventory or of one extracted git revision",
    "files": "files in an inventory's towns folder or in one extracted git revision",
    "depth": "nesting of mappings and sequences",
    "nodes": "values in one YAML file, aliases counted as expanded",
    "scalar_chars": "characters in one value or key",
    "aliases": "alias uses in one YAML file (0: anchors and aliases refused)",
    "alias_nodes": "values added by alias uses in one YAML file",
}

_overrides: dict[str, int] = {}


class InputRefused(CountynetError):
    """A user file the budget refuses; the loader turns it into a finding of rule `rule`."""

    def __init__(self, rule: str, what: str, fix: str, where: Pos | str | None = None) -> None:
        super().__init__(what, fix, where)
        self.rule = rule


def parse_value(name: str, text: str) -> int:
    """An integer setting from text: `4096`, `16k`, `8M`, `1G` (binary multiples)."""
    t = text.strip().lower().removesuffix("b")
    mult = {"k": KiB, "m": MiB, "g": GiB}.get(t[-1:], 1)
    digits = t[:-1] if mult != 1 else t
    if not digits.isdigit():
        raise CountynetError(f"limit {name}: {text!r} is not a whole number", "write e.g. 5000, 64k or 8M")
    value = int(digits) * mult
    if name == "depth" and value > MAX_DEPTH_SETTING:
        raise CountynetError(f"limit depth: at most {MAX_DEPTH_SETTING}", "flatten the inventory instead")
    return value


def _known(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    if key not in _MEANING:
        raise CountynetError(f"unknown limit {name!r}", "known limits: " + ", ".join(_MEANING))
    return key


def set_overrides(pairs: list[str]) -> None:
    """Apply `name=value` pairs (the CLI's --limit) on top of the environment, for this process."""
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CountynetError(f"--limit {pair!r}: expected name=value", "e.g. --limit depth=40")
        key = _known(name)
        _overrides[key] = parse_value(key, value)


def current(env: dict[str, str] | None = None) -> Limits:
    """The defaults, then COUNTYNET_LIMIT_* from the environment, then --limit overrides."""
    env = dict(os.environ) if env is None else env
    values: dict[str, int] = {}
    for f in fields(Limits):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is not None and raw != "":
            values[f.name] = parse_value(f.name, raw)
    values.update(_overrides)
    return replace(Limits(), **values)


def _mb(n: int) -> str:
    return f"{n / MiB:.1f} MB" if n >= MiB else f"{n} bytes"


class Budget:
    """Running totals over the files of one inventory: the whole-inventory limits."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or current()
        self.bytes = 0

    def take(self, size: int, where: str) -> None:
        self.bytes += size
        if self.bytes > self.limits.total_bytes:
            raise InputRefused(
                SIZE,
                f"the files read so far hold {_mb(self.bytes)}, over the total_bytes limit of "
                f"{_mb(self.limits.total_bytes)}",
                "split the change, or raise COUNTYNET_LIMIT_TOTAL_BYTES if this is a real inventory",
                Pos(where, 1, 1),
            )


def outside(path: Path, root: Path) -> str | None:
    """Why `path` escapes `root` through a symlink ('' when it does not), or None when it is inside."""
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
        return None
    try:
        return os.readlink(path)
    except OSError:
        return ""


def read_user_file(
    path: Path | str,
    limits: Limits | None = None,
    *,
    root: Path | str | None = None,
    display: str | None = None,
    budget: Budget | None = None,
) -> bytes:
    """The bytes of a user file within the budget: refused when it is not a regular file, leads out of
    `root` (when given) through a symlink, or is over `file_bytes` (checked before reading)."""
    path = Path(path)
    name = display or str(path)
    limits = limits or (budget.limits if budget else current())
    if root is not None:
        target = outside(path, Path(root))
        if target is not None:
            shown = f" (a symlink to {target})" if target else ""
            raise InputRefused(
                OUTSIDE,
                f"this file leads outside the inventory folder{shown}",
                "replace the symlink by the file itself",
                Pos(name, 1, 1),
            )
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise CountynetError(f"file not found: {name}", "create it or point --inventory at the right folder") from None
    except OSError as exc:
        raise InputRefused("CN000", f"cannot read {name}: {exc.strerror}", "check the file", Pos(name)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputRefused(OUTSIDE, "this is not a regular file", "replace it by a plain file", Pos(name, 1, 1))
        if st.st_size > limits.file_bytes:
            raise _too_large(name, st.st_size, limits)
        chunks, left = [], limits.file_bytes + 1
        while left > 0:  # read at most the limit: the file may grow while we read
            chunk = os.read(fd, min(left, MiB))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limits.file_bytes:
        raise _too_large(name, len(data), limits)
    if budget is not None:
        budget.take(len(data), name)
    return data


def _too_large(name: str, size: int, limits: Limits) -> InputRefused:
    return InputRefused(
        SIZE,
        f"this file is {_mb(size)}, over the file_bytes limit of {_mb(limits.file_bytes)}",
        "split the file, or raise COUNTYNET_LIMIT_FILE_BYTES if this is a real inventory",
        Pos(name, 1, 1),
    )


def decode_utf8(data: bytes, name: str) -> str:
    """Text of a user file; a byte that is not UTF-8 is refused with its line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        utf16 = " (it looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise InputRefused(
            "CN000",
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded{utf16}",
            "save the file as UTF-8",
            Pos(name, line, col),
        ) from None


def read_user_text(
    path: Path | str, limits: Limits | None = None, *, root: Path | str | None = None, display: str | None = None
) -> str:
    """`read_user_file` decoded as UTF-8."""
    name = display or str(path)
    return decode_utf8(read_user_file(path, limits, root=root, display=name), name)


def safe_yaml_load(
    source: Path | str | bytes,
    limits: Limits | None = None,
    *,
    root: Path | str | None = None,
    display: str | None = None,
) -> Any:
    """Plain values from a YAML file (a Path) or text (str/bytes), within the budget.

    Raises InputRefused (a CountynetError: one line, exit 2) for anything the budget or YAML refuses.
    """
    from countynet.inventory.yaml_source import SourceMap, parse_yaml

    limits = limits or current()
    if isinstance(source, Path):
        name = display or str(source)
        text = read_user_text(source, limits, root=root, display=name)
    else:
        name = display or "<text>"
        if len(source) > limits.file_bytes:
            raise _too_large(name, len(source), limits)
        text = decode_utf8(source, name) if isinstance(source, bytes) else source
    return parse_yaml(text, name, SourceMap(), limits)


def check_tree(root: Path, limits: Limits | None = None, display: str | None = None) -> None:
    """Refuse a folder (e.g. templates from a pull request) holding symlinks out of it, special
    files, more than `files` entries or more than `total_bytes`; nothing is read."""
    limits = limits or current()
    shown = display or str(root)
    count = total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for entry in [*dirnames, *filenames]:
            path = Path(dirpath) / entry
            rel = f"{shown}/{path.relative_to(root).as_posix()}"
            count += 1
            if count > limits.files:
                raise InputRefused(FILES, f"{shown} holds more than {limits.files} files", "remove files", Pos(shown))
            if outside(path, root) is not None:
                raise InputRefused(OUTSIDE, f"{rel} leads outside {shown}", "replace the symlink", Pos(rel, 1, 1))
            st = path.stat()
            if entry in filenames and not stat.S_ISREG(st.st_mode):
                raise InputRefused(OUTSIDE, f"{rel} is not a regular file", "remove it", Pos(rel, 1, 1))
            total += st.st_size if stat.S_ISREG(st.st_mode) else 0
            if total > limits.total_bytes:
                raise InputRefused(SIZE, f"{shown} holds over {_mb(limits.total_bytes)}", "remove files", Pos(shown))
