"""RouterOS scripts checked against RouterOS 7's command database (routeros-lsp), as render does (CN520)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from render_helpers import ROOT

from countynet.checks.rendered import check_rendered
from countynet.jobs.render import RenderOptions, render
from countynet.model import load_model


def test_misspelled_command_is_caught_with_device_and_line(mini_intents: dict[str, Any]) -> None:
    from countynet.render import render_intents

    text = render_intents({"rru-bs1": mini_intents["rru-bs1"]})["rru-bs1"]
    lines = text.splitlines()
    at = lines.index("/ip dns") + 1
    bad = "\n".join(lines).replace("/ip dns\n", "/ip dnss\n") + "\n"
    findings = [f for f in check_rendered({"rru-bs1": bad}, {"rru-bs1": "routeros"}) if f.rule == "CN520"]
    assert [f.format() for f in findings] == [
        f"rru-bs1.rsc:{at}:5: CN520 error: rru-bs1: 'dnss' is not a menu or command in /ip of the RouterOS 7.21.4"
        " command database. Did you mean 'dns'? [schema/unknown-command]"
    ]


def test_misspelled_parameter_is_an_error(mini_intents: dict[str, Any]) -> None:
    from countynet.render import render_intents

    text = render_intents({"rru-bs1": mini_intents["rru-bs1"]})["rru-bs1"].replace("strong-crypto=", "strong-crypt0=")
    (f,) = [f for f in check_rendered({"rru-bs1": text}, {"rru-bs1": "routeros"}) if f.rule == "CN520"]
    assert f.severity == "error" and "'strong-crypt0' is not a parameter" in f.message


def test_shipped_render_passes_routeros_lsp_check(tmp_path: Path) -> None:
    """`routeros-lsp check` (its own CLI entry) over every .rsc of the shipped render: no findings at all."""
    from routeros_lsp.cli_check import run

    result = render(load_model(ROOT / "inventory"), RenderOptions(out=tmp_path))
    assert not [f for f in result.findings if f.rule == "CN520"]
    files = sorted(tmp_path.glob("*.rsc"))
    assert len(files) == 152
    assert all("# packages: wifi" in p.read_text() for p in files if "/interface wifi\n" in p.read_text())
    out, err = io.StringIO(), io.StringIO()
    code = run(["--strict", str(tmp_path)], io.BytesIO(), out, err)
    assert (code, out.getvalue(), err.getvalue().strip()) == (0, "", "Checked 152 files: no findings.")


def test_radio_package_default_follows_what_the_radio_can_do() -> None:
    from countynet.inventory.model import RadioModel

    ac = RadioModel(kind="sector", antenna_gain_dbi=19)
    n_only = RadioModel(kind="station", antenna_gain_dbi=16, widths_mhz=[20, 40])
    declared = RadioModel(kind="station", antenna_gain_dbi=16, package="wireless")
    assert (ac.package, n_only.package, declared.package) == ("wifi", "wireless", "wireless")
