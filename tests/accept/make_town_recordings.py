"""Write tests/verify/fixtures/routeros/recordings/mwingi/: one folder per radio hop of Mwingi.

Every hop recorded as a good install (levels at the plan's figures), except four faults and one
radio left unrecorded, so the installation report shows each outcome:
  mwg-law-courts           mis-aligned (both chains 17 dB low, modulation follows)
  mwg-registration-office  registered to the wrong sector (mwg-bs1-s2, 5785 MHz)
  mwg-tsc-office           one dead chain (chain 1 at -94 dBm)
  mwg-ptp-nguutani         PtP running two MCS steps below plan at a planned level
  mwg-kyome-primary        not recorded ("not measured")
and the sector APs' own tables (mwg-bs1, mwg-bs2): every station where it is registered, with the
uplink level at the plan's figure (17 dB low for mwg-law-courts).
Run: PYTHONPATH=. python3 tests/accept/make_town_recordings.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from radio_recorder import Peer, Radio, ap_registration, outputs

from countynet.accept import radio_commands
from countynet.accept.hops import hop_plans
from countynet.accept.recordings import file_name
from countynet.accept.sectors import sector_infos
from countynet.model import open_model as prepare
from countynet.platforms import get
from countynet.radio.mcs import PHY_RATE_PER_STREAM

OUT = Path(__file__).parents[1] / "verify" / "fixtures" / "routeros" / "recordings" / "mwingi"


def rate(mcs: int, width: int, streams: int) -> str:
    return f"{round(PHY_RATE_PER_STREAM[width][mcs] * streams, 1):g}Mbps-{width}MHz/{streams}S"


def good(hp) -> Radio:  # type: ignore[no-untyped-def]
    lp = hp.lp
    rx, far = round(lp.ab.rx_dbm), round(lp.ba.rx_dbm)
    return Radio(
        hp.ssid,
        int(lp.frequency_mhz),
        lp.width_mhz,
        signal=rx,
        chains=[rx - 1, rx - 2],
        far_signal=far,
        far_chains=[far - 1, far - 2],
        snr=106 + rx,
        rx_rate=rate(lp.ab.mcs, lp.width_mhz, lp.streams),
        tx_rate=rate(lp.ba.mcs, lp.width_mhz, lp.streams),
        distance=max(1, round(lp.distance_km)),
    )


def faulty(name: str, r: Radio, hp) -> Radio:  # type: ignore[no-untyped-def]
    lp = hp.lp
    if name == "mwg-law-courts":
        r.signal, r.chains, r.far_signal, r.far_chains = (
            r.signal - 17,
            [c - 17 for c in r.chains],
            r.far_signal - 17,
            [c - 17 for c in r.far_chains],
        )
        r.rx_rate = r.tx_rate = rate(4, lp.width_mhz, lp.streams)
    elif name == "mwg-registration-office":
        r.ssid, r.frequency = "mwg-bs1-s2", 5785
    elif name == "mwg-tsc-office":
        r.chains = [r.signal - 1, -94]
        r.rx_rate = rate(lp.ab.mcs, lp.width_mhz, 1)
    elif name == "mwg-ptp-nguutani":
        r.rx_rate = r.tx_rate = rate(lp.mcs - 2, lp.width_mhz, lp.streams)
        r.tx_ccq = 61
    return r


def main() -> None:
    prep = prepare("inventory")
    hops = hop_plans(prep.radio, 5.0, 600, set(prep.topo.sites), {"mwingi"})
    shutil.rmtree(OUT, ignore_errors=True)
    assert radio_commands()
    for hp in hops:
        name = hp.lp.name
        if name == "mwg-kyome-primary":
            continue
        r = faulty(name, good(hp), hp)
        unit = OUT / hp.unit
        unit.mkdir(parents=True)
        for cmd, text in outputs(hp.package, r).items():
            (unit / file_name(cmd)).write_text(text)
    write_aps(prep, {hp.lp.b.device: hp for hp in hops})
    print(f"{len(hops)} hops, recordings in {OUT}")


def write_aps(prep, hops) -> None:  # type: ignore[no-untyped-def]
    """Each base station's registration table: its stations, where each one actually registered."""
    infos = sector_infos(prep, {"mwingi"})
    iface = {seg.removeprefix("sector:"): i.interface for seg, i in infos.items()}
    peers: dict[str, list[Peer]] = {}
    for n, (_seg, info) in enumerate(sorted(infos.items())):
        for m, (site, ip) in enumerate(sorted(info.stations.items())):
            lp = hops[site].lp
            up = round(lp.ba.rx_dbm) - (17 if site == "mwg-law-courts" else 0)
            where = iface["mwg-bs1/s2"] if site == "mwg-registration-office" else info.interface
            ssid = "mwg-bs1-s2" if site == "mwg-registration-office" else hops[site].ssid
            mac = f"4C:5E:0C:{n:02X}:{m:02X}:{len(site):02X}"
            peers.setdefault(info.unit, []).append(
                Peer(where, mac, ip, up, [up - 1, up - 2], rate(lp.ba.mcs, lp.width_mhz, lp.streams), ssid=ssid)
            )
    pkg = next(iter(infos.values())).package
    cmd = get("routeros").collect.radio[pkg].registration
    for unit, ps in peers.items():
        (OUT / unit).mkdir(parents=True, exist_ok=True)
        (OUT / unit / file_name(cmd)).write_text(ap_registration(pkg, sorted(ps, key=lambda p: p.interface)))


if __name__ == "__main__":
    main()
