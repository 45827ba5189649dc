"""Feature: out-of-band management (address, users, NTP, syslog, SNMP, the SSH ACL) and secret references."""

from __future__ import annotations

from ipaddress import IPv4Interface
from typing import Any

from countynet.intent.town import TownFacts


def management(t: TownFacts, mgmt_if: IPv4Interface | None, interface: str | None) -> dict[str, Any]:
    return {
        **t.management,
        "interface": interface,
        "address": str(mgmt_if) if mgmt_if else None,
        "ip": str(mgmt_if.ip) if mgmt_if else None,
    }


def secrets(t: TownFacts, wireless: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """The secret references the device's config uses (the wireless key only where it has radios)."""
    radios = bool(wireless["sectors"] or wireless["stations"])
    return {k: v for k, v in t.secrets.items() if k != "wireless_psk" or radios}
