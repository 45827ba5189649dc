"""Names and small helpers every intent feature shares (one spelling for every platform)."""

from __future__ import annotations

from ipaddress import IPv4Interface
from typing import Any

AREA = "0.0.0.0"
OSPF_PROCESS = 1
PL_AGGREGATE, PL_SERVICES = "TOWN-AGGREGATE", "NOFBI-SERVICES"
RM_IN, RM_OUT, RM_OSPF = "NOFBI-IN", "NOFBI-OUT", "SERVICES-TO-OSPF"
LAN_ACL, MGMT_ACL = "LAN-IN", "MGMT-SSH"
KIND_ORDER = {"loopback": 0, "management": 1, "handoff": 2, "fibre": 3, "ptp": 3, "station": 3, "sector": 4, "lan": 5}


def num(x: float | int) -> float | int:
    """An int when the value is whole, else rounded to 2 places (stable, readable JSON)."""
    return int(x) if float(x).is_integer() else round(float(x), 2)


def addr(iface: IPv4Interface) -> dict[str, Any]:
    return {"address": str(iface), "ip": str(iface.ip), "prefixlen": iface.network.prefixlen}
