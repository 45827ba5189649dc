"""Tiny SVG helpers: escaping, fixed-precision numbers (so the same data gives the same bytes), colours."""

from __future__ import annotations

import re
from html import escape

# Rollout states (countynet.docsite.rollout.STATES) and fade-margin bands, as drawn everywhere.
STATE_COLOUR = {
    "planned": "#8c959f",
    "deployed": "#0969da",
    "verified": "#1a7f37",
    "accepted": "#0b4f6c",
    "failed": "#cf222e",
}
MARGIN_COLOUR = {"ok": "#2da44e", "low": "#d4a72c", "poor": "#cf222e"}
MARGIN_WORDS = {
    "ok": "at or above the warning level",
    "low": "below the warning level",
    "poor": "below the error level",
}


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def n(x: float) -> str:
    """A coordinate with one decimal, no trailing zeros, never '-0'."""
    s = f"{x:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def attrs(**kw: object) -> str:
    """` key="value"` pairs; underscores become dashes, None values are left out."""
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in kw.items() if v is not None)


def margin_band(margin_db: float, error_db: float, warning_db: float) -> str:
    if margin_db >= warning_db:
        return "ok"
    return "low" if margin_db >= error_db else "poor"


def open_svg(width: int, height: int, title: str, desc: str, klass: str) -> list[str]:
    """The opening of an accessible inline SVG (role img, title and description)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="{esc(klass)}"'
        f' role="img" aria-labelledby="{esc(klass)}-t {esc(klass)}-d">',
        f'<title id="{esc(klass)}-t">{esc(title)}</title>',
        f'<desc id="{esc(klass)}-d">{esc(desc)}</desc>',
    ]


def slug(name: str) -> str:
    """A file name for a device, town or rule (inventory names are already safe; this keeps it so)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"
