"""Read YAML into plain Python values while remembering where every value came from.

libyaml parses (fast, with marks); we construct values ourselves from its event stream so
that each mapping key and sequence item gets a position, and duplicate keys become findings
instead of being silently overwritten as PyYAML does. Positions are kept as (line, col)
pairs and turned into Pos objects only when a finding or an object asks for one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from countynet.errors import CountynetError, Pos

try:  # libyaml is in the PyPI wheels; the pure-Python loader is the same, only slower
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


class YamlSyntaxError(CountynetError):
    """The file is not YAML the loader can read; reported as finding CN000."""


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


def _mark(file: str, node: yaml.Node) -> Pos:
    return Pos(file, node.start_mark.line + 1, node.start_mark.column + 1)


def load_yaml(path: Path, smap: SourceMap, display: str | None = None) -> Any:
    """Parse one file; syntax errors become a CountynetError pointing at the line."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CountynetError(f"file not found: {name}", "create it or point --inventory at the right folder") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise YamlSyntaxError(f"cannot read {name}: {exc}", "save the file as UTF-8 text", name) from None
    return parse_yaml(text, name, smap)


def _syntax_error(exc: yaml.YAMLError, name: str) -> YamlSyntaxError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = Pos(name, mark.line + 1, mark.column + 1) if mark else Pos(name)
        what = f"YAML syntax: {exc.problem or exc.context}"
        return YamlSyntaxError(what, "fix the indentation or quoting on that line", where)
    return YamlSyntaxError(f"YAML syntax: {exc}", "fix the file's syntax", Pos(name))


def parse_yaml(text: str, name: str, smap: SourceMap) -> Any:
    """Parse `text` into plain values, recording positions in `smap`.

    The fast path reads libyaml's event stream and builds values directly (no node tree, no
    Mark-per-node objects kept, common scalar tags constructed inline). Documents using
    anchors, aliases or merge keys, or holding several documents, take the node-tree path,
    whose behaviour (and error messages) the fast path reproduces.
    """
    try:
        events = _events(text)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, name) from None
    if events is None:
        return _parse_nodes(text, name, smap)
    return _EventBuilder(events, name, smap).document()


def _parse_nodes(text: str, name: str, smap: SourceMap) -> Any:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, name) from None
    if node is None:
        return None
    ctor = _Constructor()
    return _build(node, name, (), smap, ctor, depth=0)


_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_SEQ_START = yaml.SequenceStartEvent
_DOC_START = yaml.DocumentStartEvent
_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
# First characters for which the Resolver has implicit resolvers (bool, int, float, null...);
# a plain scalar starting with any other character is a string. Without wildcard resolvers only.
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_FIRST_CHARS: frozenset[str] | None = None if None in _RESOLVERS else frozenset(c for c in _RESOLVERS if c)


def _events(text: str) -> list[Any] | None:
    """Every event of a one-document stream without anchors or aliases; None when the node path must run."""
    loader = _Loader(text)
    try:
        events = []
        append = events.append
        docs = 0
        while loader.check_event():
            ev = loader.get_event()
            cls = type(ev)
            if cls is _SCALAR:
                if ev.anchor is not None or ev.value == "<<" or ev.tag == _MERGE:
                    return None  # merge keys: flatten_mapping on the node path
            elif cls is _MAP_START or cls is _SEQ_START:
                if ev.anchor is not None:
                    return None
            elif cls is yaml.AliasEvent:
                return None
            elif cls is _DOC_START:
                docs += 1
                if docs > 1:
                    return None  # compose reports "expected a single document"
            append(ev)
        return events
    finally:
        loader.dispose()


class _EventBuilder:
    """Builds values from a flat event list, recording positions exactly as `_build` does."""

    def __init__(self, events: list[Any], file: str, smap: SourceMap) -> None:
        self.events = events
        self.i = 0
        self.file = file
        self.smap = smap
        self.data = smap.positions._data
        self.resolver = yaml.resolver.Resolver()
        self.ctor = _Constructor()
        self.tags: dict[str, str] = {}  # plain scalar -> resolved tag, for this file

    def resolve(self, value: str) -> str:
        """The implicit tag of a plain scalar, as the Resolver gives it (cached; most text skips the regexes)."""
        tag = self.tags.get(value)
        if tag is None:
            if value and _FIRST_CHARS is not None and value[0] not in _FIRST_CHARS:
                tag = _STR
            else:
                tag = self.resolver.resolve(yaml.ScalarNode, value, (True, False))
            if len(self.tags) < 4096:
                self.tags[value] = tag
        return tag

    def document(self) -> Any:
        events = self.events
        # StreamStart [DocumentStart node DocumentEnd] StreamEnd
        i = 0
        while i < len(events) and type(events[i]) is not _DOC_START:
            i += 1
        if i >= len(events):
            return None
        self.i = i + 1
        return self.node((), 0)

    def _pos(self, ev: Any) -> Pos:
        m = ev.start_mark
        return Pos(self.file, m.line + 1, m.column + 1)

    def scalar(self, ev: Any) -> Any:
        tag = ev.tag
        value = ev.value
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
        except (ValueError, OverflowError) as exc:
            raise YamlSyntaxError(f"bad value: {exc}", "quote the value", self._pos(ev)) from None

    def node(self, path: Path_, depth: int) -> Any:
        ev = self.events[self.i]
        self.i += 1
        if depth > 64:
            raise YamlSyntaxError("YAML nested too deeply", "flatten the structure", self._pos(ev))
        key = (self.file, path)
        data = self.data
        if key not in data:
            m = ev.start_mark
            data[key] = (m.line + 1, m.column + 1)
        cls = type(ev)
        if cls is _SCALAR:
            return self.scalar(ev)
        events = self.events
        if cls is _SEQ_START:
            out_list: list[Any] = []
            n = 0
            while type(events[self.i]) is not yaml.SequenceEndEvent:
                out_list.append(self.node((*path, n), depth + 1))
                n += 1
            self.i += 1
            return out_list
        out: dict[Any, Any] = {}
        file = self.file
        while True:
            kev = events[self.i]
            kcls = type(kev)
            if kcls is yaml.MappingEndEvent:
                self.i += 1
                return out
            if kcls is not _SCALAR:
                raise YamlSyntaxError("a mapping key must be a plain value", "quote the key", self._pos(kev))
            self.i += 1
            k = self.scalar(kev)
            if not isinstance(k, str | int | float | bool) and k is not None:
                k = str(k)
            m = kev.start_mark
            if k in out:
                self.smap.duplicates.append((Pos(file, m.line + 1, m.column + 1), str(k)))
            child = (*path, k)
            data[(file, child)] = (m.line + 1, m.column + 1)
            out[k] = self.node(child, depth + 1)


def _build(node: yaml.Node, file: str, path: Path_, smap: SourceMap, ctor: _Constructor, depth: int) -> Any:
    """The node-tree path (anchors, aliases, merge keys): same values and positions as the fast path."""
    if depth > 64:
        raise YamlSyntaxError("YAML nested too deeply", "flatten the structure", _mark(file, node))
    smap.positions.setdefault((file, path), _mark(file, node))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        ctor.flatten_mapping(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError("a mapping key must be a plain value", "quote the key", _mark(file, key_node))
            key = ctor.construct_object(key_node)
            if not isinstance(key, str | int | float | bool) and key is not None:
                key = str(key)
            if key in out:
                smap.duplicates.append((_mark(file, key_node), str(key)))
            child = (*path, key)
            smap.positions[(file, child)] = _mark(file, key_node)
            out[key] = _build(value_node, file, child, smap, ctor, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, file, (*path, i), smap, ctor, depth + 1) for i, v in enumerate(node.value)]
    try:
        return ctor.construct_object(node)
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"bad value: {exc}", "quote the value", _mark(file, node)) from None
    except (ValueError, OverflowError) as exc:
        raise YamlSyntaxError(f"bad value: {exc}", "quote the value", _mark(file, node)) from None
