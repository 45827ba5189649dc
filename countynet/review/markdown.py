"""The plan as a pull-request comment: summary table, loud address moves, findings, tables, diffs.

GitHub refuses comments over 65,536 characters, so the text is built within a budget: the small,
high-value parts first, then one collapsible diff per device until the budget runs out (each diff
cut at a line count with "N more lines"); devices past the budget are listed by name.

Every string that comes from the inventory, the revisions or the findings is untrusted: it is
printed only inside an inline code span (`code`), whose fence is longer than any backtick run in
it and in which GitHub and GitLab create no mention, link, image or HTML; in tables `|` becomes
`│` (GFM splits cells on it even inside code); inside the HTML `<summary>` it is HTML-escaped
within `<code>`; diffs sit in a fence longer than any backtick run they hold.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from countynet.review.mermaid import mermaid
from countynet.review.plan import AllocChange, DeviceChange, Plan

LIMIT = 60_000
DIFF_LINES = 150
TABLE_ROWS = 60
FINDINGS = 40
MARKER = "<!-- countynet-plan -->"  # lets CI find and update its own comment


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class Md(str):
    """Markdown this module wrote itself (numbers, status words): printed as it is."""


def _one_line(value: object) -> str:
    return _CONTROL.sub(" ", str(value))


def code(value: object, table: bool = False) -> str:
    """`value` as an inline code span nothing inside can break out of (no mention, link, HTML)."""
    text = _one_line(value)
    if table:
        text = text.replace("|", "\u2502")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_code(value: object) -> str:
    return f"<code>{html.escape(_one_line(value), quote=True)}</code>"


def _cell(v: object) -> str:
    if v is None:
        return "–"
    if isinstance(v, Md | int | float):
        return str(v)
    return code(v, table=True)


def _short(commit: str | None) -> str:
    return commit[:10] if commit else "working tree"


def _table(header: list[str], rows: Sequence[Sequence[object]], more: str) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows[:TABLE_ROWS]]
    if len(rows) > TABLE_ROWS:
        out.append(f"\n_… {len(rows) - TABLE_ROWS} more {more} (see the JSON plan)_")
    return [*out, ""]


def _device_block(c: DeviceChange, max_lines: int) -> str:
    body = c.diff[:max_lines]
    more = len(c.diff) - len(body)
    tail = [f"… {more} more lines"] if more else []
    longest = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    summary = (
        f"{html_code(c.host)} {html.escape(c.status)} ({html_code(c.town)}, {html_code(c.platform)}) "
        f"<b>+{c.added} −{c.removed}</b>"
    )
    return "\n".join(
        ["<details>", f"<summary>{summary}</summary>", "", fence + "diff", *body, *tail, fence, "</details>", ""]
    )


def _moves(moved: list[AllocChange]) -> list[str]:
    if not moved:
        return []
    out = [
        "> [!WARNING]",
        f"> **{len(moved)} existing address{'es' if len(moved) != 1 else ''} MOVE.** Devices and services using"
        " them will be renumbered: plan the change window, firewall rules and monitoring updates.",
        "",
    ]
    rows = [[a.town, a.category, a.key, a.old, a.new] for a in moved]
    return out + _table(["town", "pool", "entry", "old", "new"], rows, "moved entries")


def _header(plan: Plan) -> list[str]:
    """Marker, title, verdict and the summary table."""
    s = plan.summary()
    verdict = "❌ head has errors" if plan.errors else "✅ checks pass"
    moved = f"**⚠️ {s['addresses_moved']} moved**" if s["addresses_moved"] else "0 moved"
    return [
        MARKER,
        f"## countynet plan: {code(plan.base)} ({code(_short(plan.base_commit))}) → "
        + (f"{code(plan.head)} ({code(_short(plan.head_commit))})" if plan.head_commit else "working tree"),
        "",
        f"**{verdict}** · {len(plan.devices)} device configs change · towns to verify: "
        + (", ".join(code(t) for t in plan.changed_towns) or "none"),
        "",
        "| | added | removed | changed |",
        "|---|---:|---:|---:|",
        f"| devices | {s['devices_added']} | {s['devices_removed']} | {s['devices_changed']} |",
        f"| addresses | {s['addresses_added']} | {s['addresses_removed']} | {moved} |",
        f"| radio links | {s['links_added']} | {s['links_removed']} | {s['links_changed']} |",
        f"| sites | {s['sites_added']} | {s['sites_removed']} | |",
        f"| findings | {s['errors']} errors | {s['warnings']} warnings | |",
        "",
    ]


def _findings(plan: Plan) -> list[str]:
    if not plan.findings:
        return []
    parts = [f"### Findings on the head ({plan.errors} errors, {plan.warnings} warnings)\n"]
    ordered = sorted(plan.findings, key=lambda f: f.severity != "error")
    parts += [f"- {'❌' if f.severity == 'error' else '⚠️'} {code(f.format())}" for f in ordered[:FINDINGS]]
    if len(ordered) > FINDINGS:
        parts.append(f"- … {len(ordered) - FINDINGS} more (run `countynet validate`)")
    return [*parts, ""]


def _sites(plan: Plan) -> list[str]:
    if not (plan.sites_added or plan.sites_removed or plan.towns_added or plan.towns_removed):
        return []
    parts = ["### Sites\n"]
    parts += [f"- ➕ town {code(t)}" for t in plan.towns_added] + [f"- ➖ town {code(t)}" for t in plan.towns_removed]
    parts += [f"- ➕ {code(s)} ({code(t)})" for t, s in plan.sites_added]
    parts += [f"- ➖ {code(s)} ({code(t)})" for t, s in plan.sites_removed]
    return [*parts, ""]


def _radio(plan: Plan) -> list[str]:
    if not plan.radio:
        return []
    rows = []
    for r in plan.radio:
        what = Md(", ".join(f"{code(k, True)} {_cell(a)} → {_cell(b)}" for k, (a, b) in r.changes.items()))
        rows.append([r.town, r.name, Md(r.status), r.margin_db, what if r.status == "changed" else Md("")])
    return ["### Radio links\n", *_table(["town", "link", "", "margin dB", "changes"], rows, "links")]


def _allocations(plan: Plan) -> list[str]:
    others = [a for a in plan.allocations if a.status != "moved"]
    if not others:
        return []
    rows = [[a.town, a.category, a.key, Md(a.status), a.old or a.new] for a in others]
    return ["### Address allocations\n", *_table(["town", "pool", "entry", "", "address"], rows, "entries")]


def _diffs(plan: Plan, used: int, limit: int) -> list[str]:
    """One collapsible diff per device while `used` + its size fits `limit` (cut to 20 lines first); then names."""
    blocks: list[str] = []
    for i, c in enumerate(plan.devices):
        block = _device_block(c, DIFF_LINES)
        if used + len(block) > limit:
            block = _device_block(c, 20)
        if used + len(block) > limit:
            rest = plan.devices[i:]
            names = ", ".join(code(d.host) for d in rest[:100])
            blocks.append(
                f"_… {len(rest)} more devices not shown (comment size limit): {names}"
                f"{' …' if len(rest) > 100 else ''}. Run `countynet diff` or see the JSON plan._"
            )
            break
        blocks.append(block)
        used += len(block) + 1
    return blocks


def to_markdown(plan: Plan, limit: int = LIMIT) -> str:
    """The comment text, at most about `limit` characters."""
    parts = _header(plan)
    parts += [f"_Note:_ {code(n)}\n" for n in plan.notes]
    if plan.templates_changed:
        parts.append("_Templates changed: every device was rendered on both sides._\n")
    parts += _moves(plan.moved)
    parts += mermaid(plan)
    parts += _findings(plan) + _sites(plan) + _radio(plan) + _allocations(plan)
    text = "\n".join(parts)
    if plan.devices:
        head = f"### Device configs ({len(plan.devices)})\n"
        blocks = _diffs(plan, len(text) + len(head) + 200, limit)
        text += "\n" + head + "\n" + "\n".join(blocks)
    return text.rstrip() + "\n"
