"""Contract: the real napalm-ros 1.6 driver, over a recorded RouterOS 7 device, through `countynet deploy`.

The transport is replaced at librouteros's socket layer (fake_routeros.py); everything above it,
napalm-ros's commit-confirm (backup + scheduler), librouteros's /export and /import, countynet's
patch, engine, health gate and journal, is the code that runs against a real router.
"""

from __future__ import annotations

from routeros_field import Field

from countynet.platforms.routeros_patch import count, patch

HOST = "rru-hospital"
COMMIT = ("--commit", "--revert-in", "60", "--health-timeout", "2")


def _status(report: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    (dev,) = report["devices"]
    return dev["status"], dev["error"]


def test_dry_run_shows_the_patch_and_touches_nothing(field: Field) -> None:
    dev = field.device(HOST)
    before = dev.export()
    code, report = field.deploy(HOST)
    assert code == 0 and _status(report)[0] == "would-change"
    diff = report["devices"][0]["diff"]
    assert diff == patch(before, field.target(HOST)).replace("wifi-Psk-Secret-4", "***") or "***" in diff
    assert "/ip address\nadd address=" in diff and "admin-Secret-1" not in diff
    assert dev.imports == [] and dev.backups == {} and dev.scheduler == [] and dev.export() == before


def test_commit_confirm_then_a_second_deploy_is_empty(field: Field) -> None:
    dev = field.device(HOST)
    code, report = field.deploy(HOST, *COMMIT)
    assert (code, _status(report)[0], report["counts"]) == (0, "changed", {"changed": 1})
    (script,) = dev.imports
    assert count(script) > 30
    sent = [s for t in field.net.transports for s in t.sentences]
    armed = next(s for s in sent if s[0] == "/system/scheduler/add")
    assert (
        "=interval=60s" in armed and '=on-event=/system backup load name="napalm-commit-confirm" password=""' in armed
    )
    assert dev.scheduler == [] and "napalm-commit-confirm.backup" not in dev.files  # confirmed: timer gone
    assert dev.reboots == 0
    assert patch(dev.export(), field.target(HOST)) == ""  # the device now runs the target
    code, report = field.deploy(HOST, *COMMIT)
    assert (code, _status(report), report["counts"]) == (0, ("unchanged", ""), {"unchanged": 1}), report
    assert len(dev.imports) == 1 and dev.scheduler == []


def test_a_changed_inventory_deploys_only_the_change(field: Field) -> None:
    dev = field.device(HOST)
    field.deploy(HOST, *COMMIT)
    net = field.inv / "network.yml"
    net.write_text(net.read_text().replace("ntp_servers: [", "ntp_servers: [10.250.60.3, ", 1))
    code, report = field.deploy(HOST, *COMMIT)
    assert (code, _status(report)[0]) == (0, "changed")
    # a new NTP server: the client list, and the LAN ACL's permit for it, placed above the rules after it
    assert dev.imports[-1].splitlines() == [
        "/ip firewall filter",
        "add chain=lan-in protocol=udp dst-address=10.250.60.3/32 dst-port=123 action=accept"
        ' comment="lan-in ntp udp 10.250.60.3/32" place-before=[ find comment="lan-in ntp udp 10.250.60.1/32" ]',
        "/system ntp client",
        "set servers=10.250.60.3,10.250.60.1,10.250.60.2",
    ]
    assert patch(dev.export(), field.target(HOST)) == ""
    assert field.deploy(HOST, *COMMIT)[1]["counts"] == {"unchanged": 1}


def test_failed_apply_cancels_the_timer_and_reports_the_device_reply(field: Field) -> None:
    dev = field.device(HOST)
    dev.fail_import = "lan-"  # RouterOS stops the import at the first command touching a LAN VLAN
    code, report = field.deploy(HOST, *COMMIT)
    status, error = _status(report)
    assert code == 1 and status in ("failed", "reverted")
    assert "failure: could not apply add" in error and "(line " in error
    assert dev.scheduler == [] and dev.reboots == 0  # napalm-ros cancelled the armed revert
    assert "napalm-rollback.backup" in dev.files  # the pre-change snapshot stays for a rollback


def test_device_refusing_a_parameter_fails_the_dry_run_validation_before_any_change(field: Field) -> None:
    dev = field.device(HOST)
    dev.unknown_params = ("configuration.installation",)  # a wifi package older than the database
    before = dev.export()
    code, report = field.deploy(HOST, *COMMIT)
    status, error = _status(report)
    assert code == 1 and status == "failed"
    assert "Candidate configuration failed dry-run validation" in error and "expected end of command" in error
    assert dev.imports == [] and dev.scheduler == [] and dev.export() == before


def test_health_gate_failure_rolls_back_by_restoring_the_backup_which_reboots(field: Field) -> None:
    dev = field.device(HOST)
    before = dev.export()
    dev.lock_out_after_import = True  # the change blocks new management sessions
    code, report = field.deploy(HOST, *COMMIT)
    status, error = _status(report)
    assert code == 1 and status == "reverted"
    assert "management unreachable" in error and "rolled back" in error
    assert dev.reboots == 1 and dev.export() == before and dev.scheduler == []


def test_the_device_side_timer_reverts_an_unconfirmed_commit(field: Field) -> None:
    """What the timer does if the controller dies after commit_config: restore the backup, reboot."""
    import napalm

    dev = field.device(HOST)
    before = dev.export()
    drv = napalm.get_network_driver("ros")(field.addresses[HOST], "netops", "pw")
    drv.open()
    drv.load_merge_candidate(config=patch(before, field.target(HOST)))
    drv.commit_config(revert_in=60)
    assert drv.has_pending_commit() and dev.export() != before
    assert dev.fire_timer()  # the controller never confirmed
    assert dev.export() == before and dev.reboots == 1 and dev.scheduler == []


def test_a_strategy_the_driver_cannot_carry_out_is_refused_before_connecting(field: Field, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from typer.testing import CliRunner

    from countynet import platforms
    from countynet.cli.main import app
    from countynet.platforms.base import DeployStrategy

    row = platforms.get("routeros")
    monkeypatch.setitem(platforms.PLATFORMS, "routeros", dataclasses.replace(row, deploy=DeployStrategy(
        load="replace", revert_in=True, replace_revert_in=False)))  # fmt: skip
    r = CliRunner().invoke(app, ["-i", str(field.inv), "deploy", "--target", "field", "--host", HOST, *COMMIT])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [
        "error: platform routeros: driver 'ros' cannot commit a full replace with revert_in (commit-confirm)"
        " (use DeployStrategy(load='patch', patch=...) in countynet/platforms/routeros.py)"
    ]
    assert field.net.transports == []  # nothing connected
