"""What the health gate checks per device and for how long (derived from the model, not constants).

The hold window is the longest protocol dead/hold interval the device runs (OSPF dead interval
on any interface with an adjacency, BGP hold time of any neighbour): a change that breaks a
protocol quietly (a filtered TCP/179, a mismatched hello) shows within that time, not sooner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MIN_HOLD_S = 3.0  # a device with no routing protocol: still watch management for a few polls


@dataclass(frozen=True)
class GateSpec:
    prefixes: list[str] = field(default_factory=list)  # shared-service routes the device must keep
    hold: float = MIN_HOLD_S
    why: str = "no routing protocol"


def hold_from_intent(intent: dict[str, Any]) -> tuple[float, str]:
    """The longest dead/hold interval in one device's intent, and which protocol it comes from."""
    found: list[tuple[float, str]] = []
    ospf = intent.get("ospf") or {}
    active = set(ospf.get("interfaces") or []) - set(ospf.get("passive") or [])
    if active and ospf.get("dead"):
        found.append((float(ospf["dead"]), f"OSPF dead interval {ospf['dead']} s"))
    for n in (intent.get("bgp") or {}).get("neighbors") or []:
        if n.get("hold"):
            found.append((float(n["hold"]), f"BGP hold time {n['hold']} s to {n.get('address')}"))
    return max(found, default=(MIN_HOLD_S, "no routing protocol"))


def gate_specs(intents: dict[str, dict[str, Any]], prefixes: dict[str, list[str]]) -> dict[str, GateSpec]:
    """One GateSpec per device from the model's intents (Model.intents) and service prefixes."""
    out = {}
    for name, intent in intents.items():
        hold, why = hold_from_intent(intent)
        out[name] = GateSpec(prefixes.get(name, []), hold, why)
    return out


# For callers without the model (older callers, tests handing the engine raw text): the timers
# as NAPALM platforms print them (FRR/IOS `ip ospf dead-interval N`, `timers bgp K H`,
# `neighbor X timers K H`; RouterOS `dead-interval=Ns`, `hold-time=Ns`).
_TIMERS = (
    (re.compile(r"dead-interval[ =](\d+)s?\b"), "OSPF dead interval {} s"),
    (re.compile(r"\btimers (?:bgp )?\d+ (\d+)\b"), "BGP hold time {} s"),
    (re.compile(r"\bhold-time=(\d+)s?\b"), "BGP hold time {} s"),
)


def hold_from_text(text: str) -> tuple[float, str]:
    found = [(float(m.group(1)), why.format(m.group(1))) for rx, why in _TIMERS for m in rx.finditer(text)]
    return max(found, default=(MIN_HOLD_S, "no routing protocol timers in the candidate"))
