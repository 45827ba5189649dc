"""Syntax highlighting of rendered configs, in Python at build time (the pages carry no script for it).

One small lexer serves every platform: the line-comment prefix comes from the platform row,
the rest (a command's first word or a RouterOS menu path, `key=` attributes, addresses and
prefixes, numbers, quoted strings, secret placeholders) is common to IOS-XE, FRR and RouterOS.
Pygments has no lexer for these configs and lexes about 1 MB/s; a national site has 27 MB of
configs, most lines repeated across devices, so lines are highlighted once and cached.
"""

from __future__ import annotations

import re
from html import escape

_TOKEN = re.compile(
    r"(?P<sec>\{\{secret:[^}]*\}\})"
    r"|(?P<ip>\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b)"
    r'|(?P<str>"[^"]*")'
    r"|(?P<attr>(?<![\w.-])[A-Za-z][\w.-]*(?==))"
    r"|(?P<num>(?<![\w./-])\d+(?![\w./]))"
)
_FIRST = re.compile(r"/[\w/ -]*?(?=\s+(?:add|set|remove|print|enable|disable)\b|\s+[\w-]+=|$)|no\s+[\w-]+|[\w-]+")
_CLASS = {"sec": "s", "ip": "a", "str": "q", "attr": "k", "num": "n"}
_cache: dict[tuple[str, str], str] = {}


def _rest(text: str) -> str:
    out, pos = [], 0
    for m in _TOKEN.finditer(text):
        out.append(escape(text[pos : m.start()], quote=False))
        kind = m.lastgroup or "num"
        out.append(f'<span class="{_CLASS[kind]}">{escape(m.group(), quote=False)}</span>')
        pos = m.end()
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def highlight_line(line: str, comment: str) -> str:
    key = (line, comment)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    body = line.lstrip()
    indent = line[: len(line) - len(body)]
    if not body:
        html = line
    elif body.startswith(comment):
        html = f'<span class="c">{escape(line, quote=False)}</span>'
    else:
        m = _FIRST.match(body)
        head = m.group() if m else ""
        html = (
            indent + (f'<span class="w">{escape(head, quote=False)}</span>' if head else "") + _rest(body[len(head) :])
        )
    if len(_cache) < 500_000:
        _cache[key] = html
    return html


def highlight(text: str, comment: str) -> str:
    """The config as HTML (for a <pre><code>), one line per source line."""
    return "\n".join(highlight_line(line, comment) for line in text.splitlines())
