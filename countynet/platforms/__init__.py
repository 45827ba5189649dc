"""The platform registry: everything platform-specific that is not a template, as data.

Pipeline code looks a platform up here and never branches on its name, so adding a platform is
one module in this package (a `Platform` row) plus a folder of templates under
`countynet/templates/<name>/` (design.md section 2).
"""

from __future__ import annotations

from typing import Any

from countynet.platforms.base import (
    NFT_MARKER,
    Baseline,
    Collection,
    DeployStrategy,
    InterfaceMapper,
    Platform,
    RadioCommands,
    Validator,
    split_frr,
    split_tc,
)
from countynet.platforms.frr import ROW as _FRR
from countynet.platforms.ios import ROW as _IOS
from countynet.platforms.routeros import ROW as _ROUTEROS

PLATFORMS: dict[str, Platform] = {row.name: row for row in (_FRR, _IOS, _ROUTEROS)}


def get(name: str) -> Platform:
    """The registry row for `name`; KeyError names the known platforms."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(sorted(PLATFORMS))}") from None


def row(platform: Platform | str) -> Platform:
    """A row, given the row or its name."""
    return platform if isinstance(platform, Platform) else get(platform)


def names() -> frozenset[str]:
    return frozenset(PLATFORMS)


def by_driver(driver: str) -> Platform | None:
    """The row whose NAPALM driver is `driver` (Nornir hosts carry the driver as their platform)."""
    return next((p for p in PLATFORMS.values() if p.driver == driver), None)


def platform_of(host: Any) -> Platform:
    """The row of a Nornir host: its `countynet_platform` data when set, else its NAPALM driver."""
    name = host.data.get("countynet_platform") if hasattr(host, "data") else None
    if name:
        return get(str(name))
    row = by_driver(str(host.platform))
    if row is None:
        raise KeyError(f"no platform row for driver {host.platform!r}")
    return row


__all__ = [
    "NFT_MARKER",
    "PLATFORMS",
    "Baseline",
    "Collection",
    "DeployStrategy",
    "InterfaceMapper",
    "Platform",
    "RadioCommands",
    "Validator",
    "by_driver",
    "get",
    "names",
    "platform_of",
    "row",
    "split_frr",
    "split_tc",
]
