"""Parse show-command output with TextFSM: our templates for FRR, ntc-templates for the rest.

A parse that fails, or returns nothing where the output was not empty, raises ParseError:
verification reports it as a parse failure, never as "ok".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import textfsm

TEMPLATES = Path(__file__).parent / "textfsm"

FRR_TEMPLATES = {
    "show ip ospf neighbor": "frr_show_ip_ospf_neighbor.textfsm",
    "show bgp summary": "frr_show_bgp_summary.textfsm",
    "show ip bgp summary": "frr_show_bgp_summary.textfsm",
    "show interface brief": "frr_show_interface_brief.textfsm",
}


class ParseError(Exception):
    """The device said something our template does not understand."""


def parse(platform: str, command: str, text: str) -> list[dict[str, Any]]:
    if platform == "frr":
        name = FRR_TEMPLATES.get(command)
        if name is None:
            raise ParseError(f"no FRR template for '{command}'")
        rows = _parse_with(TEMPLATES / name, text)
    else:
        rows = _parse_ntc(platform, command, text)
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


def _parse_ntc(platform: str, command: str, text: str) -> list[dict[str, Any]]:
    from ntc_templates.parse import parse_output

    ntc_platform = {"ios": "cisco_ios", "routeros": "mikrotik_routeros"}.get(platform, platform)
    try:
        rows = parse_output(platform=ntc_platform, command=command, data=text)
    except Exception as exc:  # ntc raises its own error types for unknown commands or bad output
        raise ParseError(f"{ntc_platform} '{command}': {exc}") from None
    return [dict(r) for r in rows]
