"""Contract: the real napalm ios driver over a recorded IOS-XE 17 hub, through `countynet deploy`.

The transport is replaced at paramiko's SSHClient (fake_ios.py); netmiko's session and TCL inline
transfer, napalm ios's configure replace with a revert timer, confirm and rollback, and countynet's
render, engine, health gate and journal are the code that runs against a real hub.
"""

from __future__ import annotations

from typing import Any

import pytest
from ios_field import IosField

COMMIT = ("--commit", "--revert-in", "120", "--health-timeout", "2")


def _device(report: dict[str, Any]) -> dict[str, Any]:
    (dev,) = report["devices"]
    return dev


def test_dry_run_shows_the_diff_and_remediation_and_touches_nothing(ios: IosField) -> None:
    code, report = ios.deploy()
    dev = _device(report)
    assert (code, dev["status"]) == (0, "would-change")
    diff = dev["diff"]
    assert "+router bgp 65190\n +bgp router-id 10.100.0.4\n" in diff  # napalm's contextual diff
    assert "\n! remediation (hier_config, running -> intended):\n" in diff
    remediation = diff.split("! remediation (hier_config, running -> intended):\n", 1)[1]
    assert "router bgp 65190\n  bgp router-id 10.100.0.4\n" in remediation
    assert "admin-Secret-1" not in diff and "snmp-Auth-Secret-2" not in diff  # redacted
    assert ios.hub.running == ios.day0 and ios.hub.pending is None and ios.hub.log == []
    assert not any(c.startswith("configure replace") for c in ios.hub.commands)


def test_commit_confirm_then_a_second_deploy_is_empty(ios: IosField) -> None:
    code, report = ios.deploy(*COMMIT)
    assert (code, _device(report)["status"], report["counts"]) == (0, "changed", {"changed": 1}), report
    replace = next(c for c in ios.hub.commands if c.startswith("configure replace"))
    assert replace == "configure replace bootflash:/candidate_config.txt force revert trigger error timer 2"
    assert ios.hub.log == ["replaced, revert timer 2 min", "confirmed"]
    assert ios.hub.pending is None  # confirmed: no revert timer left on the device
    assert ios.hub.running == ios.target() and ios.hub.saved == ios.hub.running  # written to startup
    replaces = sum(c.startswith("configure replace") for c in ios.hub.commands)
    code, report = ios.deploy(*COMMIT)
    assert (code, _device(report)["status"], report["counts"]) == (0, "unchanged", {"unchanged": 1}), report
    assert sum(c.startswith("configure replace") for c in ios.hub.commands) == replaces


def test_health_gate_failure_rolls_back_on_the_device(ios: IosField) -> None:
    ios.hub.cut_management_on_replace = True  # the new config locks the controller out
    code, report = ios.deploy(*COMMIT)
    dev = _device(report)
    assert (code, dev["status"]) == (1, "reverted")
    assert "management unreachable -> rolled back" in dev["error"]
    assert ios.hub.log == ["replaced, revert timer 2 min", "reverted (configure revert now)"]
    assert ios.hub.running == ios.day0 and ios.hub.pending is None


def test_failed_apply_cancels_the_timer_and_reports_the_device_reply(ios: IosField) -> None:
    ios.hub.reject = "ip ospf hello-interval"  # the hub refuses a line of the candidate
    code, report = ios.deploy(*COMMIT)
    dev = _device(report)
    assert (code, dev["status"]) == (1, "failed")
    assert dev["error"].startswith("commit refused: Candidate config could not be applied")
    assert "The original configuration has been successfully restored." in dev["error"]
    assert ios.hub.log == ["replace failed; original restored"]
    assert ios.hub.pending is None and ios.hub.running == ios.day0  # no timer left armed, nothing changed


@pytest.mark.parametrize("ios", [False], indirect=True)
def test_a_hub_without_archive_refuses_the_commit_and_is_untouched(ios: IosField) -> None:
    code, report = ios.deploy(*COMMIT)
    dev = _device(report)
    assert (code, dev["status"]) == (1, "failed")
    assert dev["error"] == (
        "commit refused: For Cisco devices, revert_in requires 'archive' feature to be enabled."
    )
    assert ios.hub.running == ios.day0 and ios.hub.log == []
