"""The acceptance job: plan, read recordings, judge, keep the latest report for `countynet status`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countynet.accept import (
    LAB_NOTE,
    AcceptanceReport,
    accept,
    load_recordings,
    radio_commands,
    radio_platform,
    to_checks,
)
from countynet.accept.collect import collect_radios, radio_units
from countynet.accept.hops import hop_plans
from countynet.accept.sectors import sector_infos
from countynet.errors import CountynetError
from countynet.inventory.limits import read_user_text
from countynet.verify.results import Check

if TYPE_CHECKING:
    from countynet.jobs.common import FieldAccess

FIELD_NOTE = "radios are not collected by verify: give --recordings DIR (or run `countynet accept`)"


def latest_path() -> Path:
    from countynet.deploy.state import state_dir

    return state_dir() / "accept" / "latest.json"


def run_acceptance(
    root: Path, towns: list[str] | None, recordings: Path | None, field: FieldAccess | None = None
) -> AcceptanceReport:
    """Judge every planned hop of `towns` (all towns when None) from recordings and/or the field.

    With `field` the radios that are inventory devices (stations, sector APs) are collected over
    NAPALM; their fresh outputs take the place of any recording of the same radio.
    """
    from countynet.model import open_model

    if recordings is None and field is None:
        raise CountynetError("nothing to judge the radios by", "give --recordings DIR and/or --collect")
    model = open_model(root)
    known = {t.name for t in model.inv.towns}
    for t in towns or []:
        if t not in known:
            raise CountynetError(f"unknown town '{t}'", f"towns: {', '.join(sorted(known))}")
    wanted = set(towns) if towns else None
    d = model.inv.network.defaults
    sectors = sector_infos(model, wanted)
    collected = load_recordings(recordings, radio_commands()) if recordings else {}
    errors: dict[str, str] = {}
    if field is not None:
        hops = hop_plans(model.radio, d.accept_tolerance_db, d.accept_settle_s, set(model.topo.sites), wanted)
        units = radio_units(hops, sectors, set(model.topo.devices), radio_platform())
        fresh, errors = collect_radios(model, units, field)
        collected.update(fresh)
    sources = [f"recordings {recordings}"] if recordings else []
    sources += ["field collection"] if field is not None else []
    report = accept(
        model.radio,
        collected,
        agencies=set(model.topo.sites),
        tolerance_db=d.accept_tolerance_db,
        settle_s=d.accept_settle_s,
        towns=wanted,
        source=", ".join(sources),
        sectors=sectors,
        errors=errors,
    )
    save_latest(report)
    return report


def save_latest(report: AcceptanceReport) -> None:
    path = latest_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.as_dict(), indent=2, sort_keys=True))


def load_latest() -> dict[str, Any] | None:
    path = latest_path()
    if not path.exists():
        return None
    try:
        data = json.loads(read_user_text(path))
    except (json.JSONDecodeError, CountynetError):
        return None  # unreadable or over the budget: as if acceptance never ran
    return data if isinstance(data, dict) else None


def verify_radio_checks(ctx: Any, devices: set[str], lab: bool, recordings: Path | None = None) -> list[Check]:
    """The verify rows of radio acceptance, one per planned hop ending at a selected device.

    With recordings the hops are judged; without, they are not measurable: in the lab the FRR
    stand-ins have no radios, in the field verify does not collect radios itself.
    """
    d = ctx.inv.network.defaults
    collected = load_recordings(recordings, radio_commands()) if recordings else None
    towns = {ctx.topo.devices[x].town for x in devices if x in ctx.topo.devices}
    report = accept(
        ctx.radio,
        collected,
        agencies=set(ctx.topo.sites),
        tolerance_db=d.accept_tolerance_db,
        settle_s=d.accept_settle_s,
        towns=towns,
        source=f"recordings {recordings}" if recordings else "",
        unmeasurable=LAB_NOTE if lab else FIELD_NOTE,
        sectors=sector_infos(ctx, towns) if recordings else None,
    )
    report.hops = [h for h in report.hops if h.hop.lp.b.device in devices]
    if recordings:
        save_latest(report)
    return to_checks(report)
