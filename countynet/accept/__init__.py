"""Radio acceptance: what each radio hears against what the plan promised, per hop.

`accept()` judges every planned hop (PtP links and sector stations) from collected or recorded
registration tables; every hop appears exactly once, as pass, fail, "not measured" (no output
for its radio) or "not measurable" (the virtual lab's FRR stand-ins have no radios).
`acceptance_checks()` is the same as verify check rows; `accepted_sites()` feeds `status`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from countynet.accept.hops import HopPlan, HopResult, hop_plans
from countynet.accept.judge import judge
from countynet.accept.measure import read_view
from countynet.accept.recordings import Collected, load_recordings
from countynet.accept.sectors import SectorInfo, SectorResult, add_ap_view, ap_rows, judge_sector
from countynet.errors import CountynetError
from countynet.inventory.model import RadioModel
from countynet.platforms import PLATFORMS, Platform
from countynet.platforms import get as platform_get
from countynet.radio.plan import RadioPlan
from countynet.verify.results import Check

LAB_NOTE = "virtual lab: FRR stand-ins have no radio to report (not measurable)"


@dataclass
class AcceptanceReport:
    hops: list[HopResult] = field(default_factory=list)
    tolerance_db: float = 5.0
    settle_s: int = 600
    source: str = ""  # where the measurements came from
    sectors: list[SectorResult] = field(default_factory=list)  # the APs' own tables, where recorded

    @property
    def ok(self) -> bool:
        return all(h.status == "pass" for h in self.hops) and not any(s.status == "fail" for s in self.sectors)

    def by_town(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for h in self.hops:
            row = out.setdefault(
                h.hop.lp.town, {"hops": 0, "pass": 0, "fail": 0, "not measured": 0, "not measurable": 0}
            )
            row["hops"] += 1
            row[h.status] += 1
        return out

    def for_town(self, town: str) -> AcceptanceReport:
        """The same report narrowed to one town's hops."""
        return AcceptanceReport(
            [h for h in self.hops if h.hop.lp.town == town],
            self.tolerance_db,
            self.settle_s,
            self.source,
            [s for s in self.sectors if s.info.town == town],
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "source": self.source,
            "tolerance_db": self.tolerance_db,
            "settle_s": self.settle_s,
            "towns": self.by_town(),
            "hops": [h.as_dict() for h in self.hops],
            "sectors": [s.as_dict() for s in self.sectors],
        }


def radio_platform(model: RadioModel | None = None) -> Platform:
    """The platform a radio runs: its model's `platform`, else the one platform row with radio commands."""
    if model is not None and model.platform:
        return platform_get(model.platform)
    rows = [p for p in PLATFORMS.values() if p.collect.radio]
    if len(rows) != 1:
        raise CountynetError(
            f"{len(rows)} platforms have radio commands", "name the platform of each radio model in network.yml"
        )
    return rows[0]


def radio_commands(platform: Platform | None = None) -> list[str]:
    """Every acceptance command of every radio package (what recordings may hold)."""
    p = platform or radio_platform()
    return [c for rc in p.collect.radio.values() for c in rc.commands]


def _plan_of(model_or_plan: Any) -> RadioPlan:
    if isinstance(model_or_plan, RadioPlan):
        return model_or_plan
    for attr in ("radio", "ctx"):
        inner = getattr(model_or_plan, attr, None)
        if isinstance(inner, RadioPlan):
            return inner
        if inner is not None and isinstance(getattr(inner, "radio", None), RadioPlan):
            return inner.radio  # type: ignore[no-any-return]
    raise TypeError("acceptance needs a RadioPlan, or a model/context carrying one as .radio")


def accept(
    plan: RadioPlan,
    collected: Collected | None,
    *,
    agencies: set[str],
    tolerance_db: float = 5.0,
    settle_s: int = 600,
    towns: set[str] | None = None,
    source: str = "",
    unmeasurable: str = LAB_NOTE,
    sectors: dict[str, SectorInfo] | None = None,
    errors: dict[str, str] | None = None,
) -> AcceptanceReport:
    """Judge every planned hop; `collected=None` means nothing can be measured (why: `unmeasurable`).

    With `sectors` (countynet.accept.sectors.sector_infos) the sector APs' tables are read too;
    `errors` says why a radio collected from the field gave no output.
    """
    report = AcceptanceReport([], tolerance_db, settle_s, source)
    platform = radio_platform()
    for hp in hop_plans(plan, tolerance_db, settle_s, agencies, towns):
        hop_platform = radio_platform(hp.lp.b.model)
        report.hops.append(_one(hp, collected, hop_platform, unmeasurable, (errors or {}).get(hp.unit)))
    by_segment: dict[str, list[HopResult]] = {}
    for h in report.hops:
        by_segment.setdefault(h.hop.lp.segment, []).append(h)
    for seg, info in (sectors or {}).items():
        if towns is not None and info.town not in towns:
            continue
        rows = ap_rows(info, platform, collected)
        report.sectors.append(judge_sector(info, rows, collected is not None))
        for h in by_segment.get(seg, []):
            if rows:
                add_ap_view(h, info, rows)
    return report


def _one(
    hp: HopPlan, collected: Collected | None, platform: Platform, unmeasurable: str, error: str | None = None
) -> HopResult:
    if collected is None:
        return HopResult(hp, "not measurable", note=unmeasurable)
    outputs = collected.get(hp.unit)
    if not outputs:
        why = f"collecting from {hp.unit} failed: {error}" if error else f"no output recorded for radio {hp.unit}"
        return HopResult(hp, "not measured", note=why)
    return judge(hp, read_view(hp.unit, hp.package, platform, outputs))


def acceptance_checks(model_or_plan: Any, collected: Collected | None, **kw: Any) -> list[Check]:
    """The acceptance of every hop as verify check rows (kind "radio"), one per hop.

    Keyword arguments go to `accept` (agencies, tolerance_db, settle_s, towns); a missing
    measurement is a failed check ("not measured"), the lab's absence of radios not-measurable.
    """
    plan = _plan_of(model_or_plan)
    kw.setdefault("agencies", set())
    return to_checks(accept(plan, collected, **kw))


def to_checks(report: AcceptanceReport) -> list[Check]:
    out = []
    for h in report.hops:
        lp = h.hop.lp
        status = {"pass": "ok", "fail": "fail", "not measured": "fail", "not measurable": "not-measurable"}[h.status]
        detail = "; ".join(f"{f.detail} -> {f.cause}" for f in h.failed) or h.note or "as planned"
        if h.status == "not measured":
            detail = f"not measured: {h.note}"
        out.append(Check(lp.town, h.hop.site or lp.b.device, "radio", f"{lp.name} vs plan", status, detail, h.hop.site))  # type: ignore[arg-type]
    for sec in report.sectors:
        if sec.status in ("pass", "fail"):  # an AP table not recorded is no finding: the stations were judged
            name = sec.info.segment.removeprefix("sector:")
            text = f"{sec.detail} -> {sec.cause}" if sec.cause else sec.detail
            out.append(
                Check(
                    sec.info.town,
                    sec.info.unit,
                    "radio",
                    f"sector {name} stations",
                    "ok" if sec.status == "pass" else "fail",
                    text,
                )
            )
    return out


def accepted_sites(acceptance: dict[str, Any] | None) -> dict[str, bool]:
    """Site -> its radio hop passed, from a saved acceptance report (as_dict); sites without hops absent."""
    out: dict[str, bool] = {}
    for hop in (acceptance or {}).get("hops", []):
        site = hop.get("site")
        if site:
            out[site] = out.get(site, True) and hop.get("status") == "pass"
    return out


def site_accepted(site: str, topo: Any, radio_ok: dict[str, bool]) -> bool:
    """A site counts as accepted when its own radio hop passed (a fibre site has none to pass)."""
    town_site = topo.sites.get(site)
    if town_site is None:
        return False
    connect = town_site[1].connect
    radio = connect.sector is not None or connect.link is not None
    return radio_ok.get(site, False) if radio else True


__all__ = [
    "AcceptanceReport",
    "Collected",
    "HopResult",
    "accept",
    "acceptance_checks",
    "accepted_sites",
    "load_recordings",
    "radio_commands",
    "site_accepted",
    "to_checks",
]
