"""Candidate hops for the planner, each planned by the radio plan itself (radio.plan.plan_hop).

No link-budget arithmetic lives here: a candidate is a pair of `Radio`s handed to the same
function `countynet radio` and the CN3xx rules use, so what the planner accepts validates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from countynet.errors import CountynetError
from countynet.inventory.loader import Inventory
from countynet.inventory.model import Node, Obstacle, RadioModel, Sector, Town
from countynet.planner.dem import Dem
from countynet.radio import formulas as fx
from countynet.radio.plan import LinkPlan, Place, Radio, hop_env, plan_hop
from countynet.radio.spectrum import band_of, max_tx_power_dbm

PLAN_MHZ = 5785.0  # the middle of 5725-5875 MHz: where every hop is first planned
WIDTH = 20
TERRAIN_NOTE_PCT = 200.0  # a terrain point below this clearance is written as an obstacle
_NOWHERE = Node()


@dataclass
class Spot:
    """A place that can hold radios: an agency site or a tower (ground height as planned)."""

    name: str
    lat: float
    lon: float
    ground_m: float


def _model(inv: Inventory, name: str, kind: str) -> RadioModel:
    model = inv.network.radio_models.get(name)
    if model is None or model.kind != kind:
        raise CountynetError(
            f"planner radio model '{name}' is not a {kind} model in network.yml", "set planner.*_model to one that is"
        )
    return model


class Hops:
    """Builds and judges candidate hops for one town."""

    def __init__(self, inv: Inventory, town: Town, dem: Dem | None) -> None:
        net = inv.network
        p = net.planner
        self.inv, self.town, self.dem = inv, town, dem
        self.env = hop_env(inv, town)
        self.d = net.defaults
        self.sector_name, self.ptp_name = p.sector_model, p.ptp_model
        self.station_name = p.station_model or self.d.cpe_radio_model
        self.sector = _model(inv, self.sector_name, "sector")
        self.ptp = _model(inv, self.ptp_name, "ptp")
        self.station_model = _model(inv, self.station_name, "station")
        self.target = self.d.fade_margin_warning_db
        self.util = net.demand.warning_utilisation
        self.loss = self.d.cable_loss_db

    # ---------------------------------------------------------------- power limits
    def max_power(self, model: RadioModel, frequency_mhz: float = PLAN_MHZ) -> float:
        band = band_of(frequency_mhz, WIDTH)
        assert band is not None
        # whole dBm: RouterOS sets tx-power in whole dBm (rendered-config rule CN510 compares them)
        return float(
            math.floor(min(model.max_tx_power_dbm, max_tx_power_dbm(band, model.antenna_gain_dbi, self.loss, WIDTH)))
        )

    def cpe_power(self, frequency_mhz: float = PLAN_MHZ) -> float:
        return min(self.d.cpe_tx_power_dbm, self.max_power(self.station_model, frequency_mhz))

    # ---------------------------------------------------------------- radios
    def _radio(
        self,
        spot: Spot,
        place: Place,
        model_name: str,
        model: RadioModel,
        power: float,
        height: float,
        freq: float,
        node: Node,
    ) -> Radio:
        return Radio(
            spot.name,
            self.town.name,
            place,
            f"{place} {spot.name}",
            model_name,
            model,
            power,
            model.antenna_gain_dbi,
            self.loss,
            height,
            spot.ground_m,
            spot.lat,
            spot.lon,
            freq,
            WIDTH,
            node,
            node,
        )

    def sector_radio(self, tower: Spot, azimuth: float, power: float, height: float, freq: float = PLAN_MHZ) -> Radio:
        sec = Sector(
            name="s",
            radio_model=self.sector_name,
            azimuth_deg=round(azimuth, 1) % 360,
            frequency_mhz=freq,
            tx_power_dbm=power,
            height_m=height,
        )
        return self._radio(tower, "sector", self.sector_name, self.sector, power, height, freq, sec)

    def station(self, site: Spot, height: float, freq: float = PLAN_MHZ, power: float | None = None) -> Radio:
        p = self.cpe_power(freq) if power is None else power
        return self._radio(site, "station", self.station_name, self.station_model, p, height, freq, _NOWHERE)

    def dish(self, spot: Spot, power: float, height: float, freq: float = PLAN_MHZ) -> Radio:
        return self._radio(spot, "ptp", self.ptp_name, self.ptp, power, height, freq, _NOWHERE)

    # ---------------------------------------------------------------- hops
    def terrain(self, a: Radio, b: Radio) -> list[Obstacle]:
        """The worst terrain point between two radios, from the DEM, when it matters for clearance."""
        if self.dem is None:
            return []
        dist = fx.haversine_km(a.lat, a.lon, b.lat, b.lon)
        worst: tuple[float, float, float] | None = None
        for d1, h in self.dem.profile(a.lat, a.lon, b.lat, b.lon):
            c = fx.clearance_pct(a.asl_m, b.asl_m, dist, d1, h, a.frequency_mhz, self.env.k)
            if worst is None or c < worst[0]:
                worst = (c, d1, h)
        if worst is None or worst[0] >= TERRAIN_NOTE_PCT:
            return []
        return [
            Obstacle(distance_km=round(worst[1], 3), height_m=round(worst[2], 1), note=f"terrain ({self.dem.label})")
        ]

    def sector_hop(
        self, tower: Spot, site: Spot, azimuth: float, power: float, height: float, cpe_h: float, freq: float = PLAN_MHZ
    ) -> tuple[LinkPlan, list[Obstacle]]:
        a = self.sector_radio(tower, azimuth, power, height, freq)
        b = self.station(site, cpe_h, freq)
        obs = self.terrain(a, b)
        return plan_hop(self.env, "sector", a, b, obs), obs

    def ptp_hop(
        self, a_spot: Spot, a_h: float, b_spot: Spot, b_h: float, power: float, freq: float = PLAN_MHZ
    ) -> tuple[LinkPlan, list[Obstacle]]:
        a = self.dish(a_spot, power, a_h, freq)
        b = self.dish(b_spot, power, b_h, freq)
        obs = self.terrain(a, b)
        return plan_hop(self.env, "ptp", a, b, obs), obs

    def fits(self, lp: LinkPlan, demand: float) -> bool:
        """Meets the margin target with full clearance, in range and beam, and carries `demand` below the warning level."""
        return lp.verdict == "ok" and lp.capacity_mbps * self.util >= demand
