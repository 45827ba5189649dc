"""Judge one hop: the far radio's view against the plan, with causes a rigger can act on.

Order matters: a radio on the wrong sector is re-pointed before anything else is read, and
a signal fault explains a low modulation, so the rate finding then points back at it.
"""

from __future__ import annotations

from countynet.accept.hops import Finding, HopPlan, HopResult
from countynet.accept.measure import RadioView


def _dur(seconds: float) -> str:
    s = int(seconds)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return "".join(f"{v}{u}" for v, u in ((d, "d"), (h, "h"), (m, "m"), (s, "s")) if v) or "0s"


def _aim(hp: HopPlan) -> str:
    lp = hp.lp
    target = f"{hp.tower} sector {hp.sector}" if hp.sector else hp.tower
    return f"{target}: azimuth {lp.azimuth_b_deg:.1f} deg, elevation {lp.elevation_b_deg:+.1f} deg"


def judge(hp: HopPlan, view: RadioView) -> HopResult:
    """All findings of a measured hop; status pass only when every one is ok."""
    res = HopResult(hp, "pass", measured=view.as_dict())
    if not view.registered:
        res.findings.append(_unregistered(hp, view))
    else:
        sector = _sector(hp, view)
        res.findings += sector
        if all(f.ok for f in sector):
            res.findings += _levels(hp, view)
            res.findings += _rates(hp, view, signal_ok=all(f.ok for f in res.findings))
        res.findings += _uptime(hp, view)
        res.realised_margin_db = _realised(hp, view)
    if any(not f.ok for f in res.findings):
        res.status = "fail"
    return res


def _unregistered(hp: HopPlan, view: RadioView) -> Finding:
    state = view.state or "no peer in the registration table"
    why = f"; {'; '.join(view.problems)}" if view.problems else ""
    return Finding(
        "registration",
        False,
        f"{hp.unit} is not registered ({state}){why}",
        f"no link: check power/PoE and the cable, that the radio is set to SSID {hp.ssid} on "
        f"{hp.lp.frequency_mhz:g} MHz / {hp.lp.width_mhz} MHz, and point it at {_aim(hp)}",
    )


def _sector(hp: HopPlan, view: RadioView) -> list[Finding]:
    lp = hp.lp
    planned = f"{hp.ssid} on {lp.frequency_mhz:g} MHz"
    heard = f"{view.ssid or '?'} on {view.frequency_mhz:g} MHz" if view.frequency_mhz else view.ssid or "?"
    if view.ssid is not None and view.ssid != hp.ssid:
        what = "sector" if hp.sector else "link"
        return [
            Finding(
                "sector",
                False,
                f"registered to the wrong {what}: {heard}, planned {planned}",
                f"re-point at {_aim(hp)}, and lock the radio to SSID {hp.ssid} / {lp.frequency_mhz:g} MHz "
                "(connect list or scan list) so it cannot join a neighbouring sector",
            )
        ]
    out = [Finding("sector", True, f"registered to {heard}")]
    freq, width = view.frequency_mhz, view.width_mhz
    if (freq is not None and freq != lp.frequency_mhz) or (width is not None and width != lp.width_mhz):
        out.append(
            Finding(
                "channel",
                False,
                f"channel {freq:g}/{width} MHz, planned {lp.frequency_mhz:g}/{lp.width_mhz} MHz",
                f"set {hp.tower}'s radio to the planned channel (run `countynet deploy` for its config)",
            )
        )
    return out


def _levels(hp: HopPlan, view: RadioView) -> list[Finding]:
    out = [level_finding(hp, "downlink", view.rx_dbm, view.chains_dbm, hp.lp.ab.rx_dbm, hp.lp.a.device)]
    if view.far_rx_dbm is not None:
        out.append(level_finding(hp, "uplink", view.far_rx_dbm, view.far_chains_dbm, hp.lp.ba.rx_dbm, hp.lp.b.device))
    return [f for f in out if f is not None]


def level_finding(
    hp: HopPlan, direction: str, rx: float | None, chains: list[float], planned: float, tx_end: str
) -> Finding:
    """One direction's received level (and chains) against the plan, with the likely cause."""
    tol = hp.tolerance_db
    where = "at " + (hp.lp.b.device if direction == "downlink" else hp.lp.a.device)
    if rx is None:
        return Finding("signal", False, f"{direction} {where}: no signal figure reported", "measure again")
    d = rx - planned
    head = f"{direction} {where}: {rx:.0f} dBm, planned {planned:.1f} dBm ({d:+.1f} dB, accept +/-{tol:g})"
    low = [i for i, c in enumerate(chains) if c < planned - tol]
    if chains and 0 < len(low) < len(chains):
        ch = ", ".join(f"chain {i} {chains[i]:.0f} dBm" for i in low)
        good = ", ".join(f"chain {i} {c:.0f} dBm" for i, c in enumerate(chains) if i not in low)
        return Finding(
            "chain",
            False,
            f"{head}; {ch} far below plan while {good}",
            f"one chain: polarisation or cable - check the {'/'.join(f'chain {i}' for i in low)} "
            f"jumper and connectors (water, crimp), and the antenna's polarisation (H/V) at both ends",
        )
    if d < -tol:
        both = "both chains" if len(chains) > 1 else "signal"
        return Finding(
            "signal",
            False,
            f"{head}; {both} far below plan",
            f"alignment or obstruction: re-aim {hp.lp.b.device}'s antenna at {_aim(hp)}, "
            "then look for trees, buildings or terrain on the path",
        )
    if d > tol:
        return Finding(
            "signal",
            False,
            f"{head}; above plan",
            f"power or wrong antenna: check tx-power on {tx_end} (planned "
            f"{(hp.lp.a if tx_end == hp.lp.a.device else hp.lp.b).tx_power_dbm:g} dBm) and that the antennas "
            f"are the planned {hp.lp.a.model_name} and {hp.lp.b.model_name}",
        )
    return Finding("signal", True, head)


def _rates(hp: HopPlan, view: RadioView, signal_ok: bool) -> list[Finding]:
    out = []
    lp = hp.lp
    for direction, rate, planned in (("downlink", view.rx_rate, lp.ab.mcs), ("uplink", view.tx_rate, lp.ba.mcs)):
        if rate is None:
            continue
        if rate.streams is not None and rate.streams < lp.streams and not view.chains_dbm:
            out.append(
                Finding(
                    "streams",
                    False,
                    f"{direction} {rate.text}: {rate.streams} spatial stream(s), planned {lp.streams}",
                    "one chain dead: polarisation or cable - check both antenna jumpers and connectors "
                    "and the antenna's polarisation (H/V)",
                )
            )
        out.append(_mcs(hp, direction, rate.text, rate.mcs, planned, signal_ok, view.ccq_pct))
    return out


def _mcs(
    hp: HopPlan, direction: str, text: str, mcs: int | None, planned: int, signal_ok: bool, ccq: float | None
) -> Finding:
    got = f"MCS{mcs}" if mcs is not None else "a legacy (non-MCS) rate"
    head = f"{direction} {text} = {got}, planned MCS{planned}"
    steps = planned - (mcs if mcs is not None else -1)
    if steps <= 0:
        return Finding("rate", True, head)
    kind = "PtP link" if hp.lp.kind == "ptp" else "station"
    if signal_ok:
        q = f" (CCQ {ccq:.0f} %)" if ccq is not None else ""
        cause = (
            f"signal is at plan, so interference or multipath{q}: scan {hp.lp.frequency_mhz:g} MHz for other "
            "transmitters, check both ends for reflections near the antenna, and consider another channel"
        )
    else:
        cause = "follows the signal finding above: fix that first"
    return Finding("rate", False, f"{kind} running {steps} MCS step(s) below plan: {head}", cause)


def _uptime(hp: HopPlan, view: RadioView) -> list[Finding]:
    if view.uptime_s is None:
        return []
    up, settle = view.uptime_s, hp.settle_s
    if up >= settle:
        return [Finding("uptime", True, f"registered for {_dur(up)}")]
    return [
        Finding(
            "uptime",
            False,
            f"registered for {_dur(up)} only (settle time {_dur(settle)})",
            "the link dropped recently: check for flapping (power, Ethernet, interference) and measure again "
            "once it has stayed up for the settle time",
        )
    ]


def _realised(hp: HopPlan, view: RadioView) -> float | None:
    """Fade margin left at the planned MCS: the plan's margin moved by (measured - planned) level."""
    lp = hp.lp
    margins = []
    if view.rx_dbm is not None:
        margins.append(lp.ab.margin_db + view.rx_dbm - lp.ab.rx_dbm)
    if view.far_rx_dbm is not None:
        margins.append(lp.ba.margin_db + view.far_rx_dbm - lp.ba.rx_dbm)
    return round(min(margins), 1) + 0.0 if margins else None
