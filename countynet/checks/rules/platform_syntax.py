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
    """A line the device's own parser refuses fails the deploy halfway, or worse is dropped silently and leaves the
    device half-configured; catching it at render time costs nothing."""
    problems = f.platform_problems if f.platform_problems is not None else f.platform.validator(f.text)
    yield from _issues(f.hostname, f.file, problems)


def _variant(model: Any, name: str) -> tuple[str, str, tuple[str, ...]]:
    """(platform, role, radio packages) of a device, from the topology (no intent needed)."""
    dev = model.topo.devices[name]
    models = model.inv.network.radio_models
    default = model.inv.network.defaults.cpe_radio_model
    packages = set()
    for seg in model.topo.segments_of(name):
        if seg.kind != "sector" or seg.sector is None:
            continue
        if seg.members[0] == name:
            rm = seg.sector.radio_model
        else:
            cpe = getattr(dev.node, "cpe", None)
            rm = (cpe.radio_model if cpe else None) or default
        if rm in models:
            packages.add(models[rm].radio_package)
    return dev.platform, dev.role, tuple(sorted(packages))


@rule(
    "CN521",
    "platform-syntax-sample",
    "error",
    "one rendered device per template variant fails its platform's check (see CN520 in render)",
)
def platform_syntax_sample(ctx: Any) -> Iterator[Issue]:
    """Every device of a template variant shares its shape, so one rendered device per variant that fails its platform's
    parser means the whole variant fails at deploy time."""
    chosen = samples(ctx)
    if chosen is None:
        return
    for host in sorted(chosen.values()):
        yield from sample_issues(ctx, host)


Variant = tuple[str, str, tuple[str, ...]]


def samples(ctx: Any) -> dict[Variant, str] | None:
    """The device CN521 renders for each template variant: the first by name (None: the model cannot say).

    The first of a variant network-wide is the first of the towns' firsts, which is how the plan
    cache (countynet.plancache) puts CN521 together from towns checked one at a time.
    """
    chosen: dict[Variant, str] = {}
    try:
        for host in sorted(ctx.topo.devices):
            chosen.setdefault(_variant(ctx, host), host)
        ctx.intents(sorted(chosen.values()))
    except Exception:  # an inventory the model rules already reject; they report it
        return None
    return chosen


def sample_issues(ctx: Any, host: str) -> Iterator[Issue]:
    """What `host`'s platform says of its rendered config (nothing when it cannot be rendered)."""
    from countynet import platforms
    from countynet.render.renderer import render_intents

    intent = ctx.intents([host])[host]
    try:
        text = render_intents({host: intent})[host]
    except Exception:  # an incomplete intent (e.g. no NOFBI handoff): the model rules say why
        return
    plat = platforms.get(intent["platform"])
    yield from _issues(host, host + plat.suffix, plat.validator(text))
