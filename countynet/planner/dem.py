"""A local terrain raster: SRTM .hgt tiles the user supplies (no network access, no GDAL needed).

An .hgt tile is a square grid of big-endian signed 16-bit heights in metres, 1201 x 1201 (3
arc-seconds) or 3601 x 3601 (1 arc-second), rows from north to south; the file name gives
its south-west corner (S01E037.hgt covers 1S-0S, 37E-38E); -32768 marks a void.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from dataclasses import replace
from pathlib import Path

from countynet.errors import CountynetError
from countynet.inventory.limits import current, read_user_file
from countynet.radio import formulas as fx

VOID = -32768
NAME = re.compile(r"^([NS])(\d{2})([EW])(\d{3})\.hgt$", re.IGNORECASE)


class HgtTile:
    def __init__(self, path: Path) -> None:
        m = NAME.match(path.name)
        if m is None:
            raise CountynetError(f"{path.name} is not an SRTM tile name", "name it like S01E037.hgt", str(path))
        self.lat0 = int(m[2]) * (1 if m[1].upper() == "N" else -1)
        self.lon0 = int(m[4]) * (1 if m[3].upper() == "E" else -1)
        raw = read_user_file(path, replace(current(), file_bytes=2 * 3601 * 3601))  # an SRTM1 tile at most
        n = math.isqrt(len(raw) // 2)
        if n * n * 2 != len(raw) or n not in (1201, 3601):
            raise CountynetError(
                f"{path.name}: {len(raw)} bytes is not a 1201x1201 or 3601x3601 tile", "use an SRTM .hgt", str(path)
            )
        self.n = n
        self.grid = array("h")
        self.grid.frombytes(raw)
        if sys.byteorder == "little":
            self.grid.byteswap()

    def covers(self, lat: float, lon: float) -> bool:
        return self.lat0 <= lat <= self.lat0 + 1 and self.lon0 <= lon <= self.lon0 + 1

    def _at(self, row: int, col: int) -> float | None:
        v = self.grid[row * self.n + col]
        return None if v == VOID else float(v)

    def height(self, lat: float, lon: float) -> float | None:
        """Bilinear height at a point (None over a void)."""
        y = (self.lat0 + 1 - lat) * (self.n - 1)
        x = (lon - self.lon0) * (self.n - 1)
        r, c = min(int(y), self.n - 2), min(int(x), self.n - 2)
        fy, fx_ = y - r, x - c
        q = [self._at(r, c), self._at(r, c + 1), self._at(r + 1, c), self._at(r + 1, c + 1)]
        if any(v is None for v in q):
            return None
        a, b, cc, d = (float(v) for v in q if v is not None)
        return a * (1 - fx_) * (1 - fy) + b * fx_ * (1 - fy) + cc * (1 - fx_) * fy + d * fx_ * fy


class Dem:
    """One or more tiles: ground height at a point, and the terrain profile between two points."""

    def __init__(self, paths: list[Path]) -> None:
        self.tiles = [HgtTile(p) for p in paths]
        self.label = ", ".join(p.name for p in paths)

    def height(self, lat: float, lon: float) -> float | None:
        tile = next((t for t in self.tiles if t.covers(lat, lon)), None)
        return tile.height(lat, lon) if tile else None

    def profile(
        self, lat1: float, lon1: float, lat2: float, lon2: float, step_km: float = 0.09
    ) -> list[tuple[float, float]]:
        """(distance from the first point in km, ground height) every `step_km`, ends excluded."""
        dist = fx.haversine_km(lat1, lon1, lat2, lon2)
        n = int(dist / step_km)
        out = []
        for i in range(1, n):
            t = i / n
            h = self.height(lat1 + (lat2 - lat1) * t, lon1 + (lon2 - lon1) * t)
            if h is not None:
                out.append((dist * t, h))
        return out


def load_dem(path: Path) -> Dem:
    """A .hgt file, or a folder of them."""
    if path.is_dir():
        tiles = sorted(path.glob("*.hgt"))
        if not tiles:
            raise CountynetError(f"no .hgt tiles in {path}", "put SRTM tiles (e.g. S01E037.hgt) there")
        return Dem(tiles)
    if not path.is_file():
        raise CountynetError(f"elevation file not found: {path}", "pass --dem FILE.hgt or a folder of tiles")
    if path.suffix.lower() in (".tif", ".tiff"):
        raise CountynetError("GeoTIFF needs GDAL/rasterio, which this install lacks", "convert it to SRTM .hgt tiles")
    return Dem([path])
