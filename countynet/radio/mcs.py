"""802.11ac modulation table: sensitivity, PHY rate and expected throughput per MCS.

Sensitivities are the IEEE 802.11ac (IEEE 802.11-2020 Table 21-25) minimum input levels
at 20 MHz, 1 stream; a radio model's datasheet list replaces them when given. Both are
stated for 20 MHz: each doubling of the channel width adds 3 dB of noise bandwidth, so the
radio needs 3 dB more signal (40 MHz: +3 dB, 80 MHz: +6 dB).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# IEEE 802.11ac minimum sensitivity, 20 MHz, MCS0..MCS9 (dBm).
IEEE_SENSITIVITY_20MHZ: tuple[float, ...] = (-82, -79, -77, -74, -70, -66, -65, -64, -59, -57)

MODULATION: tuple[str, ...] = (
    "BPSK 1/2",
    "QPSK 1/2",
    "QPSK 3/4",
    "16-QAM 1/2",
    "16-QAM 3/4",
    "64-QAM 2/3",
    "64-QAM 3/4",
    "64-QAM 5/6",
    "256-QAM 3/4",
    "256-QAM 5/6",
)

# PHY rate per spatial stream, 802.11ac, 800 ns (long) guard interval, Mbit/s (IEEE 802.11-2020 §21.5).
PHY_RATE_PER_STREAM: dict[int, tuple[float, ...]] = {
    20: (6.5, 13.0, 19.5, 26.0, 39.0, 52.0, 58.5, 65.0, 78.0, 86.7),
    40: (13.5, 27.0, 40.5, 54.0, 81.0, 108.0, 121.5, 135.0, 162.0, 180.0),
    80: (29.3, 58.5, 87.8, 117.0, 175.5, 234.0, 263.3, 292.5, 351.0, 390.0),
}

# (width, mcs, streams) combinations the standard leaves out (non-integer bits per symbol).
INVALID: frozenset[tuple[int, int, int]] = frozenset({(20, 9, 1), (20, 9, 2), (20, 9, 4), (80, 6, 3)})

# Share of the PHY rate left for IP traffic. 802.11ac with A-MPDU aggregation delivers about
# 65-70 % of PHY on a clean PtP link; TDMA polling (MikroTik Nv2, airMAX) and PtMP
# scheduling cost a few more percent, and field tests of these radios report 60-65 %.
# We plan with 0.62 so the lab shapes links no faster than the field will run them.
MAC_EFFICIENCY = 0.62

WIDTH_STEP_DB = 3.0  # per doubling of channel width


def width_penalty_db(width_mhz: int) -> float:
    """dB of sensitivity lost relative to 20 MHz: 3 dB per doubling."""
    return WIDTH_STEP_DB * math.log2(width_mhz / 20)


def sensitivities(width_mhz: int, datasheet: Sequence[float] | None = None) -> list[float]:
    """Required receive level per MCS at this width: datasheet (20 MHz) or IEEE minimum, plus the width penalty.

    A datasheet list shorter than 10 entries covers only the MCS it lists: the radio is not
    promised to reach the higher ones.
    """
    base = list(datasheet) if datasheet else list(IEEE_SENSITIVITY_20MHZ)
    return [s + width_penalty_db(width_mhz) for s in base[: len(IEEE_SENSITIVITY_20MHZ)]]


def phy_rate_mbps(mcs: int, width_mhz: int, streams: int) -> float:
    """802.11ac PHY rate (long GI) for all streams; 0.0 for a combination the standard leaves out."""
    if (width_mhz, mcs, streams) in INVALID:
        return 0.0
    return PHY_RATE_PER_STREAM[width_mhz][mcs] * streams


def capacity_mbps(mcs: int, width_mhz: int, streams: int) -> float:
    """Expected IP throughput: PHY rate times MAC_EFFICIENCY."""
    return round(phy_rate_mbps(mcs, width_mhz, streams) * MAC_EFFICIENCY, 1)


@dataclass(frozen=True)
class McsChoice:
    mcs: int  # -1 when not even MCS0 is received
    margin_db: float  # margin at `mcs` (at MCS0 when mcs == -1)
    margins_db: tuple[float, ...]  # margin at every MCS the radio supports


def choose_mcs(
    rx_dbm: float, width_mhz: int, streams: int, datasheet: Sequence[float] | None, target_db: float
) -> McsChoice:
    """The highest usable MCS whose fade margin is >= `target_db`; else MCS0; mcs = -1 if MCS0 is not received.

    One threshold, so the choice only ever rises with the received level: a two-tier rule
    ("else the highest MCS with the error-level margin") was tried and, as the property test
    showed, gave *less* capacity for 1 dB *more* power near the threshold.
    """
    sens = sensitivities(width_mhz, datasheet)
    margins = tuple(round(rx_dbm - s, 2) for s in sens)
    ok = [i for i in range(len(sens)) if margins[i] >= target_db and phy_rate_mbps(i, width_mhz, streams) > 0]
    if ok:
        return McsChoice(max(ok), margins[max(ok)], margins)
    if margins and margins[0] >= 0:
        return McsChoice(0, margins[0], margins)
    return McsChoice(-1, margins[0] if margins else -math.inf, margins)
