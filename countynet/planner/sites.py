"""Read a site list (CSV or GeoJSON) into rows, with column aliases from network.yml `planner.columns`.

Columns: name, agency, kind, lat, lon, and optionally elevation_m, users, services (separated
by `;`, `|` or spaces) and, in a towers file, height_m. Every bad row is a one-line error
with file:line, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError, Pos
from countynet.inventory.limits import read_user_text

FIELDS = ("name", "agency", "kind", "lat", "lon", "elevation_m", "users", "services", "height_m")
REQUIRED_SITE = ("name", "agency", "kind", "lat", "lon")
REQUIRED_TOWER = ("name", "lat", "lon")
# Headers seen in real site lists, always understood; network.yml adds its own.
BUILTIN_ALIASES = {
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "elevation": "elevation_m",
    "elev": "elevation_m",
    "altitude": "elevation_m",
    "alt_m": "elevation_m",
    "type": "kind",
    "site": "name",
    "height": "height_m",
    "mast_m": "height_m",
}


@dataclass
class Row:
    """One site or tower as the list gives it (None: the list does not say)."""

    name: str
    lat: float
    lon: float
    pos: Pos
    agency: str = ""
    kind: str = ""
    elevation_m: float | None = None
    users: int | None = None
    services: list[str] | None = None
    height_m: float | None = None
    elevation_source: str = "list"


def _canon(header: str, aliases: dict[str, str]) -> str:
    key = header.strip().lower()
    merged = {**BUILTIN_ALIASES, **{k.strip().lower(): v for k, v in aliases.items()}}
    return merged.get(key, key)


def _number(value: str, what: str, pos: Pos, integer: bool = False) -> Any:
    try:
        return int(value) if integer else float(value)
    except ValueError:
        raise CountynetError(f"{what} must be a number, got '{value}'", "fix the value in the list", pos) from None


def _row(raw: dict[str, Any], pos: Pos, required: tuple[str, ...]) -> Row:
    vals = {k: ("" if v is None else str(v).strip()) for k, v in raw.items()}
    missing = [k for k in required if not vals.get(k)]
    if missing:
        raise CountynetError(
            f"missing {', '.join(missing)}",
            "every row needs " + ", ".join(required) + " (aliases: planner.columns)",
            pos,
        )
    services = vals.get("services", "")
    return Row(
        name=vals["name"],
        lat=_number(vals["lat"], "lat", pos),
        lon=_number(vals["lon"], "lon", pos),
        pos=pos,
        agency=vals.get("agency", ""),
        kind=vals.get("kind", ""),
        elevation_m=_number(vals["elevation_m"], "elevation_m", pos) if vals.get("elevation_m") else None,
        users=_number(vals["users"], "users", pos, integer=True) if vals.get("users") else None,
        services=[s for s in re.split(r"[;|\s,]+", services) if s] if services else None,
        height_m=_number(vals["height_m"], "height_m", pos) if vals.get("height_m") else None,
    )


def _csv(path: Path, aliases: dict[str, str], required: tuple[str, ...]) -> list[Row]:
    text = read_user_text(path).removeprefix("\ufeff")  # within the loading budget; a BOM is allowed
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames:
            raise CountynetError(
                "the file is empty", "give a header line: name,agency,kind,lat,lon,...", Pos(str(path))
            )
        headers = {h: _canon(h, aliases) for h in reader.fieldnames}
        rows = []
        for raw in reader:
            pos = Pos(str(path), reader.line_num, 1)
            rows.append(_row({headers[k]: v for k, v in raw.items() if k in headers}, pos, required))
        return rows


def _geojson(path: Path, aliases: dict[str, str], required: tuple[str, ...]) -> list[Row]:
    try:
        data = json.loads(read_user_text(path))
    except json.JSONDecodeError as exc:
        raise CountynetError(
            f"not valid JSON: {exc.msg}", "export the layer as GeoJSON", Pos(str(path), exc.lineno, exc.colno)
        ) from None
    rows = []
    for i, feat in enumerate(data.get("features", []) if isinstance(data, dict) else []):
        pos = Pos(f"{path}#features[{i}]")
        geom = feat.get("geometry") or {}
        if geom.get("type") != "Point":
            raise CountynetError("only Point features can be sites", "export site locations as points", pos)
        coords = geom.get("coordinates") or []
        props = {_canon(k, aliases): v for k, v in (feat.get("properties") or {}).items()}
        props.setdefault("lon", coords[0] if len(coords) > 0 else "")
        props.setdefault("lat", coords[1] if len(coords) > 1 else "")
        if len(coords) > 2:
            props.setdefault("elevation_m", coords[2])
        rows.append(_row(props, pos, required))
    return rows


def read_rows(path: Path, aliases: dict[str, str], towers: bool = False) -> list[Row]:
    """Rows of a .csv or .geojson/.json site (or tower) list; duplicate names are refused."""
    if not path.is_file():
        raise CountynetError(f"file not found: {path}", "pass --sites FILE.csv (or .geojson)")
    required = REQUIRED_TOWER if towers else REQUIRED_SITE
    reader = _geojson if path.suffix.lower() in (".geojson", ".json") else _csv
    rows = reader(path, aliases, required)
    seen: dict[str, Row] = {}
    for r in rows:
        if r.name in seen:
            raise CountynetError(
                f"'{r.name}' is listed twice (first at {seen[r.name].pos})", "give every site its own name", r.pos
            )
        seen[r.name] = r
        if not (-90 <= r.lat <= 90 and -180 <= r.lon <= 180):
            raise CountynetError(
                f"'{r.name}': coordinates {r.lat}, {r.lon} are outside the globe", "check lat/lon order", r.pos
            )
    if not rows:
        raise CountynetError("the list has no rows", "one line per site", Pos(str(path)))
    return rows
