"""IOS-XE deploy requirements as platform data: a config without `archive` or a revert timer napalm
ios cannot arm is refused before anything connects; the dry run's remediation commands."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from countynet import platforms
from countynet.allocate.allocator import allocate
from countynet.checks.rendered import check_rendered
from countynet.cli.main import app
from countynet.deploy.remediation import HEADER, remediation, with_remediation
from countynet.errors import CountynetError
from countynet.intent import build_intents
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.render import render_intents
from countynet.render.environment import TEMPLATES

MINI = Path(__file__).resolve().parents[2] / "fixtures" / "mini"
IOS = platforms.get("ios")


@pytest.fixture(scope="module")
def hub() -> str:
    inv = load(MINI).inventory
    assert inv is not None
    topo = build(inv)
    intents: dict[str, Any] = build_intents(inv, topo, allocate(inv, topo), hosts=["rru-hub"])
    return render_intents(intents)["rru-hub"]


def test_the_ios_template_configures_the_archive_napalm_needs(hub: str) -> None:
    assert "\narchive\n path bootflash:archive\n maximum 14\n" in hub
    assert [f for f in check_rendered({"rru-hub": hub}, {"rru-hub": "ios"}) if f.rule == "CN511"] == []
    IOS.deploy.require_revert_in("ios", 120)  # no error


def test_a_config_without_archive_is_a_render_finding(hub: str) -> None:
    bare = hub.replace("archive\n path bootflash:archive\n maximum 14\n", "")
    found = [f.format() for f in check_rendered({"rru-hub": bare}, {"rru-hub": "ios"}) if f.rule == "CN511"]
    assert found == [
        "rru-hub.cfg: CN511 error: rru-hub: the rendered ios config cannot be committed with a revert timer: napalm ios"
        " commit_config(revert_in=...) needs the IOS archive feature (`archive` with a `path`) (add it to"
        " countynet/templates/ios/ and render again)"
    ]


def test_deploy_refuses_a_config_without_archive_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    base = templates / "ios" / "_base.j2"
    base.write_text(base.read_text().replace("archive\n path bootflash:archive\n maximum 14\n", ""))
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("COUNTYNET_TEMPLATES", str(templates))
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "deploy", "--commit", "--host", "rru-hub"])
    assert res.exit_code == 2, res.output
    assert "CN511 error: rru-hub: the rendered ios config cannot be committed with a revert timer" in res.output
    assert "Traceback" not in res.output and not list((tmp_path / "state").glob("runs/*"))


@pytest.mark.parametrize("seconds", [30, 90, 7260])
def test_a_revert_timer_napalm_ios_cannot_arm_is_refused(seconds: int) -> None:
    with pytest.raises(CountynetError) as err:
        IOS.deploy.require_revert_in("ios", seconds)
    assert err.value.what == f"platform ios: --revert-in {seconds} s is not a revert timer its driver can arm"
    assert err.value.fix == "use a multiple of 60 s between 60 and 7200 s"


def test_deploy_commit_refuses_the_timer_before_connecting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    res = CliRunner().invoke(app, ["--inventory", str(MINI), "deploy", "--commit", "--revert-in", "150"])
    assert res.exit_code == 2, res.output
    assert "platform ios: --revert-in 150 s is not a revert timer its driver can arm" in res.output
    assert "Traceback" not in res.output and not list((tmp_path / "state").glob("runs/*"))


def test_remediation_commands_from_running_to_intended(hub: str) -> None:
    running = hub.replace(" ip ospf hello-interval 3\n", " ip ospf hello-interval 10\n", 1).replace(
        "archive\n path bootflash:archive\n maximum 14\n", ""
    )
    cmds = remediation(IOS, "rru-hub", running, hub)
    assert cmds.splitlines() == [
        "archive",
        "  path bootflash:archive",
        "  maximum 14",
        "interface GigabitEthernet0/1/0",
        "  no ip ospf hello-interval 10",
        "  ip ospf hello-interval 3",
    ]
    assert remediation(IOS, "rru-hub", hub, hub) == ""
    assert with_remediation(IOS, "rru-hub", "diff", running, hub).startswith(f"diff\n{HEADER}\narchive\n")
    assert with_remediation(platforms.get("routeros"), "x", "diff", "a", "b") == "diff"  # no hier_config OS
