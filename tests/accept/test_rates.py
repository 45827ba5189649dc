"""RouterOS rate strings read back to the plan's MCS scale (IEEE 802.11ac PHY rates)."""

from __future__ import annotations

import pytest

from countynet.accept.measure import uptime_seconds
from countynet.accept.rates import parse_rate


@pytest.mark.parametrize(
    ("text", "width", "streams", "mcs"),
    [
        ("156Mbps-20MHz/2S", 20, 2, 8),  # 78 x 2, long guard interval
        ("173.3Mbps-20MHz/2S/SGI", 20, 2, 8),  # 10/9 of it with the short guard interval
        ('"58.5Mbps-20MHz/1S"', 20, 1, 6),  # quoted, as the legacy detail print shows it
        ("52Mbps-20MHz/2S", 20, 2, 3),
        ("270Mbps-40MHz/2S", 40, 2, 7),
        ("866.7Mbps-80MHz/2S/SGI", 80, 2, 9),
        ("1.2Gbps-80MHz/2S", 80, 2, None),  # 1200/2 = 600 per stream: no 802.11ac MCS (an 11ax rate)
    ],
)
def test_rate_to_mcs(text: str, width: int, streams: int, mcs: int | None) -> None:
    r = parse_rate(text)
    assert r is not None and (r.width_mhz, r.streams, r.mcs) == (width, streams, mcs)


def test_legacy_ofdm_rate_has_no_mcs_and_garbage_is_no_rate() -> None:
    r = parse_rate("6Mbps")
    assert r is not None and (r.mcs, r.streams) == (None, None)
    assert parse_rate("") is None and parse_rate("fast") is None


def test_uptime() -> None:
    assert uptime_seconds("1w2d3h4m5s") == 9 * 86400 + 3 * 3600 + 4 * 60 + 5
    assert uptime_seconds("850ms") == pytest.approx(0.85)
    assert uptime_seconds(None) is None
