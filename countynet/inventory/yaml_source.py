"""Read YAML into plain Python values while remembering where every value came from.

libyaml parses (fast, with marks); we construct values ourselves from its event stream, one
event at a time, so that each mapping key and sequence item gets a position, duplicate keys
become findings instead of being silently overwritten as PyYAML does, and the loading budget
(countynet.inventory.limits) is enforced before anything big is built: nesting depth, number of
values, value length, and alias uses counted as expanded (an alias bomb is refused after a few
hundred events, never expanded; an alias inside its own anchor, e.g. a merge-key loop, is refused).
Positions are kept as (line, col) pairs and turned into Pos objects only when asked for.
"""

# size: the one streaming pass over libyaml events, budget checks included (splitting it would split the pass)

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from countynet.errors import Pos
from countynet.inventory import limits as lim
from countynet.inventory.limits import Budget, InputRefused, Limits

try:  # libyaml is in the PyPI wheels; the pure-Python loader is the same, only slower
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


class YamlSyntaxError(InputRefused):
    """The file is not YAML the loader can read; reported as finding CN000."""

    def __init__(self, what: str, fix: str = "", where: Pos | str | None = None) -> None:
        super().__init__("CN000", what, fix, where)


class Positions(Mapping[tuple[str, Path_], Pos]):
    """(file, path) -> Pos, stored as (line, col) pairs: a Pos is made only when one is asked for."""

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[tuple[str, Path_], tuple[int, int]] = {}

    def __getitem__(self, key: tuple[str, Path_]) -> Pos:
        line, col = self._data[key]
        return Pos(key[0], line, col)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[tuple[str, Path_]]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setitem__(self, key: tuple[str, Path_], pos: Pos) -> None:
        self._data[key] = (pos.line, pos.col)

    def setdefault(self, key: tuple[str, Path_], pos: Pos) -> Pos:  # type: ignore[override]
        if key not in self._data:
            self[key] = pos
        return self[key]


@dataclass
class SourceMap:
    """Positions of values in the inventory files, by (file, path inside the file)."""

    positions: Positions = field(default_factory=Positions)
    duplicates: list[tuple[Pos, str]] = field(default_factory=list)

    def find(self, file: str, path: Path_) -> Pos:
        """The position of `path`, or of its nearest ancestor that has one."""
        data = self.positions._data
        p = tuple(path)
        while True:
            lc = data.get((file, p))
            if lc is not None:
                return Pos(file, lc[0], lc[1])
            if not p:
                return Pos(file)
            p = p[:-1]


class _Constructor(yaml.constructor.SafeConstructor):
    pass


def load_yaml(
    path: Path,
    smap: SourceMap,
    display: str | None = None,
    budget: Budget | None = None,
    root: Path | None = None,
) -> Any:
    """Read one user file within the budget and parse it; problems raise InputRefused with a position."""
    name = display or str(path)
    limits = budget.limits if budget else lim.current()
    data = lim.read_user_file(path, limits, root=root, display=name, budget=budget)
    return parse_yaml(lim.decode_utf8(data, name), name, smap, limits)


def _syntax_error(exc: yaml.YAMLError, name: str) -> YamlSyntaxError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = Pos(name, mark.line + 1, mark.column + 1) if mark else Pos(name)
        what = f"YAML syntax: {exc.problem or exc.context}"
        return YamlSyntaxError(what, "fix the indentation or quoting on that line", where)
    return YamlSyntaxError(f"YAML syntax: {exc}", "fix the file's syntax", Pos(name))


def parse_yaml(text: str, name: str, smap: SourceMap, limits: Limits | None = None) -> Any:
    """Parse `text` into plain values, recording positions in `smap`, within `limits`."""
    limits = limits or lim.current()
    if len(text) > limits.file_bytes:  # text that did not come through read_user_file
        raise InputRefused(
            lim.SIZE, f"{name} is over the file_bytes limit ({limits.file_bytes})", "split it", Pos(name, 1, 1)
        )
    loader = _Loader(text)
    try:
        return _Builder(loader, name, smap, limits).document()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, name) from None
    finally:
        loader.dispose()


_SCALAR = yaml.ScalarEvent
_ALIAS = yaml.AliasEvent
_MAP_START = yaml.MappingStartEvent
_MAP_END = yaml.MappingEndEvent
_SEQ_START = yaml.SequenceStartEvent
_SEQ_END = yaml.SequenceEndEvent
_DOC_START = yaml.DocumentStartEvent
_STREAM_END = yaml.StreamEndEvent
_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
# First characters for which the Resolver has implicit resolvers (bool, int, float, null...);
# a plain scalar starting with any other character is a string. Without wildcard resolvers only.
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_FIRST_CHARS: frozenset[str] | None = None if None in _RESOLVERS else frozenset(c for c in _RESOLVERS if c)


@dataclass
class _Anchor:
    value: Any
    nodes: int  # values it holds, its own aliases expanded
    depth: int  # levels below it


class _Builder:
    """Builds values from libyaml's event stream, pulling one event at a time.

    Recursion depth is bounded by the `depth` limit, checked before descending. Every value
    counts against `nodes`; an alias counts as the values of its anchor (checked before copying).
    """

    def __init__(self, loader: Any, file: str, smap: SourceMap, limits: Limits) -> None:
        self.get = loader.get_event
        self.file = file
        self.smap = smap
        self.data = smap.positions._data
        self.limits = limits
        self.max_nodes = limits.nodes
        self.max_depth = limits.depth
        self.max_chars = limits.scalar_chars
        self.nodes = 0
        self.deepest = 0
        self.aliases = 0
        self.alias_nodes = 0
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: set[str] = set()
        self.resolver = yaml.resolver.Resolver()
        self.ctor = _Constructor()
        self.tags: dict[str, str] = {}  # plain scalar -> resolved tag, for this file

    def _pos(self, ev: Any) -> Pos:
        m = ev.start_mark
        return Pos(self.file, m.line + 1, m.column + 1)

    def refuse(self, rule: str, what: str, fix: str, ev: Any) -> InputRefused:
        return InputRefused(rule, what, fix, self._pos(ev))

    def document(self) -> Any:
        get = self.get
        ev = get()  # StreamStart
        ev = get()
        if ev is None or type(ev) is _STREAM_END:
            return None
        value = self.value(get(), (), 0)
        get()  # DocumentEnd
        ev = get()
        if type(ev) is _DOC_START:
            raise YamlSyntaxError(
                "YAML syntax: expected a single document in the stream, but found another document",
                "keep one document per file (remove the '---' line)",
                self._pos(ev),
            )
        return value

    def resolve(self, value: str) -> str:
        """The implicit tag of a plain scalar, as the Resolver gives it (cached; most text skips the regexes)."""
        tag = self.tags.get(value)
        if tag is None:
            first = value[:1]
            if first and _FIRST_CHARS is not None and first not in _FIRST_CHARS:
                tag = _STR
            elif first.isdigit() and ("/" in value or value.count(".") > 1):
                tag = _STR  # addresses and prefixes: no YAML 1.1 number or date holds '/' or two dots
            else:
                tag = self.resolver.resolve(yaml.ScalarNode, value, (True, False))
            if len(self.tags) < 4096:
                self.tags[value] = tag
        return tag

    def scalar(self, ev: Any) -> Any:
        value = ev.value
        if len(value) > self.max_chars:
            raise self.refuse(
                lim.SCALAR,
                f"a value of {len(value)} characters, over the scalar_chars limit of {self.max_chars}",
                "shorten it",
                ev,
            )
        tag = ev.tag
        if tag is None or tag == "!":
            tag = self.resolve(value) if ev.implicit[0] else _STR
        if tag == _STR:
            return value
        try:
            if tag == _INT:
                if value.isdigit() and (value[0] != "0" or len(value) == 1):
                    return int(value)
            elif tag == _FLOAT:
                if "_" not in value and ":" not in value:
                    try:
                        return float(value)
                    except ValueError:
                        pass  # .inf, .nan: the constructor knows them
            elif tag == _NULL:
                return None
            elif tag == _BOOL:
                flag = self.ctor.bool_values.get(value.lower())
                if flag is not None:
                    return flag
            node = yaml.ScalarNode(tag, value, ev.start_mark, ev.end_mark, ev.style)
            return self.ctor.construct_object(node)
        except yaml.YAMLError as exc:
            raise YamlSyntaxError(f"bad value: {exc}", "quote the value", self._pos(ev)) from None
        except Exception as exc:  # PyYAML's constructors fail in many ways on an explicit tag (found by fuzzing)
            what = f"bad value for tag {tag}: {type(exc).__name__}"
            raise YamlSyntaxError(what, "quote the value or drop the tag", self._pos(ev)) from None

    def count(self, n: int, ev: Any) -> None:
        self.nodes += n
        if self.nodes > self.max_nodes:
            raise self.refuse(
                lim.NODES,
                f"more than {self.max_nodes} values in this file (the nodes limit, aliases counted expanded)",
                "split the file, or raise COUNTYNET_LIMIT_NODES if this is a real inventory",
                ev,
            )

    def value(self, ev: Any, path: Path_, depth: int) -> Any:
        cls = type(ev)
        self.nodes += 1
        if self.nodes > self.max_nodes:
            self.count(0, ev)
        key = (self.file, path)
        data = self.data
        if key not in data:
            m = ev.start_mark
            data[key] = (m.line + 1, m.column + 1)
        if cls is _SCALAR:
            out = self.scalar(ev)
            if ev.anchor is not None:
                self.remember(ev, ev.anchor, out, 1, 0)
            return out
        if cls is _ALIAS:
            return self.alias(ev, depth)
        if depth >= self.max_depth:
            raise self.refuse(
                lim.DEPTH,
                f"values nested more than {self.max_depth} levels deep (the depth limit)",
                "flatten the structure",
                ev,
            )
        if depth >= self.deepest:
            self.deepest = depth + 1
        anchor = ev.anchor
        if anchor is None:
            return self.sequence(path, depth) if cls is _SEQ_START else self.mapping(path, depth)
        if self.limits.aliases == 0:
            raise self.refuse(lim.ALIAS, f"anchor &{anchor}: anchors and aliases are refused", "write it out", ev)
        start, deepest = self.nodes, self.deepest
        self.deepest = depth + 1
        self.open_anchors.add(anchor)
        out = self.sequence(path, depth) if cls is _SEQ_START else self.mapping(path, depth)
        self.open_anchors.discard(anchor)
        self.remember(ev, anchor, out, self.nodes - start + 1, self.deepest - depth)
        self.deepest = max(deepest, self.deepest)
        return out

    def remember(self, ev: Any, anchor: str, value: Any, nodes: int, depth: int) -> None:
        if self.limits.aliases == 0:
            raise self.refuse(lim.ALIAS, f"anchor &{anchor}: anchors and aliases are refused", "write it out", ev)
        self.anchors[anchor] = _Anchor(value, nodes, depth)

    def alias(self, ev: Any, depth: int) -> Any:
        name = ev.anchor
        if name in self.open_anchors:
            raise self.refuse(
                lim.ALIAS, f"alias *{name} is used inside its own anchor &{name} (a loop)", "remove the alias", ev
            )
        anchor = self.anchors.get(name)
        if anchor is None:
            raise YamlSyntaxError(f"YAML syntax: found undefined alias '{name}'", "define the anchor first", self._pos(ev))
        self.aliases += 1
        self.alias_nodes += anchor.nodes
        limits = self.limits
        if self.aliases > limits.aliases:
            what = f"alias *{name}: more than {limits.aliases} alias uses in this file (the aliases limit)"
        elif self.alias_nodes > limits.alias_nodes:
            what = f"alias *{name}: aliases in this file expand to {self.alias_nodes} values, over the alias_nodes limit of {limits.alias_nodes}"
        else:
            what = ""
        if what:
            raise self.refuse(lim.ALIAS, what, "write the values out instead of nesting aliases", ev)
        self.count(anchor.nodes - 1, ev)  # the alias itself was counted as one value
        if depth + anchor.depth > self.max_depth:
            raise self.refuse(
                lim.DEPTH, f"alias *{name} nests values more than {self.max_depth} levels deep", "flatten it", ev
            )
        value = anchor.value
        return copy.deepcopy(value) if isinstance(value, dict | list) else value

    def sequence(self, path: Path_, depth: int) -> list[Any]:
        out: list[Any] = []
        get = self.get
        n = 0
        while True:
            ev = get()
            if type(ev) is _SEQ_END:
                return out
            out.append(self.value(ev, (*path, n), depth + 1))
            n += 1

    def mapping(self, path: Path_, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] | None = None
        merge_pos: tuple[int, int] = (0, 0)
        get, data, file = self.get, self.data, self.file
        while True:
            kev = get()
            kcls = type(kev)
            if kcls is _MAP_END:
                break
            if kcls is not _SCALAR:
                raise YamlSyntaxError("a mapping key must be a plain value", "quote the key", self._pos(kev))
            self.nodes += 1
            if self.nodes > self.max_nodes:
                self.count(0, kev)
            m = kev.start_mark
            if kev.tag == _MERGE or (kev.value == "<<" and kev.implicit[0] and kev.tag is None):
                merge_pos = (m.line + 1, m.column + 1)
                merged = self.merge(get(), path, depth, merged)
                continue
            k = self.scalar(kev)
            if not isinstance(k, str | int | float | bool) and k is not None:
                k = str(k)
            if k in out:
                self.smap.duplicates.append((Pos(file, m.line + 1, m.column + 1), str(k)))
            child = (*path, k)
            data[(file, child)] = (m.line + 1, m.column + 1)
            out[k] = self.value(get(), child, depth + 1)
        if merged is None:
            return out
        for k in merged:  # merged keys sit at the `<<` line; explicit keys override them
            data.setdefault((file, (*path, k)), merge_pos)
        merged.update(out)
        return merged

    def merge(self, ev: Any, path: Path_, depth: int, merged: dict[Any, Any] | None) -> dict[Any, Any]:
        """`<<: *a` or `<<: [*a, *b]` (the first mapping wins, as in PyYAML)."""
        value = self.value(ev, (*path, "<<"), depth + 1)
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise YamlSyntaxError(
                "YAML syntax: expected a mapping or list of mappings for merging", "merge mappings only", self._pos(ev)
            )
        out: dict[Any, Any] = {}
        for src in reversed(sources):
            out.update(src)
        if merged:
            out.update(merged)
        return out
