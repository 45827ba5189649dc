"""Feature: the radio side of sector APs and their stations (planned channel, width, power, SSID)."""

from __future__ import annotations

from typing import Any

from countynet.allocate.addressing import sector_ssid
from countynet.intent.names import num as _num
from countynet.intent.radio import RadioFigures
from countynet.intent.town import TownFacts
from countynet.inventory.loader import Inventory
from countynet.inventory.topology import Device, Segment


def sector(t: TownFacts, dev: str, seg: Segment, radio: RadioFigures) -> dict[str, Any]:
    sec = seg.sector
    assert sec is not None
    planned = radio.sector(seg.id)
    return {
        "mode": "ap",
        "ssid": sector_ssid(dev, sec.name),
        "band": "5ghz",
        "frequency_mhz": _num(planned.get("frequency_mhz", sec.frequency_mhz)),
        "width_mhz": int(planned.get("width_mhz", sec.width_mhz)),
        "tx_power_dbm": _num(planned.get("tx_power_dbm", sec.tx_power_dbm)),
        "azimuth_deg": _num(sec.azimuth_deg),
        "max_clients": sec.max_clients,
        "security": t.wireless["security"],
        "psk": t.wireless["psk"],
        "profile": f"cn-{sec.name}",
        "package": t.packages.get(sec.radio_model, "wifi"),
        "stations": [m for m in seg.members[1:]],
        "plan": planned or None,
    }


def station(inv: Inventory, t: TownFacts, dev: Device, seg: Segment, radio: RadioFigures) -> dict[str, Any]:
    sec = seg.sector
    assert sec is not None
    cpe = getattr(dev.node, "cpe", None)
    planned = radio.station(dev.name)
    tx = planned.get("tx_power_dbm")
    if tx is None:
        tx = cpe.tx_power_dbm if cpe and cpe.tx_power_dbm is not None else inv.network.defaults.cpe_tx_power_dbm
    return {
        "mode": "station",
        "ssid": sector_ssid(seg.members[0], sec.name),
        "band": "5ghz",
        "frequency_mhz": _num(planned.get("frequency_mhz", sec.frequency_mhz)),
        "width_mhz": int(planned.get("width_mhz", sec.width_mhz)),
        "tx_power_dbm": _num(tx),
        "security": t.wireless["security"],
        "psk": t.wireless["psk"],
        "profile": f"cn-{sec.name}",
        "package": t.packages.get((cpe.radio_model if cpe else None) or inv.network.defaults.cpe_radio_model, "wifi"),
        "base_station": seg.members[0],
        "plan": planned or None,
    }


