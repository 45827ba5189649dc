"""Field collection of radio outputs: which device runs which command, and what a failure becomes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from nornir import InitNornir

sys.path.insert(0, str(Path(__file__).parent))
from radio_recorder import Radio, outputs

from countynet.accept import radio_platform
from countynet.accept.collect import collect_radios, radio_units
from countynet.accept.hops import hop_plans
from countynet.accept.sectors import sector_infos
from countynet.jobs.common import FieldAccess
from countynet.model import open_model

ROOT = Path(__file__).parents[2]
REG = "/interface wifi registration-table print detail without-paging"
MON = "/interface wifi monitor wifi1 once"


def test_units_are_the_radios_that_are_inventory_devices() -> None:
    model = open_model(ROOT / "inventory")
    hops = hop_plans(model.radio, 5.0, 600, set(model.topo.sites), {"mwingi"})
    units = radio_units(hops, sector_infos(model, {"mwingi"}), set(model.topo.devices), radio_platform())
    stations = [hp.unit for hp in hops if hp.lp.kind == "sector"]
    assert sorted(units) == sorted([*stations, "mwg-bs1", "mwg-bs2"])  # PtP dishes: recordings only
    assert units["mwg-police-station"] == [REG, MON] and units["mwg-bs1"] == [REG]


class FakeRouterOS:
    """Stands for napalm-ros: cli() answers from recorded outputs; a host not in `answers` refuses."""

    answers: ClassVar[dict[str, dict[str, str]]] = {}

    def __init__(self, host: str) -> None:
        if host not in self.answers:
            raise ConnectionRefusedError(f"{host}: connection refused")
        self.host = host

    def cli(self, commands: list[str]) -> dict[str, str]:
        return {c: self.answers[self.host][c] for c in commands}

    def close(self) -> None:
        pass


@pytest.fixture
def fake_napalm(monkeypatch: pytest.MonkeyPatch) -> Any:
    from nornir_napalm.plugins.connections import Napalm

    def fake_open(self: Any, hostname: str | None, *args: Any, **kwargs: Any) -> None:
        self.connection = FakeRouterOS(str(hostname))

    monkeypatch.setattr(Napalm, "open", fake_open)
    return FakeRouterOS


def test_collect_radios_and_a_dead_station(fake_napalm: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    model = open_model(ROOT / "inventory")
    fake_napalm.answers = {"mwg-police-station": outputs("wifi", Radio("mwg-bs1-s1", 5745))}
    hosts = {n: {"hostname": n, "platform": "ros"} for n in ("mwg-police-station", "mwg-law-courts")}
    host_file = tmp_path / "hosts.yaml"
    host_file.write_text(yaml.safe_dump(hosts))

    def fake_nornir(_model: Any, devices: set[str], _lab: Any, _access: Any, _workers: int = 10) -> Any:
        return InitNornir(
            inventory={"plugin": "SimpleInventory", "options": {"host_file": str(host_file)}},
            runner={"plugin": "serial"},
            logging={"enabled": False},
        )

    monkeypatch.setattr("countynet.jobs.connect.nornir_for", fake_nornir)
    units = {"mwg-police-station": [REG, MON], "mwg-law-courts": [REG, MON]}
    collected, errors = collect_radios(model, units, FieldAccess())
    assert set(collected) == {"mwg-police-station"} and collected["mwg-police-station"][MON].startswith(
        "             state: running-station"
    )
    assert errors == {"mwg-law-courts": "mwg-law-courts: connection refused"}


def test_a_failed_collection_is_not_measured_with_the_reason() -> None:
    from countynet.accept import accept

    model = open_model(ROOT / "inventory")
    errors = {"mwg-law-courts": "mwg-law-courts: connection refused"}
    rep = accept(model.radio, {}, agencies=set(model.topo.sites), towns={"mwingi"}, errors=errors)
    hop = next(h for h in rep.hops if h.hop.unit == "mwg-law-courts")
    assert (hop.status, hop.note) == (
        "not measured",
        "collecting from mwg-law-courts failed: mwg-law-courts: connection refused",
    )
