"""Radio link-budget formulas: pure functions of numbers, each with its source.

Kept free of the inventory model so they can be checked against published values
(see /work/shared/reference/radio-and-spectrum.md and tests/radio/test_formulas.py).
Units are in the names: km, m, MHz, GHz, dB, dBm, dBi.
"""

from __future__ import annotations

import math
from typing import Literal

EARTH_RADIUS_KM = 6371.0  # mean Earth radius used by the haversine formula
SPEED_OF_LIGHT_KM_S = 299_792.458
AT_END_KM = 1e-6  # a point within 1 mm of an antenna is at the antenna (F1 is zero there)

Terrain = Literal["smooth", "average", "rough"]
Climate = Literal["humid", "average", "dry"]

# Vigants-Barnett factors (Vigants 1975; Barnett 1972; as used with ITU-R P.530 planning).
TERRAIN_FACTOR: dict[str, float] = {"smooth": 4.0, "average": 1.0, "rough": 0.25}
CLIMATE_FACTOR: dict[str, float] = {"humid": 0.5, "average": 0.25, "dry": 0.125}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in degrees (haversine, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def azimuth_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 to point 2, degrees clockwise from true north, in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360.0


def angle_off(bearing: float, azimuth: float) -> float:
    """Smallest angle between two directions (0..180): how far a bearing is off an antenna's boresight."""
    d = abs(bearing - azimuth) % 360.0
    return 360.0 - d if d > 180.0 else d


def elevation_deg(h_from_asl_m: float, h_to_asl_m: float, distance_km: float, k: float = 4 / 3) -> float:
    """Antenna tilt from one end to the other, degrees above the horizontal (negative: down-tilt).

    The straight-line angle atan(dh / d), less the drop of the effective Earth (radius k R) over
    the path, d / (2 k R) in radians: the same curved-ray geometry as the clearance figures.
    """
    d_m = max(distance_km, 0.001) * 1000.0
    curvature = d_m / (2.0 * k * EARTH_RADIUS_KM * 1000.0)
    return math.degrees(math.atan2(h_to_asl_m - h_from_asl_m, d_m) - curvature)


def fspl_db(frequency_mhz: float, distance_km: float) -> float:
    """Free-space path loss, ITU-R P.525-4 eq. (6): 32.4 + 20 log f(MHz) + 20 log d(km).

    Distances below 1 m are clamped: the formula is far-field only and log(0) is undefined.
    """
    d = max(distance_km, 0.001)
    return 32.4 + 20 * math.log10(frequency_mhz) + 20 * math.log10(d)


def eirp_dbm(tx_power_dbm: float, antenna_gain_dbi: float, cable_loss_db: float = 0.0) -> float:
    """Equivalent isotropically radiated power: what the regulator limits (CA Kenya SRD guidelines 2022)."""
    return tx_power_dbm + antenna_gain_dbi - cable_loss_db


def rx_level_dbm(
    tx_power_dbm: float,
    tx_gain_dbi: float,
    tx_loss_db: float,
    path_loss_db: float,
    rx_gain_dbi: float,
    rx_loss_db: float,
    other_losses_db: float = 0.0,
) -> float:
    """Received level, the link budget: Prx = Ptx + Gtx - Ltx - FSPL - Lother + Grx - Lrx (dBm)."""
    return tx_power_dbm + tx_gain_dbi - tx_loss_db - path_loss_db - other_losses_db + rx_gain_dbi - rx_loss_db


def fresnel_radius_m(d1_km: float, d2_km: float, frequency_mhz: float) -> float:
    """First Fresnel zone radius at a point, ITU-R P.530-18 §2.2.1: 17.3 sqrt(d1 d2 / (f(GHz) d))."""
    d = d1_km + d2_km
    if d <= 0 or d1_km <= 0 or d2_km <= 0:
        return 0.0
    return 17.3 * math.sqrt(d1_km * d2_km / (frequency_mhz / 1000.0 * d))


def earth_bulge_m(d1_km: float, d2_km: float, k: float = 4 / 3) -> float:
    """Height of the effective Earth's curvature at a point: d1 d2 / (12.74 k) (ITU-R P.530, k = 4/3 standard)."""
    return max(d1_km, 0.0) * max(d2_km, 0.0) / (12.74 * k)


def clearance_pct(
    ha_asl_m: float,
    hb_asl_m: float,
    distance_km: float,
    d1_km: float,
    obstacle_asl_m: float,
    frequency_mhz: float,
    k: float = 4 / 3,
) -> float:
    """Clearance of an obstacle as a percentage of F1 (ITU-R P.530 §2.2.2: keep >= 60 %).

    `ha_asl_m`/`hb_asl_m` are the antenna heights above sea level (ground + mast), `d1_km` is
    measured from end a. The obstacle is raised by the earth bulge, then compared with the
    straight line of sight. Negative means the line of sight is blocked. At an end (d1 = 0 or d)
    F1 is zero, so the clearance is reported as +/-inf depending on which side the line passes.
    """
    d1 = min(max(d1_km, 0.0), distance_km)
    if d1 < AT_END_KM or distance_km - d1 < AT_END_KM:  # snap to the antenna, so a/b swap exactly
        d1 = 0.0 if d1 < distance_km / 2 else distance_km
    d2 = distance_km - d1
    if d1 == 0.0 or d2 == 0.0:
        los = ha_asl_m if d1 == 0.0 else hb_asl_m
    else:
        los = ha_asl_m + (hb_asl_m - ha_asl_m) * d1 / distance_km
    gap = los - (obstacle_asl_m + earth_bulge_m(d1, d2, k))
    if min(d1, d2) < AT_END_KM:
        return math.inf if gap >= 0 else -math.inf
    return 100.0 * gap / fresnel_radius_m(d1, d2, frequency_mhz)


def outage_fraction(
    frequency_mhz: float, distance_km: float, fade_margin_db: float, terrain: str = "average", climate: str = "average"
) -> float:
    """Vigants-Barnett multipath outage: U = a b 6.0e-7 f(GHz) D(km)^3 10^(-F/10), capped at 1."""
    a = TERRAIN_FACTOR[terrain]
    b = CLIMATE_FACTOR[climate]
    u = a * b * 6.0e-7 * (frequency_mhz / 1000.0) * distance_km**3 * 10 ** (-fade_margin_db / 10.0)
    return min(max(u, 0.0), 1.0)


def availability_pct(
    frequency_mhz: float, distance_km: float, fade_margin_db: float, terrain: str = "average", climate: str = "average"
) -> float:
    """Availability (%) = 100 (1 - U) from Vigants-Barnett; 0 when the margin is negative (no link)."""
    if fade_margin_db < 0:
        return 0.0
    return 100.0 * (1.0 - outage_fraction(frequency_mhz, distance_km, fade_margin_db, terrain, climate))


def propagation_ms(distance_km: float) -> float:
    """One-way propagation delay at the speed of light (3.3 microseconds per km)."""
    return distance_km / SPEED_OF_LIGHT_KM_S * 1000.0


BOLTZMANN_DBM_HZ = -174.0  # thermal noise density kT at 290 K


def noise_floor_dbm(width_mhz: float, noise_figure_db: float) -> float:
    """Receiver noise floor: kTB + NF = -174 dBm/Hz + 10 log10(B in Hz) + NF."""
    return BOLTZMANN_DBM_HZ + 10 * math.log10(width_mhz * 1e6) + noise_figure_db


def discrimination_db(off_axis_deg: float, beamwidth_deg: float, front_to_back_db: float) -> float:
    """Antenna gain lost off boresight, 3GPP TR 36.814 Table A.2.1.1-2: min(12 (theta / theta3dB)^2, Am).

    theta3dB is the half-power beamwidth; Am (front-to-back ratio) caps the loss behind the antenna.
    """
    if beamwidth_deg >= 360.0:
        return 0.0
    return min(12.0 * (off_axis_deg / beamwidth_deg) ** 2, front_to_back_db)


def radio_horizon_km(h1_m: float, h2_m: float, k: float = 4 / 3) -> float:
    """Distance at which two antennas h1, h2 m above smooth ground lose sight over the effective Earth:
    sqrt(2 k R h1) + sqrt(2 k R h2) (ITU-R P.526 geometry; 4.12 (sqrt h1 + sqrt h2) km for k = 4/3)."""
    r_km = k * EARTH_RADIUS_KM
    return math.sqrt(2 * r_km * max(h1_m, 0.0) / 1000.0) + math.sqrt(2 * r_km * max(h2_m, 0.0) / 1000.0)
