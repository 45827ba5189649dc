"""Radio acceptance on recorded RouterOS 7 outputs, for both radio packages (no device needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from radio_recorder import Radio, outputs

from countynet.accept import accept
from countynet.accept.hops import HopResult
from countynet.accept.measure import read_view
from countynet.accept.recordings import file_name
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.platforms import get
from countynet.radio.plan import RadioPlan, plan_radio

ROOT = Path(__file__).parents[2]
FIX = ROOT / "tests" / "verify" / "fixtures" / "routeros"
PACKAGES = ("wireless", "wifi")


@pytest.fixture(scope="module", params=PACKAGES)
def planned(request: pytest.FixtureRequest) -> tuple[str, RadioPlan, set[str]]:
    """The shipped plan with every radio model on one package (network.yml's `package` field)."""
    inv = load(ROOT / "inventory").inventory
    assert inv is not None
    for m in inv.network.radio_models.values():
        m.package = request.param
    topo = build(inv)
    return request.param, plan_radio(inv, topo), set(topo.sites)


def _judge(planned: tuple[str, RadioPlan, set[str]], unit: str, radio: Radio) -> HopResult:
    package, plan, agencies = planned
    rep = accept(plan, {unit: outputs(package, radio)}, agencies=agencies, towns={"mwingi"})
    (hop,) = [h for h in rep.hops if h.hop.unit == unit]
    return hop


def _failed(hop: HopResult) -> list[tuple[str, str, str]]:
    return [(f.check, f.detail, f.cause) for f in hop.failed]


def test_fixtures_match_the_recorder() -> None:
    """The hand-written fixtures (README: where the shapes come from) are what the recorder renders."""
    r = Radio("mwg-bs1-s1", 5745)
    names = {
        "/interface wireless registration-table print detail without-paging": "wireless_station_registration_table_print_detail.txt",
        "/interface wireless monitor wlan1 once": "wireless_station_monitor_once.txt",
        "/interface wifi registration-table print detail without-paging": "wifi_station_registration_table_print_detail.txt",
        "/interface wifi monitor wifi1 once": "wifi_station_monitor_once.txt",
    }
    for package in PACKAGES:
        for cmd, text in outputs(package, r).items():
            assert (FIX / names[cmd]).read_text() == text


def test_templates_read_every_figure_of_the_fixtures() -> None:
    row = get("routeros")
    legacy = {
        c: (FIX / n).read_text()
        for c, n in (
            (row.collect.radio["wireless"].registration, "wireless_station_registration_table_print_detail.txt"),
            (row.collect.radio["wireless"].station_monitor, "wireless_station_monitor_once.txt"),
        )
    }
    v = read_view("mwg-police-station", "wireless", row, legacy)
    assert (v.registered, v.ssid, v.frequency_mhz, v.width_mhz, v.peer) == (
        True,
        "mwg-bs1-s1",
        5745,
        20,
        "64D1548A1021",
    )
    assert (v.rx_dbm, v.chains_dbm, v.far_rx_dbm, v.far_chains_dbm) == (-54, [-55, -57], -48, [-49, -51])
    assert (v.snr_db, v.ccq_pct, v.uptime_s, v.distance_km) == (52, 93, 3 * 86400 + 4 * 3600 + 12 * 60 + 9, 1)
    assert v.rx_rate and v.rx_rate.mcs == 8 and v.rx_rate.streams == 2 and not v.problems
    wifi = {
        c: (FIX / n).read_text()
        for c, n in (
            (row.collect.radio["wifi"].registration, "wifi_station_registration_table_print_detail.txt"),
            (row.collect.radio["wifi"].station_monitor, "wifi_station_monitor_once.txt"),
        )
    }
    w = read_view("mwg-police-station", "wifi", row, wifi)
    assert (w.registered, w.state, w.ssid, w.frequency_mhz, w.width_mhz, w.rx_dbm) == (
        True,
        "running-station",
        "mwg-bs1-s1",
        5745,
        20,
        -54,
    )
    assert (w.chains_dbm, w.snr_db, w.ccq_pct, w.far_rx_dbm) == ([], None, None, None)  # not in this package
    assert w.tx_rate and w.tx_rate.mcs == 8 and not w.problems


def test_good_install_passes(planned: tuple[str, RadioPlan, set[str]]) -> None:
    hop = _judge(planned, "mwg-police-station", Radio("mwg-bs1-s1", 5745))
    assert hop.status == "pass", _failed(hop)
    assert hop.realised_margin_db == pytest.approx(18.0, abs=0.05)  # planned 18.4 dB, measured 0.4 dB low
    assert {f.check for f in hop.findings} >= {"sector", "signal", "rate", "uptime"}


def test_misaligned_station_is_alignment_or_obstruction(planned: tuple[str, RadioPlan, set[str]]) -> None:
    r = Radio(
        "mwg-bs1-s1",
        5745,
        signal=-72,
        chains=[-73, -74],
        far_signal=-66,
        far_chains=[-67, -68],
        tx_rate="78Mbps-20MHz/2S",
        rx_rate="78Mbps-20MHz/2S",
    )
    hop = _judge(planned, "mwg-law-courts", r)
    assert hop.status == "fail"
    sig = [f for f in hop.failed if f.check == "signal"]
    both = "both chains" if planned[0] == "wireless" else "signal"
    assert sig[0].detail == (
        f"downlink at mwg-law-courts: -72 dBm, planned -55.1 dBm (-16.9 dB, accept +/-5); {both} far below plan"
    )
    assert sig[0].cause.startswith(
        "alignment or obstruction: re-aim mwg-law-courts's antenna at mwg-bs1 sector s1: azimuth 126.3 deg, elevation +1.8 deg"
    )
    rate = [f for f in hop.failed if f.check == "rate"]
    assert rate and rate[0].cause == "follows the signal finding above: fix that first"


def test_station_on_the_wrong_sector(planned: tuple[str, RadioPlan, set[str]]) -> None:
    hop = _judge(planned, "mwg-registration-office", Radio("mwg-bs1-s2", 5785, signal=-56, chains=[-57, -58]))
    assert _failed(hop) == [
        (
            "sector",
            "registered to the wrong sector: mwg-bs1-s2 on 5785 MHz, planned mwg-bs1-s1 on 5745 MHz",
            "re-point at mwg-bs1 sector s1: azimuth 198.8 deg, elevation +2.4 deg, and lock the radio to SSID "
            "mwg-bs1-s1 / 5745 MHz (connect list or scan list) so it cannot join a neighbouring sector",
        )
    ]


def test_one_dead_chain_is_polarisation_or_cable(planned: tuple[str, RadioPlan, set[str]]) -> None:
    r = Radio("mwg-bs1-s2", 5785, signal=-57, chains=[-56, -94], rx_rate="78Mbps-20MHz/1S")
    hop = _judge(planned, "mwg-tsc-office", r)
    assert hop.status == "fail"
    if planned[0] == "wireless":  # per-chain levels: the chain itself
        (f,) = hop.failed
        assert (f.check, f.detail) == (
            "chain",
            "downlink at mwg-tsc-office: -57 dBm, planned -55.2 dBm (-1.8 dB, accept +/-5); "
            "chain 1 -94 dBm far below plan while chain 0 -56 dBm",
        )
        assert f.cause.startswith("one chain: polarisation or cable - check the chain 1 jumper")
    else:  # the wifi package reports no chains: the link has fallen to one spatial stream
        (f,) = hop.failed
        assert (f.check, f.detail) == ("streams", "downlink 78Mbps-20MHz/1S: 1 spatial stream(s), planned 2")
        assert f.cause.startswith("one chain dead: polarisation or cable")


def test_ptp_two_mcs_steps_below_plan(planned: tuple[str, RadioPlan, set[str]]) -> None:
    r = Radio(
        "mwg-ptp-nguutani",
        5845,
        signal=-63,
        chains=[-64, -65],
        far_signal=-63,
        far_chains=[-64, -65],
        rx_rate="52Mbps-20MHz/2S",
        tx_rate="52Mbps-20MHz/2S",
        tx_ccq=61,
    )
    hop = _judge(planned, "mwg-ptp-nguutani.b", r)
    rate = [f for f in hop.failed if f.check == "rate"]
    assert [f.check for f in hop.failed] == ["rate", "rate"] if planned[0] == "wireless" else ["rate", "rate"]
    assert rate[0].detail == "PtP link running 2 MCS step(s) below plan: downlink 52Mbps-20MHz/2S = MCS3, planned MCS5"
    assert rate[0].cause.startswith("signal is at plan, so interference or multipath")


def test_signal_above_plan_is_power_or_antenna(planned: tuple[str, RadioPlan, set[str]]) -> None:
    hop = _judge(planned, "mwg-police-station", Radio("mwg-bs1-s1", 5745, signal=-41, chains=[-41, -42]))
    f = next(f for f in hop.failed if f.check == "signal")
    assert f.detail.endswith("above plan")
    assert f.cause.startswith("power or wrong antenna: check tx-power on mwg-bs1 (planned 14 dBm)")


def test_recent_registration_and_no_link(planned: tuple[str, RadioPlan, set[str]]) -> None:
    hop = _judge(planned, "mwg-police-station", Radio("mwg-bs1-s1", 5745, uptime="2m5s"))
    assert [(f.check, f.detail) for f in hop.failed] == [("uptime", "registered for 2m5s only (settle time 10m)")]
    hop = _judge(planned, "mwg-police-station", Radio("mwg-bs1-s1", 5745, registered=False))
    assert hop.status == "fail" and hop.failed[0].check == "registration"
    assert hop.failed[0].detail.startswith("mwg-police-station is not registered (searching-for-network")


def test_lab_and_missing_recordings(planned: tuple[str, RadioPlan, set[str]]) -> None:
    _, plan, agencies = planned
    lab = accept(plan, None, agencies=agencies)
    assert len(lab.hops) == len(plan.links) and {h.status for h in lab.hops} == {"not measurable"}
    none = accept(plan, {}, agencies=agencies, towns={"mwingi"})
    assert {h.status for h in none.hops} == {"not measured"} and len(none.hops) == 14


def test_recording_file_names() -> None:
    assert file_name("/interface wifi monitor wifi1 once") == "interface_wifi_monitor_wifi1_once.txt"


def test_sector_ap_table(planned: tuple[str, RadioPlan, set[str]]) -> None:
    """The AP's own table: the legacy package names each station (last-ip), the wifi package only counts them."""
    from radio_recorder import Peer, ap_registration

    from countynet.accept.sectors import SectorInfo, sector_infos
    from countynet.model import open_model

    package, plan, agencies = planned
    shipped = sector_infos(open_model(ROOT / "inventory"), {"mwingi"})["sector:mwg-bs1/s1"]
    wl = "wlan" if package == "wireless" else "wifi"
    info = SectorInfo(shipped.segment, "mwingi", "mwg-bs1", f"{wl}1", package, shipped.stations)
    ips = shipped.stations
    peers = [
        Peer(f"{wl}1", f"4C:5E:0C:00:00:{n:02X}", ips[s], -48)
        for n, s in enumerate(sorted(ips))
        if s != "mwg-registration-office"
    ]
    peers[0].signal, peers[0].chains = -66, [-67, -68]  # mwg-huduma-centre heard 18 dB low at the AP
    peers.append(Peer(f"{wl}2", "4C:5E:0C:00:00:99", ips["mwg-registration-office"], -50))
    ap = {get("routeros").collect.radio[package].registration: ap_registration(package, peers)}
    collected = {"mwg-bs1": ap, "mwg-huduma-centre": outputs(package, Radio("mwg-bs1-s1", 5745, far_signal=-48))}
    rep = accept(plan, collected, agencies=agencies, towns={"mwingi"}, sectors={info.segment: info})
    (sec,) = rep.sectors
    assert (sec.status, sec.detail) == (
        "fail",
        f"4 station(s) registered on {wl}1, planned 5"
        + ("; missing: mwg-registration-office" if package == "wireless" else ""),
    )
    hop = next(h for h in rep.hops if h.hop.unit == "mwg-huduma-centre")
    if package == "wireless":  # the AP's own reading of the uplink replaces what the station relayed
        assert hop.status == "fail" and hop.measured["ap"]["signal"] == "-66"
        (f,) = [f for f in hop.failed if f.detail.startswith("uplink at mwg-bs1")]
        assert f.detail.startswith("uplink at mwg-bs1: -66 dBm, planned -47.6 dBm (-18.4 dB")
    else:  # wifi: the AP names stations by MAC only, so the station's hop stands on its own view
        assert hop.status == "pass" and "ap" not in hop.measured
