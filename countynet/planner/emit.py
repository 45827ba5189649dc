"""Write the proposal as a town file a reviewer can read: the usual layout, a comment on every choice.

Hand-formatted rather than yaml.dump: flow mappings one per line (as the shipped towns are
written) and comments, which PyYAML cannot emit. Values go through json.dumps where quoting
may be needed (JSON strings are valid YAML).
"""

from __future__ import annotations

import json
import re
from typing import Any

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/:()+-]*$")
RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "~"}


def scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = round(v, 5)
        return str(int(r)) if r == int(r) else repr(r)
    if v is None:
        return "null"
    s = str(v)
    if SAFE.match(s) and s.lower() not in RESERVED and not _numberlike(s) and ": " not in s:
        return s
    return json.dumps(s, ensure_ascii=False)


def _numberlike(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v)


def block_item(d: dict[str, Any], indent: str) -> list[str]:
    """A list item written as a block mapping whose nested values are flow style."""
    lines = []
    first = True
    for k, v in d.items():
        lead = f"{indent}- " if first else f"{indent}  "
        first = False
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            lines.append(f"{lead}{k}:")
            lines += [f"{indent}    - {flow(x)}" for x in v]
        else:
            lines.append(f"{lead}{k}: {flow(v)}")
    return lines


def comment(text: str, indent: str = "", width: int = 110) -> list[str]:
    """`# text`, wrapped at word boundaries (leading spaces of `text` kept as an indent)."""
    lead = text[: len(text) - len(text.lstrip(" "))]
    indent = indent + "# " + lead if lead else indent
    if lead:
        return [ln.replace(f"{indent}# ", indent, 1) for ln in comment(text.strip(), indent, width)]
    out, line = [], ""
    for word in text.split():
        if line and len(indent) + 2 + len(line) + 1 + len(word) > width:
            out.append(f"{indent}# {line}")
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(f"{indent}# {line}")
    return out
