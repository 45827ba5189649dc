"""CN124: a device without a written ground elevation plans as if it stood at sea level.

Clearance and terrain profiles need the ground height of both ends; a missing one is not an
error in the file (older towns omit it) but must never pass silently.
"""

from __future__ import annotations

from collections.abc import Iterator

from countynet.checks.registry import Issue, rule
from countynet.checks.rules._common import nodes, role_of
from countynet.model import Model


@rule("CN124", "elevation-missing", "warning", "a hub, base station or site has no elevation_m (planned as 0 m)")
def elevation_missing(ctx: Model) -> Iterator[Issue]:
    """Clearance and terrain profiles need the ground height of both ends; a device planned at 0 m can pass a Fresnel
    check on paper and be blocked by the ridge in the field."""
    for _town, node in nodes(ctx.inv):
        if not node.location.surveyed:
            yield Issue(
                node.location.pos,
                f"{role_of(node)} '{node.name}' has no elevation_m: its radio paths are planned as if it stood at 0 m",
                "survey the ground height, or let `countynet plan town NAME --dem FILE.hgt` fill it from a terrain tile",
            )
