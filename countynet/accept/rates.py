"""RouterOS rate strings ("173.3Mbps-20MHz/2S/SGI") -> width, spatial streams and 802.11ac MCS.

The MCS is read back through the same IEEE PHY-rate table the radio plan used to choose it
(countynet.radio.mcs), so "planned MCS" and "measured MCS" are counted on one scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from countynet.radio.mcs import PHY_RATE_PER_STREAM

_RATE = re.compile(r"^(?P<num>\d+(?:\.\d+)?)(?P<unit>[MG])bps(?:-(?P<width>\d+)MHz)?(?:/(?P<ss>\d)S)?(?P<sgi>/SGI)?")
SGI_FACTOR = 10 / 9  # 400 ns guard interval: 10/9 of the 800 ns rate
MATCH_PCT = 1.5  # printed rates are rounded to 0.1 Mbit/s


@dataclass(frozen=True)
class Rate:
    text: str
    mbps: float
    width_mhz: int | None
    streams: int | None
    sgi: bool
    mcs: int | None  # None: a legacy OFDM rate (6-54 Mbit/s, below every MCS) or not in the table


def parse_rate(text: str | None, default_width: int | None = None) -> Rate | None:
    """A rate as RouterOS prints it, or None when the text is empty or not a rate."""
    if not text:
        return None
    m = _RATE.match(text.strip().strip('"'))
    if m is None:
        return None
    mbps = float(m["num"]) * (1000.0 if m["unit"] == "G" else 1.0)
    width = int(m["width"]) if m["width"] else None
    streams = int(m["ss"]) if m["ss"] else None
    sgi = bool(m["sgi"])
    mcs = mcs_of(mbps, width or default_width, streams, sgi) if streams else None
    return Rate(text.strip().strip('"'), mbps, width, streams, sgi, mcs)


def mcs_of(mbps: float, width_mhz: int | None, streams: int, sgi: bool) -> int | None:
    """The 802.11ac MCS whose PHY rate (per stream, this width and guard interval) is `mbps`."""
    table = PHY_RATE_PER_STREAM.get(width_mhz or 0)
    if table is None or streams < 1:
        return None
    per_stream = mbps / streams / (SGI_FACTOR if sgi else 1.0)
    for mcs, rate in enumerate(table):
        if abs(per_stream - rate) <= rate * MATCH_PCT / 100:
            return mcs
    return None
