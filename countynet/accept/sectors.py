"""The sector APs' own registration tables: how many stations each sector serves, and the uplink.

A sector is judged on its base station: the stations registered on its interface against the
stations planned on it. On the legacy `wireless` package an item names the station's address
(`last-ip`), so each station's uplink level is read where it is received, at the AP, and a
station found on another sector's interface is named. The `wifi` package's table names a station
by MAC address only, which the inventory does not hold: there the sector is judged by count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from countynet.accept.hops import Finding, HopResult
from countynet.accept.judge import level_finding
from countynet.accept.recordings import Collected
from countynet.platforms import Platform
from countynet.verify.parse import ParseError, parse

SectorStatus = Literal["pass", "fail", "not measured", "not measurable"]


@dataclass(frozen=True)
class SectorInfo:
    segment: str  # "sector:<bs>/<sector>"
    town: str
    unit: str  # the base station carrying the AP
    interface: str  # the AP's interface name (the platform row's mapping, through the intent)
    package: str
    stations: dict[str, str]  # planned station -> its address on the sector


@dataclass
class SectorResult:
    info: SectorInfo
    status: SectorStatus
    registered: list[dict[str, Any]] = field(default_factory=list)  # items on this sector's interface
    detail: str = ""
    cause: str = ""

    def as_dict(self) -> dict[str, Any]:
        i = self.info
        return {
            "sector": i.segment.removeprefix("sector:"),
            "town": i.town,
            "unit": i.unit,
            "interface": i.interface,
            "package": i.package,
            "planned": sorted(i.stations),
            "registered": self.registered,
            "status": self.status,
            "detail": self.detail,
            "cause": self.cause,
        }


def sector_infos(model: Any, towns: set[str] | None = None) -> dict[str, SectorInfo]:
    """Every planned sector with its AP interface name and its stations' addresses."""
    from countynet.allocate.addressing import segment_address

    out: dict[str, SectorInfo] = {}
    bases = {sp.base_station for sp in model.radio.sectors.values()}
    intents = model.intents([b for b in bases if towns is None or model.topo.devices[b].town in towns])
    for seg_id, sp in model.radio.sectors.items():
        intent = intents.get(sp.base_station)
        if intent is None:
            continue
        seg = model.topo.segments[seg_id]
        iface = next((i["name"] for i in intent["interfaces"] if i.get("segment") == seg_id), None)
        addrs = {}
        for lp in sp.stations:
            a = segment_address(model.inv, model.topo, model.alloc, lp.b.device, seg)
            addrs[lp.b.device] = str(a.ip) if a is not None else ""
        if iface:
            out[seg_id] = SectorInfo(seg_id, sp.radio.town, sp.base_station, iface, sp.radio.model.package, addrs)
    return out


def ap_rows(info: SectorInfo, platform: Platform, collected: Collected | None) -> list[dict[str, Any]] | None:
    """The AP's registration items (all its interfaces), or None when its table was not recorded."""
    cmds = platform.collect.radio.get(info.package)
    outputs = (collected or {}).get(info.unit) or {}
    if cmds is None or cmds.registration not in outputs:
        return None
    try:
        return parse(platform, cmds.registration, outputs[cmds.registration])
    except ParseError:
        return []


def judge_sector(info: SectorInfo, rows: list[dict[str, Any]] | None, measurable: bool) -> SectorResult:
    if not measurable:
        return SectorResult(info, "not measurable", detail="virtual lab: no radios")
    if rows is None:
        return SectorResult(info, "not measured", detail=f"no registration table recorded for {info.unit}")
    here = [r for r in rows if r.get("interface") == info.interface]
    res = SectorResult(info, "pass", [_brief(r) for r in here])
    planned = len(info.stations)
    res.detail = f"{len(here)} station(s) registered on {info.interface}, planned {planned}"
    by_ip = {str(r["last_ip"]): r for r in here if r.get("last_ip")}
    strangers = sorted(ip for ip in by_ip if ip not in set(info.stations.values()))
    missing = sorted(s for s, ip in info.stations.items() if by_ip and ip not in by_ip)
    if strangers or missing or len(here) != planned:
        res.status = "fail"
        if strangers:
            res.detail += f"; not planned here: {', '.join(strangers)}"
        if missing:
            res.detail += f"; missing: {', '.join(missing)}"
        res.cause = (
            "a station on the wrong sector or not linked: see the station rows of this sector; "
            "point each station at its planned sector and lock it to that SSID"
        )
    return res


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("mac_address", "last_ip", "signal", "signal_ch0", "signal_ch1", "tx_rate", "rx_rate", "uptime")
    return {k: r[k] for k in keys if r.get(k)}


def add_ap_view(result: HopResult, info: SectorInfo, rows: list[dict[str, Any]]) -> None:
    """A station's hop, seen from the AP (legacy package: the item whose last-ip is the station's)."""
    hp = result.hop
    ip = info.stations.get(hp.lp.b.device)
    row = next((r for r in rows if ip and r.get("last_ip") == ip), None)
    if row is None or result.status not in ("pass", "fail"):
        return
    result.measured["ap"] = {"unit": info.unit, **_brief(row), "interface": row.get("interface")}
    if row.get("interface") != info.interface:
        if not any(f.check == "sector" and not f.ok for f in result.findings):
            result.findings.append(
                Finding(
                    "sector",
                    False,
                    f"{info.unit} lists this station on {row.get('interface')}, planned {info.interface}",
                    f"re-point at {hp.tower} sector {hp.sector} and lock the radio to SSID {hp.ssid}",
                )
            )
    elif row.get("signal"):
        chains = [float(row[k]) for k in ("signal_ch0", "signal_ch1") if row.get(k)]
        # the AP's own reading replaces what the station relayed of it
        result.findings = [f for f in result.findings if not f.detail.startswith("uplink at")]
        result.findings.append(
            level_finding(hp, "uplink", float(row["signal"]), chains, hp.lp.ba.rx_dbm, hp.lp.b.device)
        )
    result.status = "fail" if any(not f.ok for f in result.findings) else "pass"
