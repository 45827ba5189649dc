"""The plan as a pull-request comment: summary table, loud address moves, findings, tables, diffs.

GitHub refuses comments over 65,536 characters, so the text is built within a budget: the small,
high-value parts first, then one collapsible diff per device until the budget runs out (each diff
cut at a line count with "N more lines"); devices past the budget are listed by name.
"""

from __future__ import annotations

from collections.abc import Sequence

from countynet.review.mermaid import mermaid
from countynet.review.plan import AllocChange, DeviceChange, Plan

LIMIT = 60_000
DIFF_LINES = 150
TABLE_ROWS = 60
FINDINGS = 40
MARKER = "<!-- countynet-plan -->"  # lets CI find and update its own comment


def _cell(v: object) -> str:
    return "–" if v is None else str(v).replace("|", "\\|")


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
    fence = "````" if any(line.startswith("```") for line in body) else "```"
    summary = f"<code>{c.host}</code> {c.status} ({c.town}, {c.platform}) <b>+{c.added} −{c.removed}</b>"
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
    rows = [[a.town, a.category, f"`{a.key}`", a.old, a.new] for a in moved]
    return out + _table(["town", "pool", "entry", "old", "new"], rows, "moved entries")


def to_markdown(plan: Plan, limit: int = LIMIT) -> str:
    """The comment text, at most about `limit` characters."""
    s = plan.summary()
    verdict = "❌ head has errors" if plan.errors else "✅ checks pass"
    moved = f"**⚠️ {s['addresses_moved']} moved**" if s["addresses_moved"] else "0 moved"
    parts = [
        MARKER,
        f"## countynet plan: `{plan.base}` ({_short(plan.base_commit)}) → "
        + (f"`{plan.head}` ({_short(plan.head_commit)})" if plan.head_commit else "working tree"),
        "",
        f"**{verdict}** · {len(plan.devices)} device configs change · towns to verify: "
        + (", ".join(f"`{t}`" for t in plan.changed_towns) or "none"),
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
    parts += [f"_Note: {n}_\n" for n in plan.notes]
    if plan.templates_changed:
        parts.append("_Templates changed: every device was rendered on both sides._\n")
    parts += _moves(plan.moved)
    parts += mermaid(plan)
    if plan.findings:
        parts.append(f"### Findings on the head ({plan.errors} errors, {plan.warnings} warnings)\n")
        ordered = sorted(plan.findings, key=lambda f: f.severity != "error")
        parts += [f"- {'❌' if f.severity == 'error' else '⚠️'} `{f.format()}`" for f in ordered[:FINDINGS]]
        if len(ordered) > FINDINGS:
            parts.append(f"- … {len(ordered) - FINDINGS} more (run `countynet validate`)")
        parts.append("")
    if plan.sites_added or plan.sites_removed or plan.towns_added or plan.towns_removed:
        parts.append("### Sites\n")
        parts += [f"- ➕ town `{t}`" for t in plan.towns_added] + [f"- ➖ town `{t}`" for t in plan.towns_removed]
        parts += [f"- ➕ `{s}` ({t})" for t, s in plan.sites_added]
        parts += [f"- ➖ `{s}` ({t})" for t, s in plan.sites_removed]
        parts.append("")
    if plan.radio:
        parts.append("### Radio links\n")
        rows = []
        for r in plan.radio:
            what = ", ".join(f"{k} {_cell(a)} → {_cell(b)}" for k, (a, b) in r.changes.items())
            rows.append([r.town, f"`{r.name}`", r.status, r.margin_db, what if r.status == "changed" else ""])
        parts += _table(["town", "link", "", "margin dB", "changes"], rows, "links")
    others = [a for a in plan.allocations if a.status != "moved"]
    if others:
        parts.append("### Address allocations\n")
        rows = [[a.town, a.category, f"`{a.key}`", a.status, a.old or a.new] for a in others]
        parts += _table(["town", "pool", "entry", "", "address"], rows, "entries")
    text = "\n".join(parts)
    if plan.devices:
        head = f"### Device configs ({len(plan.devices)})\n"
        blocks: list[str] = []
        used = len(text) + len(head) + 200
        for i, c in enumerate(plan.devices):
            block = _device_block(c, DIFF_LINES)
            if used + len(block) > limit:
                block = _device_block(c, 20)
            if used + len(block) > limit:
                rest = plan.devices[i:]
                names = ", ".join(f"`{d.host}`" for d in rest[:100])
                blocks.append(
                    f"_… {len(rest)} more devices not shown (comment size limit): {names}"
                    f"{' …' if len(rest) > 100 else ''}. Run `countynet diff` or see the JSON plan._"
                )
                break
            blocks.append(block)
            used += len(block) + 1
        text += "\n" + head + "\n" + "\n".join(blocks)
    return text.rstrip() + "\n"
