"""What one radio reports about its link, from its registration table and its own monitor view.

A `RadioView` is package-neutral: the legacy `wireless` package reports per-chain signal, SNR,
CCQ and (from a MikroTik peer) the level the far end hears; the `wifi` package reports one
signal figure and the rates. Fields a package does not report stay None, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from countynet.accept.rates import Rate, parse_rate
from countynet.platforms import Platform
from countynet.verify.parse import ParseError, parse

_UPTIME = re.compile(r"(\d+)(ms|[wdhms])")
_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
CONNECTED = {"connected-to-ess", "running-station", "connected"}


@dataclass
class RadioView:
    unit: str
    package: str
    registered: bool = False
    state: str | None = None
    ssid: str | None = None
    frequency_mhz: float | None = None
    width_mhz: int | None = None
    peer: str | None = None  # the AP or far radio: radio-name or MAC address
    rx_dbm: float | None = None  # what this radio hears
    chains_dbm: list[float] = field(default_factory=list)
    far_rx_dbm: float | None = None  # what the far end hears from this radio (legacy, MikroTik peers)
    far_chains_dbm: list[float] = field(default_factory=list)
    snr_db: float | None = None
    ccq_pct: float | None = None
    tx_rate: Rate | None = None  # this radio -> far end
    rx_rate: Rate | None = None  # far end -> this radio
    uptime_s: float | None = None
    distance_km: float | None = None
    problems: list[str] = field(default_factory=list)  # outputs missing or unparsable

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if k not in ("tx_rate", "rx_rate")}
        out["tx_rate"] = self.tx_rate.text if self.tx_rate else None
        out["rx_rate"] = self.rx_rate.text if self.rx_rate else None
        out["tx_mcs"] = self.tx_rate.mcs if self.tx_rate else None
        out["rx_mcs"] = self.rx_rate.mcs if self.rx_rate else None
        return out


def uptime_seconds(text: str | None) -> float | None:
    """RouterOS durations: 3d4h12m9s, 1w2d, 850ms."""
    if not text:
        return None
    parts = _UPTIME.findall(text)
    return sum(int(n) * _SECONDS[u] for n, u in parts) if parts else None


def _num(row: dict[str, Any], key: str) -> float | None:
    v = row.get(key)
    return float(v) if v not in (None, "") else None


def _width(row: dict[str, Any]) -> int | None:
    ext = row.get("extension") or ""
    if ext:
        return 20 * len(ext)
    base = row.get("channel_width")
    return int(base) if base else (20 if row.get("frequency") else None)


def read_view(unit: str, package: str, platform: Platform, outputs: dict[str, str]) -> RadioView:
    """Parse a radio's registration table and monitor output (commands from the platform row)."""
    view = RadioView(unit, package)
    cmds = platform.collect.radio.get(package)
    if cmds is None:
        view.problems.append(f"{platform.name} has no commands for the {package} package")
        return view
    reg = _rows(view, platform, cmds.registration, outputs)
    mon = _rows(view, platform, cmds.station_monitor, outputs)
    m = mon[0] if mon else {}
    r = next((x for x in reg if x.get("ap") in ("yes", "true")), reg[0] if reg else {})
    view.state = m.get("status") or m.get("state") or None
    view.registered = bool(r) and (view.state is None or view.state in CONNECTED)
    view.ssid = m.get("ssid") or r.get("ssid") or None
    view.frequency_mhz = _num(m, "frequency")
    view.width_mhz = _width(m) if m else None
    view.peer = r.get("radio_name") or m.get("bssid") or m.get("ap_address") or r.get("mac_address") or None
    view.rx_dbm = _num(r, "signal") if r.get("signal") else _num(m, "signal")
    view.chains_dbm = [float(r[k]) for k in ("signal_ch0", "signal_ch1", "signal_ch2") if r.get(k)]
    view.far_rx_dbm = _num(r, "tx_signal")
    view.far_chains_dbm = [float(r[k]) for k in ("tx_signal_ch0", "tx_signal_ch1") if r.get(k)]
    view.snr_db = _num(r, "snr") if r.get("snr") else _num(m, "snr")
    view.ccq_pct = _num(r, "tx_ccq")
    width = view.width_mhz
    view.tx_rate = parse_rate(r.get("tx_rate") or m.get("tx_rate"), width)
    view.rx_rate = parse_rate(r.get("rx_rate") or m.get("rx_rate"), width)
    view.uptime_s = uptime_seconds(r.get("uptime"))
    view.distance_km = _num(r, "distance")
    return view


def _rows(view: RadioView, platform: Platform, command: str, outputs: dict[str, str]) -> list[dict[str, Any]]:
    if command not in outputs:
        view.problems.append(f"no output of '{command}'")
        return []
    text = outputs[command]
    try:
        return parse(platform, command, text)
    except ParseError as exc:
        if all(line.strip().startswith(("Flags:", "Columns:")) for line in text.splitlines() if line.strip()):
            return []  # an empty table prints at most its Flags/Columns header
        view.problems.append(f"parse failure: {exc}")
        return []
