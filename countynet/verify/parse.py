"""Parse show-command output with TextFSM: the platform row names our template or ntc-templates.

A parse that fails, or returns nothing where the output was not empty, raises ParseError:
verification reports it as a parse failure, never as "ok".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import textfsm

from countynet.platforms import Platform, row
from countynet.resources import resource_path

TEMPLATES = resource_path("countynet.verify", "textfsm")


class ParseError(Exception):
    """The device said something our template does not understand."""


def parse(platform: Platform | str, command: str, text: str) -> list[dict[str, Any]]:
    """Rows of `command`'s output, with the template the platform row names for it."""
    platform = row(platform)
    name = platform.collect.textfsm.get(command)
    if name is not None:
        rows = _parse_with(TEMPLATES / name, text)
    elif platform.collect.ntc_platform:
        rows = _parse_ntc(platform.collect.ntc_platform, command, text)
    else:
        raise ParseError(f"no template for '{command}' on {platform.name}")
    if not rows and _has_content(text) and not _empty_table(text):
        raise ParseError(f"'{command}' output was not empty but nothing parsed")
    return rows


def _has_content(text: str) -> bool:
    return any(line.strip() for line in text.splitlines())


def _empty_table(text: str) -> bool:
    """Known outputs that legitimately hold no rows."""
    return "No BGP neighbors found" in text or (
        text.strip().startswith("Neighbor ID") and len(text.strip().splitlines()) == 1
    )


def _parse_with(template: Path, text: str) -> list[dict[str, Any]]:
    with template.open() as fh:
        fsm = textfsm.TextFSM(fh)
    try:
        rows = fsm.ParseText(text)
    except textfsm.TextFSMError as exc:
        raise ParseError(str(exc).splitlines()[0]) from None
    return [dict(zip((h.lower() for h in fsm.header), row, strict=True)) for row in rows]


def _parse_ntc(ntc_platform: str, command: str, text: str) -> list[dict[str, Any]]:
    from ntc_templates.parse import parse_output

    try:
        rows = parse_output(platform=ntc_platform, command=command, data=text)
    except Exception as exc:  # ntc raises its own error types for unknown commands or bad output
        raise ParseError(f"{ntc_platform} '{command}': {exc}") from None
    return [dict(r) for r in rows]
