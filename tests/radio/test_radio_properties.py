"""Properties every link budget must keep, whatever the numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countynet.radio import formulas as fx
from countynet.radio.mcs import choose_mcs

freq = st.floats(2400, 6425)
dist = st.floats(0.01, 80)
power = st.floats(-10, 30)
gain = st.floats(0, 35)
loss = st.floats(0, 3)
SEVERITY = {"ok": 0, "warning": 1, "error": 2}


@given(freq, dist, dist, power, gain, gain, loss)
def test_received_level_falls_with_distance(
    f: float, d1: float, d2: float, ptx: float, gt: float, gr: float, cable: float
) -> None:
    near, far = sorted((d1, d2))
    rx_near = fx.rx_level_dbm(ptx, gt, cable, fx.fspl_db(f, near), gr, cable)
    rx_far = fx.rx_level_dbm(ptx, gt, cable, fx.fspl_db(f, far), gr, cable)
    assert rx_far <= rx_near + 1e-9


def _verdict(margin: float, mcs: int) -> str:
    return "error" if mcs < 0 or margin < 10 else "warning" if margin < 15 else "ok"


@given(st.floats(-110, -30), st.floats(0, 20), st.sampled_from([20, 40, 80]), st.integers(1, 4))
def test_more_tx_power_never_lowers_the_margin(rx: float, extra: float, width: int, streams: int) -> None:
    """More power never costs margin at any MCS, never a lower MCS, and never a worse verdict.

    (The margin *at the planned MCS* may shrink when the plan steps up to a faster MCS; it
    then still meets the target, so the verdict does not get worse.)
    """
    before = choose_mcs(rx, width, streams, None, 15)
    after = choose_mcs(rx + extra, width, streams, None, 15)
    assert all(b <= a + 1e-9 for b, a in zip(before.margins_db, after.margins_db, strict=True))
    assert after.mcs >= before.mcs
    assert SEVERITY[_verdict(after.margin_db, after.mcs)] <= SEVERITY[_verdict(before.margin_db, before.mcs)]


@given(
    st.floats(0, 3000),
    st.floats(0, 3000),
    st.floats(0.1, 60),
    st.floats(0, 1),
    st.floats(-100, 3200),
    freq,
    st.floats(0.5, 4),
)
def test_clearance_is_symmetric_in_the_two_ends(
    ha: float, hb: float, d: float, frac: float, obstacle: float, f: float, k: float
) -> None:
    d1 = d * frac
    forward = fx.clearance_pct(ha, hb, d, d1, obstacle, f, k)
    backward = fx.clearance_pct(hb, ha, d, d - d1, obstacle, f, k)
    assert forward == pytest.approx(backward, rel=1e-6, abs=1e-6)
