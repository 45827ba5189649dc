"""The render job: intents -> configs -> baseline and platform rules -> files (changed ones only).

Every job that pushes configuration gets its texts from `configs_to_push`, which runs the same
baseline, so nothing reaches a device that `countynet render` would have refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countynet.checks.rendered import check_rendered
from countynet.errors import CountynetError
from countynet.findings import Finding
from countynet.intent.secrets import Resolver, env_resolver, secret_values
from countynet.jobs.common import Selection
from countynet.render.equivalence import CHECK, render_stand_ins
from countynet.render.renderer import Progress, WriteSummary, render_intents, write_rendered

if TYPE_CHECKING:
    from countynet.model import Model


@dataclass(frozen=True)
class RenderOptions:
    selection: Selection = field(default_factory=Selection)
    out: Path | None = Path("rendered")  # None: render and check only, write nothing
    platform_override: str | None = None
    templates: str | None = None  # another templates folder (reviews, tests)


@dataclass
class RenderResult:
    texts: dict[str, str]
    platforms: dict[str, str]
    findings: list[Finding]
    summary: WriteSummary | None = None
    stand_ins: int = 0  # field configs compared with their lab stand-in (CN510)

    def equivalence(self) -> dict[str, Any]:
        """How many field configs were proven equal to their lab stand-in: what carries lab results over."""
        differ = len({f.message.split(":", 1)[0] for f in self.findings if f.rule == CHECK})
        return {"rule": CHECK, "checked": self.stand_ins, "equal": self.stand_ins - differ, "differ": differ}

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def render(model: Model, opts: RenderOptions, progress: Progress | None = None, resolver: Resolver | None = None) -> RenderResult:
    """Render the selected devices, run every rendered-scope rule, write changed files."""
    devices = opts.selection.devices(model)
    intents = model.intents(devices, opts.platform_override)
    texts = render_intents(intents, opts.templates, progress)
    plats = {h: str(i["platform"]) for h, i in intents.items()}
    res = resolver or env_resolver()
    values = sorted({v for t in texts.values() for v in secret_values(t, res)})
    stand_ins = render_stand_ins(model.intents, intents, opts.templates)
    result = RenderResult(texts, plats, check_rendered(texts, plats, values, intents, stand_ins), None, len(stand_ins))
    if opts.out is not None:
        try:
            result.summary = write_rendered(texts, plats, opts.out)
        except OSError as exc:
            raise CountynetError(
                f"cannot write rendered configs to {opts.out}: {exc.strerror or exc}",
                "choose a writable folder with --out",
            ) from None
    return result


def configs_to_push(model: Model, devices: set[str], platform_override: str | None, resolver: Resolver) -> dict[str, str]:
    """The texts a deploy pushes, refused as a whole when any baseline rule fails.

    The field rendering is checked even when a lab stand-in is what gets pushed: the lab is there
    to prove the field configs, so a field config the baseline refuses stops the lab deploy too.
    """
    sel = Selection(hosts=tuple(sorted(devices)))
    checked = [render(model, RenderOptions(sel, None, None), resolver=resolver)]
    if platform_override is not None:
        checked.append(render(model, RenderOptions(sel, None, platform_override), resolver=resolver))
    errors = [f for r in checked for f in r.errors]
    if errors:
        raise CountynetError(
            f"{len(errors)} baseline finding(s) stop the deploy before anything connects; first: {errors[0].format()}",
            "fix the template or inventory (see `countynet render`), then deploy again",
        )
    return checked[-1].texts
