"""Kenyan licence-exempt spectrum: which bands an outdoor link may use, at what power.

Source: Communications Authority of Kenya, Guidelines on the Use of Radiofrequency Spectrum
by Short Range Devices (June 2022), section 5.8. A channel (centre +/- width/2) must lie
wholly inside one band; the band's EIRP and EIRP-density limits then apply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    lo_mhz: float
    hi_mhz: float
    max_eirp_dbm: float
    max_density_dbm_mhz: float | None  # EIRP per MHz; None when the guideline sets none
    dfs: bool = False
    outdoor: bool = True
    note: str = ""
    per_mhz: float | None = None  # the EIRP limit applies "in any N MHz" rather than to the whole channel

    @property
    def label(self) -> str:
        return f"{self.lo_mhz:g}-{self.hi_mhz:g} MHz"


def mw_to_dbm(mw: float) -> float:
    return 10 * math.log10(mw)


# CA Kenya SRD guidelines 2022, section 5.8.
BANDS: tuple[Band, ...] = (
    Band(2400, 2483.5, mw_to_dbm(2000), None, note="2 W EIRP"),
    # 200 mW EIRP, 10 mW/MHz; 5250-5350 needs DFS (ETSI EN 301 893, adopted by CA).
    Band(5150, 5350, mw_to_dbm(200), mw_to_dbm(10), note="200 mW EIRP, 10 mW/MHz"),
    Band(5470, 5725, mw_to_dbm(1000), mw_to_dbm(50), dfs=True, note="1 W EIRP, 50 mW/MHz, DFS"),
    # "mean EIRP 2 W in any 10 MHz" and 23 dBm/MHz: a 20 MHz channel may radiate up to 36 dBm.
    Band(5725, 5875, mw_to_dbm(2000), 23.0, note="2 W EIRP in any 10 MHz, 23 dBm/MHz", per_mhz=10),
    Band(5925, 6425, mw_to_dbm(200), None, outdoor=False, note="indoor only"),
)

# Dynamic Frequency Selection ranges (radar protection): a radio here may be forced off channel.
DFS_RANGES: tuple[tuple[float, float], ...] = ((5250, 5350), (5470, 5725))


def channel_edges(frequency_mhz: float, width_mhz: float) -> tuple[float, float]:
    return frequency_mhz - width_mhz / 2, frequency_mhz + width_mhz / 2


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether two frequency ranges share spectrum (touching edges do not)."""
    return a[0] < b[1] and b[0] < a[1]


def band_of(frequency_mhz: float, width_mhz: float) -> Band | None:
    """The licence-exempt band holding the whole channel, or None."""
    lo, hi = channel_edges(frequency_mhz, width_mhz)
    return next((b for b in BANDS if b.lo_mhz <= lo and hi <= b.hi_mhz), None)


def is_dfs(frequency_mhz: float, width_mhz: float) -> bool:
    edges = channel_edges(frequency_mhz, width_mhz)
    return any(overlaps(edges, r) for r in DFS_RANGES)


def limited_eirp_dbm(band: Band, eirp_dbm: float, width_mhz: float) -> float:
    """The EIRP the band's limit is compared with: the whole channel, or the share in any `per_mhz` MHz."""
    if band.per_mhz is None:
        return eirp_dbm
    return eirp_dbm - 10 * math.log10(max(width_mhz, band.per_mhz) / band.per_mhz)


def density_dbm_mhz(eirp_dbm: float, width_mhz: float) -> float:
    """Mean EIRP density, spreading the power evenly over the channel."""
    return eirp_dbm - 10 * math.log10(width_mhz)


def max_tx_power_dbm(band: Band, gain_dbi: float, cable_loss_db: float, width_mhz: float) -> float:
    """Highest tx power (0.5 dB steps) whose EIRP stays within the band's EIRP and density limits."""
    eirp = band.max_eirp_dbm + (10 * math.log10(max(width_mhz, band.per_mhz) / band.per_mhz) if band.per_mhz else 0.0)
    if band.max_density_dbm_mhz is not None:
        eirp = min(eirp, band.max_density_dbm_mhz + 10 * math.log10(width_mhz))
    return math.floor((eirp - gain_dbi + cable_loss_db) * 2 + 1e-9) / 2
