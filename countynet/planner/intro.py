"""The comment at the top of a proposed town file: what was planned, from what, and what to check."""

from __future__ import annotations

from countynet.planner.draft import Draft
from countynet.planner.header import Header
from countynet.planner.sites import Row
from countynet.planner.stats import TownStats


def intro(hd: Header, draft: Draft, st: TownStats, rows: list[Row], kept: bool) -> list[str]:
    src = rows[0].pos.file if rows else "the site list"
    out = [
        f"{hd.name.title()} ({hd.county} County): proposed by `countynet plan town {hd.name}` from {src} "
        f"({len(rows)} sites). A proposal for review: check the towers on the ground, then run "
        "`countynet allocate` and `countynet validate`.",
        "",
        (
            "Re-plan: every tower, sector, link and existing site was kept as written; only new sites were connected "
            "(pass --replan to start over)."
            if kept
            else "Fresh plan from the list."
        ),
        f"{st.sites} sites: {st.fibre} on fibre at the hub compound, {st.sector_sites} on {st.sectors} sectors of "
        f"{st.towers} tower{'s' if st.towers != 1 else ''} ({st.sites_per_sector:g} per sector, at most {st.max_sites_per_sector}), {st.ptp_sites} "
        f"by their own PtP link or a relay. {st.hops_meeting_target} of {st.hops} radio hops meet the "
        f"margin target; lowest margin {st.lowest_margin_db:g} dB; {st.channels_used} channels; "
        f"{st.conflicts} channel conflicts.",
        "",
        "Towers:",
    ]
    out += [f"  {t.name}: {t.reason or t.source}" for t in draft.towers]
    chans = sorted(
        {s.frequency_mhz for s in draft.sectors if s.frequency_mhz}
        | {lk.frequency_mhz for lk in draft.links if lk.frequency_mhz}
    )
    out += [
        "",
        "Channels (20 MHz; coloured so that no two radios that hear each other share one): "
        + ", ".join(f"{c:g}" for c in chans),
    ]
    if hd.reasons:
        out += ["", "Header:", *(f"  {r}" for r in hd.reasons)]
    if draft.findings:
        out += ["", "Findings (need a person):", *(f"  {f}" for f in draft.findings)]
    if draft.notes:
        out += ["", *draft.notes]
    return out
