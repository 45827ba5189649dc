"""The RouterOS patch (export vs target): minimal, ordered, empty when the device runs the target."""

from __future__ import annotations

from pathlib import Path

import pytest

from countynet.deploy.strategies import check_supported, load_candidate
from countynet.errors import CountynetError
from countynet.platforms import get
from countynet.platforms.base import DeployStrategy
from countynet.platforms.routeros_patch import count, parse, patch

HERE = Path(__file__).parent
TARGET = """\
# countynet-rendered t (routeros): do not edit, run `countynet render`
/interface bridge
add comment="lo" name=loopback protocol-mode=none
/interface vlan
add comment="agency LAN staff" interface=bridge-lan name=lan-staff vlan-id=10
/ip address
add address=10.0.0.1/32 comment="lo" interface=loopback
add address=10.9.0.1/24 comment="lan-staff" interface=lan-staff
/ip firewall filter
add chain=input protocol=tcp dst-port=22 src-address=172.28.3.0/24 action=accept comment="ssh from management"
add chain=input protocol=tcp dst-port=22 action=drop comment="ssh from elsewhere"
/ip service
set telnet disabled=yes
/ip ssh
set strong-crypto=yes
/routing ospf interface-template
add area=backbone interfaces=loopback passive
/user
add address=172.28.3.0/24 group=full name=netops password="s3cret"
"""


def test_terse_export_of_the_target_gives_an_empty_patch() -> None:
    """RouterOS 7 prints `network=` for an address and sorts arguments; neither is a change."""
    export = (HERE / "fixtures" / "export_terse_converged.rsc").read_text()
    assert patch(export, TARGET) == ""


def test_patch_from_factory_state_adds_everything_but_users() -> None:
    script = patch((HERE / "fixtures" / "export_terse_factory.rsc").read_text(), TARGET)
    assert "/user" not in script  # /export never shows users: provisioned at install
    assert script.splitlines()[:2] == ["/interface bridge", "add comment=lo name=loopback protocol-mode=none"]
    assert "set telnet disabled=yes" in script and "set strong-crypto=yes" in script
    assert count(script) == 9


def test_changes_are_set_in_place_and_removals_come_first_in_reverse_order() -> None:
    export = (HERE / "fixtures" / "export_terse_converged.rsc").read_text()
    target = TARGET.replace("vlan-id=10", "vlan-id=20").replace(
        'add address=10.9.0.1/24 comment="lan-staff" interface=lan-staff\n', ""
    )
    target = target.replace("add area=backbone interfaces=loopback passive\n", "")
    assert patch(export, target).splitlines() == [
        "/routing ospf interface-template",
        "remove [ find interfaces=loopback ]",
        "/ip address",
        "remove [ find address=10.9.0.1/24 ]",
        "/interface vlan",
        "set [ find name=lan-staff ] vlan-id=20",
    ]


def test_an_inserted_firewall_rule_keeps_the_order() -> None:
    """Appending and inserting (place-before) keep the order; existing rules out of order rebuild the menu."""
    export = (HERE / "fixtures" / "export_terse_converged.rsc").read_text()
    appended = TARGET.replace(
        'action=drop comment="ssh from elsewhere"\n',
        'action=drop comment="ssh from elsewhere"\nadd chain=input protocol=icmp action=accept comment="icmp"\n',
    )
    assert patch(export, appended).splitlines() == [
        "/ip firewall filter",
        "add chain=input protocol=icmp action=accept comment=icmp",
    ]
    inserted = TARGET.replace(
        "/ip firewall filter\n", '/ip firewall filter\nadd chain=input protocol=icmp action=accept comment="icmp"\n'
    )
    assert patch(export, inserted).splitlines() == [
        "/ip firewall filter",
        'add chain=input protocol=icmp action=accept comment=icmp place-before=[ find comment="ssh from management" ]',
    ]
    mgmt, drop = (ln for ln in TARGET.splitlines() if ln.startswith("add chain=input"))
    swapped = TARGET.replace(mgmt + "\n" + drop, drop + "\n" + mgmt)
    lines = patch(export, swapped).splitlines()  # existing rules out of order: the menu is rebuilt
    assert lines[:3] == ["/ip firewall filter", 'remove [ find comment="ssh from management" ]',
                         'remove [ find comment="ssh from elsewhere" ]']  # fmt: skip
    assert [ln.split("comment=")[1] for ln in lines if ln.startswith("add")] == [
        '"ssh from elsewhere"',
        '"ssh from management"',
    ]


def test_unmanaged_entries_on_the_device_are_left_alone_managed_ones_removed() -> None:
    export = (HERE / "fixtures" / "export_terse_converged.rsc").read_text()
    export += "/ip dhcp-client add interface=ether1\n/ip route add dst-address=0.0.0.0/0 gateway=192.0.2.1\n"
    assert patch(export, TARGET).splitlines() == ["/ip route", "remove [ find dst-address=0.0.0.0/0 ]"]


def test_sectioned_and_wrapped_export_parses_like_terse() -> None:
    terse = parse((HERE / "fixtures" / "export_terse_converged.rsc").read_text())
    wrapped = parse((HERE / "fixtures" / "export_sectioned_converged.rsc").read_text())
    assert {p: [(e.key, e.args) for e in es] for p, es in terse.sections.items()} == {
        p: [(e.key, e.args) for e in es] for p, es in wrapped.sections.items()
    }


def test_unsupported_strategy_is_refused_with_platform_and_fix() -> None:
    import dataclasses

    ros = get("routeros")
    bad = dataclasses.replace(ros, deploy=DeployStrategy(load="replace", revert_in=True, replace_revert_in=False))
    with pytest.raises(CountynetError) as err:
        check_supported([bad])
    assert (
        err.value.what == "platform routeros: driver 'ros' cannot commit a full replace with revert_in (commit-confirm)"
    )
    assert err.value.fix == "use DeployStrategy(load='patch', patch=...) in countynet/platforms/routeros.py"
    check_supported([bad], commit=False)  # a dry run never commits
    check_supported([ros, get("frr"), get("ios")])


class _Conn:
    def __init__(self, running: str) -> None:
        self.running, self.calls = running, []  # type: ignore[var-annotated]

    def get_config(self, retrieve: str) -> dict[str, str]:
        self.calls.append(("get_config", retrieve))
        return {"running": self.running}

    def load_merge_candidate(self, config: str) -> None:
        self.calls.append(("load_merge_candidate", config))

    def load_replace_candidate(self, config: str) -> None:
        self.calls.append(("load_replace_candidate", config))

    def compare_config(self) -> str:
        return "diff"


def test_load_candidate_follows_the_row() -> None:
    conn = _Conn((HERE / "fixtures" / "export_terse_factory.rsc").read_text())
    diff = load_candidate(conn, get("routeros"), TARGET)
    assert conn.calls == [("get_config", "running"), ("load_merge_candidate", diff)] and count(diff) == 9
    conn = _Conn("")
    assert load_candidate(conn, get("frr"), "x") == "diff" and conn.calls == [("load_replace_candidate", "x")]
    conn = _Conn((HERE / "fixtures" / "export_terse_converged.rsc").read_text())
    assert load_candidate(conn, get("routeros"), TARGET) == "" and conn.calls == [("get_config", "running")]
