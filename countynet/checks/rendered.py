"""Run the rendered-scope rules (CN5xx: baseline, platform rules) over rendered configs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from countynet.checks.registry import RULES, load_rules
from countynet.findings import Finding
from countynet.platforms import Platform, get


@dataclass
class RenderedFile:
    """What a baseline rule sees: one rendered config, its platform, and secret values that must not appear."""

    hostname: str
    platform: Platform
    text: str
    file: str
    secret_values: list[str] = field(default_factory=list)
    platform_problems: list[str] | None = None  # the platform validator's verdict, when run in a batch
    intent: Mapping[str, Any] | None = None  # what the file was rendered from
    stand_in: tuple[str, Mapping[str, Any]] | None = None  # (text, intent) of its lab stand-in (CN510)


def check_rendered(
    texts: Mapping[str, str],
    host_platform: Mapping[str, str],
    secret_values: Iterable[str] = (),
    intents: Mapping[str, Mapping[str, Any]] | None = None,
    stand_ins: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None,
) -> list[Finding]:
    """Findings of every rendered-scope rule over every file, sorted by file and line.

    With `intents` and `stand_ins` ({host: (stand-in text, stand-in intent)}) the field/stand-in
    equivalence rule (CN510) runs too.
    """
    load_rules()
    values = [v for v in secret_values if v]
    rules = [r for r in RULES.values() if r.scope == "rendered"]

    batched = _batch_validate(texts, host_platform)

    def one(host: str) -> list[Finding]:
        plat = get(host_platform[host])
        subject = RenderedFile(host, plat, texts[host], host + plat.suffix, values, batched.get(host))
        subject.intent = intents.get(host) if intents else None
        subject.stand_in = stand_ins.get(host) if stand_ins else None
        return [f for r in rules for f in r.run(subject)]

    # Platform validators run the platform's own tools (vtysh, routeros-lsp) as subprocesses:
    # threads overlap them; the regex rules are cheap either way.
    with ThreadPoolExecutor(max_workers=min(8, 2 * (os.cpu_count() or 1))) as pool:
        out = [f for found in pool.map(one, sorted(texts)) for f in found]
    return sorted(out, key=lambda f: (f.pos.file if f.pos else "", f.pos.line if f.pos else 0, f.rule))


def _batch_validate(texts: Mapping[str, str], host_platform: Mapping[str, str]) -> dict[str, list[str]]:
    """Platform verdicts for the platforms that can check many files in one run."""
    by_platform: dict[str, dict[str, str]] = {}
    for host, text in texts.items():
        by_platform.setdefault(host_platform[host], {})[host] = text
    out: dict[str, list[str]] = {}
    for name, group in by_platform.items():
        batch = get(name).validate_many
        if batch is not None and len(group) > 1:
            out.update(batch(group))
    return out
