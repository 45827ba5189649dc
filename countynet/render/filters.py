"""Jinja filters of the project: plain functions (Ansible filter plugins can expose them as-is).

Formatting only (address spellings, quoting); anything that needs a look-up belongs in the intent.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Interface, IPv4Network


@lru_cache(maxsize=65536)
def _net(value: str) -> IPv4Network:
    return IPv4Interface(value).network


def network(value: str) -> str:
    """`10.1.2.3/24` -> `10.1.2.0`."""
    return str(_net(value).network_address)


def netmask(value: str) -> str:
    """`10.1.2.0/24` -> `255.255.255.0` (IOS spelling)."""
    return str(_net(value).netmask)


def wildcard(value: str) -> str:
    """`10.1.2.0/24` -> `0.0.0.255` (IOS ACL spelling)."""
    return str(_net(value).hostmask)


def ipaddr(value: str) -> str:
    """`10.1.2.3/24` -> `10.1.2.3`."""
    return value.split("/", 1)[0]


def ios_address(value: str) -> str:
    """`10.1.2.3/24` -> `10.1.2.3 255.255.255.0`."""
    return f"{ipaddr(value)} {_net(value).netmask}"


def ros_quote(value: object) -> str:
    """A RouterOS string literal: double quotes, with backslash, quote and `$` escaped."""
    s = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{s}"'


def nft_set(values: list[object]) -> str:
    """`[443]` -> `443`, `[443, 8443]` -> `{ 443, 8443 }` (nftables anonymous set)."""
    items = [str(v) for v in values]
    return items[0] if len(items) == 1 else "{ " + ", ".join(items) + " }"


def csv(values: list[object]) -> str:
    return ",".join(str(v) for v in values)


ROS_WIDTHS = {20: "20mhz", 40: "20/40mhz-Ce", 80: "20/40/80mhz-Ceee"}


def ros_width(mhz: int) -> str:
    """Channel width in RouterOS `wireless` spelling (primary channel lowest)."""
    return ROS_WIDTHS[int(mhz)]


FILTERS = {
    "ros_width": ros_width,
    "network": network,
    "netmask": netmask,
    "wildcard": wildcard,
    "ipaddr": ipaddr,
    "ios_address": ios_address,
    "ros_quote": ros_quote,
    "nft_set": nft_set,
    "csv": csv,
}
