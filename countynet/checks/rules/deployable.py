"""CN511: a rendered config has what its platform's deploy strategy needs (scope "rendered").

The requirements are data in the platform row (`DeployStrategy.required`), e.g. IOS-XE's archive
feature without which napalm cannot commit with a revert timer. Render reports it; deploy pushes
only configs render passes (countynet.jobs.render.configs_to_push), so it is refused there
before anything connects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from countynet.checks.registry import Issue, rule
from countynet.errors import Pos


@rule(
    "CN511",
    "deploy-requirements",
    "error",
    "the config lacks what its platform's commit-confirm needs (e.g. the IOS archive feature)",
    scope="rendered",
)
def deploy_requirements(f: Any) -> Iterator[Issue]:
    """A commit with a device-side revert timer is what keeps a bad change from cutting a hub off; on
    IOS-XE napalm can arm that timer only when the config enables the archive feature."""
    from countynet.deploy.strategies import missing_requirements

    for why in missing_requirements(f.platform, f.text):
        yield Issue(
            Pos(f.file),
            f"{f.hostname}: the rendered {f.platform.name} config cannot be committed with a revert timer: {why}",
            f"add it to countynet/templates/{f.platform.templates}/ and render again",
        )
