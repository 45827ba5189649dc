"""Radio-plan figures for the intent, optional: without a plan the inventory's values are used.

The plan (countynet.radio.plan) is read through duck typing so the intent does not depend on
its exact classes: a mapping or attribute per sector, station and link, whose fields with the
names below are copied into the intent when present.
"""

from __future__ import annotations

from typing import Any

from countynet.inventory.topology import Segment

FIELDS = (
    "frequency_mhz",
    "channel_mhz",
    "width_mhz",
    "tx_power_dbm",
    "rx_dbm",
    "fade_margin_db",
    "margin_db",
    "mcs",
    "capacity_mbps",
    "availability_pct",
    "distance_km",
)


def _get(obj: Any, key: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _figures(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in FIELDS:
        v = _get(obj, f)
        if isinstance(v, int | float) and not isinstance(v, bool):
            out[f] = int(v) if float(v).is_integer() else round(float(v), 2)
    if "channel_mhz" in out and "frequency_mhz" not in out:
        out["frequency_mhz"] = out["channel_mhz"]
    out.pop("channel_mhz", None)
    return out


class RadioFigures:
    """Look-ups into an optional radio plan; every method returns {} when there is nothing planned."""

    def __init__(self, plan: Any) -> None:
        self.plan = plan

    def _table(self, *names: str) -> Any:
        for n in names:
            t = _get(self.plan, n)
            if t is not None:
                return t
        return None

    def _lookup(self, table: Any, *keys: str) -> Any:
        if table is None:
            return None
        for k in keys:
            v = table.get(k) if hasattr(table, "get") else None
            if v is not None:
                return v
        return None

    def sector(self, seg_id: str) -> dict[str, Any]:
        if hasattr(self.plan, "for_sector"):
            return _figures(self.plan.for_sector(seg_id))
        t = self._table("sectors", "channels")
        return _figures(self._lookup(t, seg_id, seg_id.removeprefix("sector:")))

    def station(self, device: str) -> dict[str, Any]:
        if hasattr(self.plan, "for_station"):
            lp = self.plan.for_station(device)
            if lp is None:
                return {}
            end = lp.b if _get(lp.b, "device") == device else lp.a
            return {**_figures(lp), **_figures({"tx_power_dbm": _get(end, "tx_power_dbm")})}
        return _figures(self._lookup(self._table("stations"), device))

    def link(self, seg: Segment) -> dict[str, Any]:
        """A PtP link: planned figures, else the inventory's frequency, width and tx power of each end."""
        src = seg.source
        out: dict[str, Any] = {
            "mode": None,
            "frequency_mhz": _figures({"frequency_mhz": getattr(src, "frequency_mhz", None)}).get("frequency_mhz"),
            "width_mhz": getattr(src, "width_mhz", None),
        }
        if hasattr(self.plan, "for_link"):
            planned = _figures(self.plan.for_link(seg.id))
        else:
            planned = _figures(self._lookup(self._table("links"), seg.id, seg.id.removeprefix("ptp:")))
        out.update(planned)
        out["plan"] = planned or None
        return out
