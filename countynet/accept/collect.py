"""Collect radio outputs from the field: the radios that are inventory devices answer over NAPALM.

In the platform row a station's radio is the agency router's first radio interface and a
sector AP is the base station's radio interface, so both are reached like any device (napalm-ros
`cli`, which runs each command as a script and returns its printed output). A PtP dish is a
radio of its own outside the inventory: its outputs come from recordings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from countynet.accept.hops import HopPlan
from countynet.accept.recordings import Collected
from countynet.accept.sectors import SectorInfo
from countynet.platforms import Platform

if TYPE_CHECKING:
    from countynet.jobs.common import FieldAccess
    from countynet.model import Model


def radio_units(
    hops: list[HopPlan], sectors: dict[str, SectorInfo], devices: set[str], platform: Platform
) -> dict[str, list[str]]:
    """Device -> the acceptance commands to run on it: stations' both commands, APs' registration tables."""
    out: dict[str, list[str]] = {}
    for hp in hops:
        if hp.unit in devices:
            out.setdefault(hp.unit, []).extend(platform.collect.radio[hp.package].commands)
    for info in sectors.values():
        if info.unit in devices:
            cmd = platform.collect.radio[info.package].registration
            if cmd not in out.setdefault(info.unit, []):
                out[info.unit].append(cmd)
    return out


def collect_radios(
    model: Model, units: dict[str, list[str]], access: FieldAccess, workers: int = 10
) -> tuple[Collected, dict[str, str]]:
    """Outputs per device, and why a device gave none (unreachable, refused, command error)."""
    from countynet.jobs.connect import nornir_for
    from nornir_tasks.collect import radio_outputs

    if not units:
        return {}, {}
    nr = nornir_for(model, set(units), None, access, workers)
    agg = nr.run(task=radio_outputs, commands=units, name="countynet-radio", on_failed=True)
    collected: Collected = {}
    errors: dict[str, str] = {}
    for name in sorted(units):
        multi: Any = agg.get(name)
        result = multi[0] if multi is not None and len(multi) else None
        if result is not None and isinstance(result.result, dict) and not result.failed:
            collected[name] = {str(k): str(v) for k, v in result.result.items()}
        else:
            exc = getattr(result, "exception", None) if result is not None else None
            errors[name] = (str(exc).strip().splitlines() or ["no answer"])[-1][:200] if exc else "no answer"
        host = nr.inventory.hosts.get(name)
        if host is not None:
            host.close_connections()
    return collected, errors
