"""MikroTik RouterOS 7: towers, radios, CPEs and agency routers. Driver: napalm-ros (`ros`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from countynet.platforms import routeros_check, routeros_intent, routeros_patch
from countynet.platforms.base import PLACEHOLDER_OK, Baseline, Collection, DeployStrategy, Platform, RadioCommands


def interface(logical: str, kind: str, ordinal: int, vlan: int | None) -> dict[str, Any]:
    """RouterOS: ether1 = out-of-band management, ether2 = uplink, ether3.. = downlinks, wlanN = radios."""
    if kind == "loopback":
        return {"name": "loopback"}  # an empty bridge: RouterOS's usual loopback
    if kind == "management":
        return {"name": "ether1"}
    if kind == "handoff":
        return {"name": "sfp-sfpplus1"}
    if kind == "station":
        return {"name": "wlan1"}
    if logical == "up0":
        return {"name": "ether2"}
    if kind in ("fibre", "ptp"):
        return {"name": f"ether{2 + int(logical.removeprefix('dn'))}"}
    if kind == "sector":
        return {"name": f"wlan{ordinal + 1}"}
    return {"name": logical, "parent": "bridge-lan", "vlan": vlan}  # lan-<name>: a VLAN on the LAN bridge


def validate(text: str) -> list[str]:
    """RouterOS 7's command database (routeros-lsp) over the script: `line N:C: [warning: ]message [rule]`."""
    return [f.format() for f in routeros_check.check(text)]


# Radio acceptance (countynet.accept): what a station or PtP radio hears, per radio package.
# Legacy `wireless` names radios wlanN; the `wifi` menu (wifi-qcom-ac, RouterOS >= 7.13) wifiN
# (routeros_intent gives a wifi radio its wifiN name everywhere in the intent).
RADIO: dict[str, RadioCommands] = {
    "wireless": RadioCommands(
        registration="/interface wireless registration-table print detail without-paging",
        monitor="/interface wireless monitor {interface} once",
        interface="wlan1",
    ),
    "wifi": RadioCommands(
        registration="/interface wifi registration-table print detail without-paging",
        monitor="/interface wifi monitor {interface} once",
        interface="wifi1",
    ),
}

def normalize(text: str, names: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """The normal form of a rendered config (parser imported on first use: it is slow to import)."""
    from countynet.platforms.routeros_normalize import normalize as parse

    return parse(text, names)


ROW = Platform(
    name="routeros",
    driver="ros",
    templates="routeros",
    suffix=".rsc",
    comment="#",
    validator=validate,
    interface=interface,
    lab_stand_in="frr",
    baseline=Baseline(
        insecure_management=(
            r"^set (telnet|www|www-ssl|ftp|api) .*disabled=no",
            r"^/ip service enable (telnet|www|www-ssl|ftp)",
        ),
        clear_password=(
            r"password=" + PLACEHOLDER_OK + r'"?[^"\s{]',
            r"pre-shared-key=" + PLACEHOLDER_OK + r'"?[^"\s{]',
            r"^add name=admin\b",
        ),
        management_acl=(
            r"chain=input .*dst-port=22 .*src-address=\S+ .*action=accept",
            r"dst-port=22 .*action=drop",
        ),
        ssh_v2=(r"^/ip ssh\nset .*strong-crypto=yes",),
        logging=(r"^add action=remote",),
        ntp=(r"^/system ntp client\nset enabled=yes servers=\S+",),
    ),
    # napalm-ros refuses revert_in with a replace: a computed patch is merged instead, and a
    # rollback restores the pre-commit backup, which reboots the device.
    deploy=DeployStrategy(
        load="patch",
        revert_in=True,
        rollback_reboots=True,
        rollback_settle_s=90,
        patch=routeros_patch.patch,
        replace_revert_in=False,  # napalm-ros: "Commit confirm (revert_in) is not supported with a replace"
    ),
    collect=Collection(
        ntc_platform="mikrotik_routeros",
        radio=RADIO,
        textfsm={
            RADIO["wireless"].registration: "routeros_wireless_registration_table_detail.textfsm",
            RADIO["wireless"].station_monitor: "routeros_wireless_monitor.textfsm",
            RADIO["wifi"].registration: "routeros_wifi_registration_table_detail.textfsm",
            RADIO["wifi"].station_monitor: "routeros_wifi_monitor.textfsm",
        },
    ),
    normalize=normalize,
    description="MikroTik RouterOS 7 (towers, radios, CPEs, agency routers)",
    finish_intent=routeros_intent.finish,
)
