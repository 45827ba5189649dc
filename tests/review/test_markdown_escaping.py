"""The plan comment cannot be used to inject Markdown, HTML, links, images or @mentions.

A plan is built with hostile strings in every place file content reaches (device, town, site and
link names, allocation keys and values, findings, notes, diff lines); the comment is parsed with a
CommonMark + GFM-tables parser (markdown-it-py) and checked token by token: every hostile string
is inside code (inline code, fenced code or our own <code> element), no link, image or HTML of
the attacker's appears, every table row keeps its column count, and no text outside code holds
an @mention.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from countynet.errors import Pos
from countynet.findings import Finding
from countynet.review.markdown import code, to_markdown
from countynet.review.plan import AllocChange, DeviceChange, Plan, RadioChange

EVIL = [
    "@octocat",
    "<img src=x onerror=alert(1)>",
    "[click](https://evil.example/x)",
    "![pixel](https://evil.example/p.png)",
    "a|b|c",
    "``` close the fence",
    "x` @team `y",
    "</details></summary><script>alert(1)</script>",
    "line\nbreak @admin",
    "**bold** _it_ # head",
]


def _plan() -> Plan:
    plan = Plan("main", "a" * 40, "pr", "b" * 40)
    for i, evil in enumerate(EVIL):
        plan.devices.append(DeviceChange(evil, evil, "frr", "changed", ["--- a", "+++ b", f"+{evil}", "````", "-`x`"]))
        plan.allocations.append(AllocChange(evil, evil, evil, "moved" if i % 2 else "added", evil, evil))
        plan.radio.append(RadioChange(f"l{i}", evil, evil, "changed", {"verdict": (evil, evil)}, 3.0, evil, f"{evil}2"))
        plan.sites_added.append((evil, evil))
        plan.towns_added.append(evil)
        plan.changed_towns.append(evil)
        plan.findings.append(Finding("CN103", "error", f"invalid hostname '{evil}'", evil, Pos(evil, 1, 1)))
        plan.notes.append(f"the inventory at {evil} does not load")
    return plan


def _walk(tokens: list[Any]) -> list[Any]:
    out = []
    for t in tokens:
        out.append(t)
        out += _walk(t.children or [])
    return out


def test_hostile_strings_stay_inert() -> None:
    text = to_markdown(_plan())
    tokens = _walk(MarkdownIt("commonmark").enable("table").parse(text))
    types = {t.type for t in tokens}
    assert "link_open" not in types and "image" not in types
    ours = {
        "<details>",
        "</details>",
        "<b>",
        "</b>",
        "<code>",
        "</code>",
        "<summary>",
        "</summary>",
        "<!-- countynet-plan -->",
    }
    for t in tokens:
        if t.type in ("html_inline", "html_block"):
            tags = set(re.findall(r"<[^>]*>", t.content))
            assert tags <= ours, t.content
        if t.type == "text":  # prose outside any code: nothing of the attacker's
            assert "@" not in t.content, t.content
            assert "evil.example" not in t.content and "onerror" not in t.content, t.content
    # each table row keeps its header's column count although names hold pipes
    top = MarkdownIt("commonmark").enable("table").parse(text)
    cols: list[int] = []
    for t in top:
        if t.type == "tr_open":
            cols.append(0)
        elif t.type in ("th_open", "td_open"):
            cols[-1] += 1
        elif t.type == "table_close":
            assert len(set(cols)) == 1, cols
            cols = []
    assert any(t.type == "code_inline" and t.content == "@octocat" for t in tokens)
    # every line of the diff stays inside the fence: the fence is longer than any backtick run in it
    assert "`````diff" in text


def test_code_span_cannot_be_closed_from_inside() -> None:
    assert code("a`b") == "``a`b``"
    assert code("``x") == "``` ``x ```"
    assert code("a|b", table=True) == "`a\u2502b`"
    assert code("two\nlines") == "`two lines`"


def test_comment_rendered_again_from_the_json_plan(tmp_path: Path) -> None:
    """The privileged CI job renders the comment from plan.json with its own code: same text, same safety."""
    import json

    from countynet.review.fromjson import main, plan_from_dict

    plan = _plan()
    again = plan_from_dict(json.loads(json.dumps(plan.as_dict())))
    assert (
        to_markdown(again).replace("graph LR", "").split("### Topology")[0]
        == to_markdown(plan).split("### Topology")[0]
    )
    hostile = {"devices": [{"host": {"$ne": 1}, "diff": 5, "status": "rm -rf"}], "findings": "x", "notes": [None, 3]}
    (tmp_path / "plan.json").write_text(json.dumps(hostile))
    assert main([str(tmp_path / "plan.json"), str(tmp_path / "c.md")]) == 0
    (tmp_path / "plan.json").write_text("[" * 100_000)
    assert main([str(tmp_path / "plan.json"), str(tmp_path / "c.md")]) == 2
