"""Read YAML into plain Python values while remembering where every value came from.

libyaml composes the node tree (fast, with marks); we construct values ourselves so that
each mapping key and sequence item gets a position, and duplicate keys become findings
instead of being silently overwritten as PyYAML does.
"""

from __future__ import annotations

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


@dataclass
class SourceMap:
    """Positions of values in the inventory files, by (file, path inside the file)."""

    positions: dict[tuple[str, Path_], Pos] = field(default_factory=dict)
    duplicates: list[tuple[Pos, str]] = field(default_factory=list)

    def find(self, file: str, path: Path_) -> Pos:
        """The position of `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while True:
            pos = self.positions.get((file, p))
            if pos is not None:
                return pos
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


def parse_yaml(text: str, name: str, smap: SourceMap) -> Any:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Pos(name, mark.line + 1, mark.column + 1) if mark else Pos(name)
        what = f"YAML syntax: {exc.problem or exc.context}"
        raise YamlSyntaxError(what, "fix the indentation or quoting on that line", where) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML syntax: {exc}", "fix the file's syntax", Pos(name)) from None
    if node is None:
        return None
    ctor = _Constructor()
    return _build(node, name, (), smap, ctor, depth=0)


def _build(node: yaml.Node, file: str, path: Path_, smap: SourceMap, ctor: _Constructor, depth: int) -> Any:
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
