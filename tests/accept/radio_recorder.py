"""Render RouterOS 7 radio outputs in the exact shapes of tests/verify/fixtures/routeros/ (see its README).

Used to record a whole town offline: every hop's far radio with chosen figures. The hand-written
fixtures are the reference; test_fixtures_match_the_recorder proves this renderer reproduces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 100  # the console width the outputs were printed at (wrapping is between key=value pairs)


@dataclass
class Radio:
    ssid: str
    frequency: int
    width: int = 20
    ap_mac: str = "64:D1:54:8A:10:21"
    signal: int = -54
    chains: list[int] = field(default_factory=lambda: [-55, -57])
    far_signal: int = -48
    far_chains: list[int] = field(default_factory=lambda: [-49, -51])
    snr: int = 52
    tx_rate: str = "156Mbps-20MHz/2S"
    rx_rate: str = "156Mbps-20MHz/2S"
    tx_ccq: int = 93
    rx_ccq: int = 91
    uptime: str = "3d4h12m9s"
    distance: int = 1
    last_ip: str = "10.96.162.1"
    version: str = "7.15.3"
    registered: bool = True


def _wrap(pairs: list[str], first: str, rest: str) -> str:
    """RouterOS wraps a detail item between key=value pairs, never inside one (quoted values keep spaces)."""
    lines, cur = [], first
    for pair in pairs:
        if cur.strip() and len(cur) + 1 + len(pair) > WIDTH:
            lines.append(cur)
            cur = rest
        cur += ("" if cur.endswith(" ") else " ") + pair if cur.strip() else pair
    lines.append(cur)
    return "\n".join(lines) + "\n"


def _radio_name(mac: str) -> str:
    return mac.replace(":", "")


def _channel_letters(width: int) -> str:
    return {20: "", 40: "-Ce", 80: "-Ceee"}[width]


def wireless_registration(r: Radio) -> str:
    if not r.registered:
        return ""
    pairs = [
        "interface=wlan1",
        f'radio-name="{_radio_name(r.ap_mac)}"',
        f"mac-address={r.ap_mac}",
        "ap=yes",
        "wds=no",
        "bridge=no",
        f'rx-rate="{r.rx_rate}"',
        f'tx-rate="{r.tx_rate}"',
        "packets=1843529,1290377",
        "bytes=1771042113,262316552",
        "frames=1843561,1290377",
        "frame-bytes=1763652731,257155024",
        "hw-frames=1912730,1378211",
        "hw-frame-bytes=1808710233,296118716",
        "tx-frames-timed-out=0",
        f"uptime={r.uptime}",
        "last-activity=10ms",
        f"signal-strength={r.signal}dBm@6Mbps",
        f"signal-to-noise={r.snr}dB",
        *(f"signal-strength-ch{i}={c}dBm" for i, c in enumerate(r.chains)),
        f"tx-signal-strength={r.far_signal}dBm",
        *(f"tx-signal-strength-ch{i}={c}dBm" for i, c in enumerate(r.far_chains)),
        f'strength-at-rates="{r.signal}dBm@6Mbps 10ms"',
        f"tx-ccq={r.tx_ccq}%",
        f"rx-ccq={r.rx_ccq}%",
        "p-throughput=115220",
        f"distance={r.distance}",
        f'routeros-version="{r.version}"',
        f"last-ip={r.last_ip}",
        "802.1x-port-enabled=yes",
        "authentication-type=wpa2-psk",
        "encryption=aes-ccm",
        "group-encryption=aes-ccm",
        "management-protection=no",
        "wmm-enabled=yes",
        'tx-rate-set="OFDM:6-54 BW:1x SGI:1x VHT:0-9"',
    ]
    return _wrap(pairs, " 0 ", "   ")


def wireless_monitor(r: Radio) -> str:
    if not r.registered:
        rows = [
            ("status", "searching-for-network"),
            ("channel", f"{r.frequency}/20{_channel_letters(r.width)}/ac"),
            ("wireless-protocol", "802.11"),
        ]
    else:
        rows = [
            ("status", "connected-to-ess"),
            ("channel", f"{r.frequency}/20{_channel_letters(r.width)}/ac"),
            ("wireless-protocol", "802.11"),
            ("tx-rate", r.tx_rate),
            ("rx-rate", r.rx_rate),
            ("ssid", r.ssid),
            ("bssid", r.ap_mac),
            ("radio-name", _radio_name(r.ap_mac)),
            ("signal-strength", f"{r.signal}dBm"),
            *((f"signal-strength-ch{i}", f"{c}dBm") for i, c in enumerate(r.chains)),
            ("tx-signal-strength", f"{r.far_signal}dBm"),
            *((f"tx-signal-strength-ch{i}", f"{c}dBm") for i, c in enumerate(r.far_chains)),
            ("noise-floor", f"{r.signal - r.snr}dBm"),
            ("signal-to-noise", f"{r.snr}dB"),
            ("tx-ccq", f"{r.tx_ccq}%"),
            ("rx-ccq", f"{r.rx_ccq}%"),
            ("p-throughput", "115220"),
            ("distance", str(r.distance)),
            ("routeros-version", r.version),
            ("last-ip", r.last_ip),
            ("802.1x-port-enabled", "yes"),
            ("authentication-type", "wpa2-psk"),
            ("encryption", "aes-ccm"),
            ("group-encryption", "aes-ccm"),
            ("management-protection", "no"),
            ("wmm-enabled", "yes"),
        ]
    return "".join(f"{k:>24}: {v}\n" for k, v in rows)


def wifi_registration(r: Radio) -> str:
    if not r.registered:
        return "Flags: A - AUTHORIZED\n"
    pairs = [
        "interface=wifi1",
        f'ssid="{r.ssid}"',
        f"mac-address={r.ap_mac}",
        f"uptime={r.uptime}",
        "last-activity=0ms",
        f"signal={r.signal}",
        f"tx-rate={r.tx_rate}",
        f"rx-rate={r.rx_rate}",
        "packets=1843529,1290377",
        "bytes=1771042113,262316552",
        "tx-bits-per-second=2.1Mbps",
        "rx-bits-per-second=14.8Mbps",
        "band=5ghz-ac",
        "auth-type=wpa2-psk",
    ]
    return "Flags: A - AUTHORIZED\n" + _wrap(pairs, " 0 A ", "     ")


def wifi_monitor(r: Radio) -> str:
    ext = {20: "", 40: "/Ce", 80: "/Ceee"}[r.width]
    rows = [
        ("state", "running-station" if r.registered else "searching-for-network"),
        ("channel", f"{r.frequency}/ac{ext}"),
    ]
    if r.registered:
        rows += [("ap-address", r.ap_mac), ("registered-peers", "1"), ("authorized-peers", "1"), ("tx-power", "20")]
    return "".join(f"{k:>18}: {v}\n" for k, v in rows)


@dataclass
class Peer:
    """One station as a sector AP lists it."""

    interface: str
    mac: str
    ip: str
    signal: int
    chains: list[int] = field(default_factory=lambda: [-49, -51])
    rate: str = "156Mbps-20MHz/2S"
    uptime: str = "3d4h12m9s"
    ssid: str = ""


def ap_registration(package: str, peers: list[Peer]) -> str:
    """A sector AP's registration table: one item per station, in the station shapes above."""
    out = "Flags: A - AUTHORIZED\n" if package == "wifi" else ""
    for n, p in enumerate(peers):
        if package == "wifi":
            pairs = [f"interface={p.interface}", f'ssid="{p.ssid}"', f"mac-address={p.mac}", f"uptime={p.uptime}",
                     "last-activity=0ms", f"signal={p.signal}", f"tx-rate={p.rate}", f"rx-rate={p.rate}",
                     "band=5ghz-ac", "auth-type=wpa2-psk"]  # fmt: skip
            out += _wrap(pairs, f"{n:>2} A ", "     ")
            continue
        pairs = [f"interface={p.interface}", f'radio-name="{_radio_name(p.mac)}"', f"mac-address={p.mac}", "ap=no",
                 "wds=no", "bridge=no", f'rx-rate="{p.rate}"', f'tx-rate="{p.rate}"', f"uptime={p.uptime}",
                 "last-activity=0ms", f"signal-strength={p.signal}dBm@6Mbps", "signal-to-noise=55dB",
                 *(f"signal-strength-ch{i}={c}dBm" for i, c in enumerate(p.chains)), "tx-ccq=95%",
                 "p-throughput=118311", "distance=1", 'routeros-version="7.15.3"', f"last-ip={p.ip}"]  # fmt: skip
        out += _wrap(pairs, f"{n:>2} ", "   ")
    return out


RENDER = {
    "wireless": {
        "/interface wireless registration-table print detail without-paging": wireless_registration,
        "/interface wireless monitor wlan1 once": wireless_monitor,
    },
    "wifi": {
        "/interface wifi registration-table print detail without-paging": wifi_registration,
        "/interface wifi monitor wifi1 once": wifi_monitor,
    },
}


def outputs(package: str, r: Radio) -> dict[str, str]:
    """command -> output of one radio, as the platform row's acceptance commands print it."""
    return {cmd: fn(r) for cmd, fn in RENDER[package].items()}
