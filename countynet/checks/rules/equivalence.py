"""CN510: every field config says what its lab stand-in says (scope "rendered").

This is the check that carries lab results over to the field: the lab verifies the FRR stand-in,
and this rule proves per device that the IOS-XE or RouterOS config normalizes to the same items
(countynet.render.equivalence). Files without a stand-in rendering are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from countynet.checks.registry import Issue, rule
from countynet.errors import Pos


@rule(
    "CN510",
    "stand-in-equivalence",
    "error",
    "the field config differs from its lab stand-in, so lab results do not speak for it",
    scope="rendered",
)
def stand_in_equivalence(f: Any) -> Iterator[Issue]:
    """The lab verifies each device's FRR stand-in; only when the field config parses back to the same
    hostname, interfaces, OSPF, BGP, static routes, service filters, management ACL and radios do
    those lab results speak for the device in the field."""
    if f.stand_in is None or f.intent is None:
        return
    from countynet.render.equivalence import compare

    stand_text, stand_intent = f.stand_in
    for d in compare(f.hostname, f.text, f.intent, stand_text, stand_intent):
        yield Issue(
            Pos(f.file),
            d.message(),
            f"make the {d.platform} and {d.stand_in} templates say the same, or lab results do not carry over",
        )
