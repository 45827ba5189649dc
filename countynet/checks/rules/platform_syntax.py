"""CN52x: a rendered config checked by its own platform's rules (the platform row's validator).

RouterOS's validator is RouterOS 7's command database (routeros-lsp), FRR's is vtysh, IOS's is
structural. Validators report `line N[:C]: [warning: ]message`; these rules turn that into a
finding at `<host><suffix>:N:C`, so `countynet render` names device and line. `countynet
validate` (CN521) renders one device per template variant (platform, role, radio packages):
the command database judges the shape a template prints, and every device of a variant shares it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from countynet.checks.registry import Issue, rule
from countynet.errors import Pos

_AT = re.compile(r"^line (\d+)(?::(\d+))?: (warning: )?(.*)$")


def _issues(hostname: str, file: str, problems: list[str]) -> Iterator[Issue]:
    for p in problems:
        m = _AT.match(p)
        if m:
            pos = Pos(file, int(m.group(1)), int(m.group(2) or 1))
            yield Issue(pos, f"{hostname}: {m.group(4)}", "", "warning" if m.group(3) else None)
        else:
            yield Issue(Pos(file), f"{hostname}: {p}")


@rule(
    "CN520",
    "platform-syntax",
    "error",
    "a rendered line its platform would refuse (RouterOS command database, vtysh, IOS structure)",
    scope="rendered",
)
def platform_syntax(f: Any) -> Iterator[Issue]:
    yield from _issues(f.hostname, f.file, f.platform.validator(f.text))


def _variant(intent: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    ros = intent.get("ros") or {}
    return intent["platform"], intent["role"], tuple(ros.get("packages", ()))


@rule(
    "CN521",
    "platform-syntax-sample",
    "error",
    "one rendered device per template variant fails its platform's check (see CN520 in render)",
)
def platform_syntax_sample(ctx: Any) -> Iterator[Issue]:
    from countynet import platforms
    from countynet.render.renderer import render_intents

    try:
        intents = ctx.intents()
    except Exception:  # an inventory the model rules already reject; they report it
        return
    chosen: dict[tuple[str, str, tuple[str, ...]], str] = {}
    for host in sorted(intents):
        chosen.setdefault(_variant(intents[host]), host)
    for host in sorted(chosen.values()):
        try:
            text = render_intents({host: intents[host]})[host]
        except Exception:  # an incomplete intent (e.g. no NOFBI handoff): the model rules say why
            continue
        plat = platforms.get(intents[host]["platform"])
        yield from _issues(host, host + plat.suffix, plat.validator(text))
