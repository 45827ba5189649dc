"""`countynet status` counts a radio site as accepted only when its own radio hop passed."""

from __future__ import annotations

from pathlib import Path

import pytest

from countynet.accept import accept, accepted_sites, site_accepted, to_checks
from countynet.model import open_model as prepare

ROOT = Path(__file__).parents[2]


def test_site_accepted_needs_its_radio_hop() -> None:
    prep = prepare(ROOT / "inventory")
    topo = prep.topo
    saved = {
        "hops": [
            {"site": "mwg-police-station", "status": "pass"},
            {"site": "mwg-law-courts", "status": "fail"},
            {"site": "mwg-kyome-primary", "status": "not measured"},
            {"site": None, "status": "pass"},  # backhaul: no agency site
        ]
    }
    ok = accepted_sites(saved)
    assert ok == {"mwg-police-station": True, "mwg-law-courts": False, "mwg-kyome-primary": False}
    assert site_accepted("mwg-police-station", topo, ok)
    assert not site_accepted("mwg-law-courts", topo, ok)
    assert not site_accepted("mwg-level4-hospital", topo, ok)  # radio site never measured
    assert site_accepted("mwg-subcounty-office", topo, ok)  # fibre: no radio hop to pass
    assert not site_accepted("mwg-kyome-primary", topo, accepted_sites(None))


def test_verify_rows_in_the_lab_are_not_measurable() -> None:
    prep = prepare(ROOT / "inventory")
    checks = to_checks(accept(prep.radio, None, agencies=set(prep.topo.sites), towns={"mwingi"}))
    assert len(checks) == 14 and {c.status for c in checks} == {"not-measurable"}
    c = next(c for c in checks if c.device == "mwg-police-station")
    assert (c.kind, c.target, c.site) == ("radio", "mwg-police-station vs plan", "mwg-police-station")
    assert c.detail == "virtual lab: FRR stand-ins have no radio to report (not measurable)"
    missing = to_checks(accept(prep.radio, {}, agencies=set(prep.topo.sites), towns={"mwingi"}))
    assert {c.status for c in missing} == {"fail"} and missing[0].detail.startswith("not measured: no output recorded")


def test_verify_rows_from_recordings_lab_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from countynet.accept.run import FIELD_NOTE, verify_radio_checks

    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path))
    prep = prepare(ROOT / "inventory")
    mwingi = {d for d, dev in prep.topo.devices.items() if dev.town == "mwingi"}
    rec = ROOT / "tests" / "verify" / "fixtures" / "routeros" / "recordings"
    measured = verify_radio_checks(prep, mwingi, lab=False, recordings=rec)
    assert len([c for c in measured if c.target.endswith(" vs plan")]) == 14  # one row per hop
    assert sorted(c.target for c in measured if c.target.startswith("sector ")) == [
        "sector mwg-bs1/s1 stations",
        "sector mwg-bs1/s2 stations",
        "sector mwg-bs2/s1 stations",
    ]
    assert sorted(c.device for c in measured if c.bad) == [
        "mwg-bs1",
        "mwg-bs1",
        "mwg-kyome-primary",
        "mwg-law-courts",
        "mwg-nguutani-health-centre",
        "mwg-registration-office",
        "mwg-tsc-office",
    ]
    field = verify_radio_checks(prep, {"mwg-police-station", "mwg-bs2"}, lab=False)
    assert [(c.device, c.status, c.detail) for c in field] == [
        ("mwg-bs2", "not-measurable", FIELD_NOTE),  # backhaul mwg-bb1 ends at the mwg-bs2 tower
        ("mwg-police-station", "not-measurable", FIELD_NOTE),
    ]
