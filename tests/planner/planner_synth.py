"""A seeded generator of synthetic site lists around real Kenyan county HQ towns.

Sites cluster in a few neighbourhoods around the town centre (most within 6 km), with a ring
of outlying schools and dispensaries (6-12 km) and a few far villages (12-25 km). Ground height
is the town's base height plus a few smooth hills, so some sites stand on high points.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path

HQS = Path(__file__).resolve().parents[2] / "countynet" / "planner" / "kenya-county-hqs.csv"
KINDS = [
    ("primary-school", 30),
    ("secondary-school", 15),
    ("health-centre", 20),
    ("police-station", 6),
    ("registration-office", 4),
    ("agriculture-office", 4),
    ("water-office", 3),
    ("lands-office", 3),
    ("tsc-office", 3),
    ("huduma-centre", 2),
    ("law-courts", 2),
    ("hospital", 2),
    ("treasury", 2),
]


@dataclass
class Town:
    name: str
    county: str
    lat: float
    lon: float


def hq_towns() -> list[Town]:
    with HQS.open(encoding="utf-8") as fh:
        return [
            Town(r["hq_town"].lower().replace(" ", "-"), r["county"], float(r["lat"]), float(r["lon"]))
            for r in csv.DictReader(fh)
        ]


def offset(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    dlat = km * math.cos(math.radians(bearing)) / 111.32
    dlon = km * math.sin(math.radians(bearing)) / (111.32 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def generate(town: Town, n: int, seed: int, base_m: float = 1200.0) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    hills = [(rnd.uniform(0, 360), rnd.uniform(2, 9), rnd.uniform(40, 160), rnd.uniform(1.0, 2.5)) for _ in range(4)]

    def ground(lat: float, lon: float) -> float:
        h = base_m
        for b, d, top, w in hills:
            hl, ho = offset(town.lat, town.lon, b, d)
            dist = math.hypot((lat - hl) * 111.32, (lon - ho) * 111.32 * math.cos(math.radians(lat)))
            h += top * math.exp(-((dist / w) ** 2))
        return round(h, 1)

    hoods = [(rnd.uniform(0, 360), rnd.uniform(0.5, 4.5)) for _ in range(4)]
    kinds = [k for k, w in KINDS for _ in range(w)]
    rows: list[dict[str, object]] = []
    for i in range(n):
        r = rnd.random()
        if i < 2:
            lat, lon = offset(town.lat, town.lon, rnd.uniform(0, 360), rnd.uniform(0.02, 0.15))
            kind = ("sub-county-office", "county-office")[i]
        elif r < 0.7:
            b, d = rnd.choice(hoods)
            lat, lon = offset(town.lat, town.lon, b + rnd.gauss(0, 15), max(0.3, d + rnd.gauss(0, 0.8)))
            kind = rnd.choice(kinds)
        elif r < 0.92:
            lat, lon = offset(town.lat, town.lon, rnd.uniform(0, 360), rnd.uniform(6, 11))
            kind = rnd.choice(kinds)
        else:
            lat, lon = offset(town.lat, town.lon, rnd.uniform(0, 360), rnd.uniform(12, 25))
            kind = rnd.choice(("health-centre", "primary-school", "police-station"))
        rows.append(
            {
                "name": f"{kind.split('-')[0]}-{i:03d}",
                "agency": f"{town.name.title()} {kind.replace('-', ' ')} {i}",
                "kind": kind,
                "lat": round(lat, 5),
                "lon": round(lon, 5),
                "elevation_m": ground(lat, lon),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def write_stub(inv: Path, town: Town, ground_m: float, pop: str) -> Path:
    path = inv / "towns" / f"{town.name}.yml"
    path.write_text(
        f"# {town.name.title()}: stub for `countynet plan town`\n"
        f"name: {town.name}\ncounty: {town.county}\n"
        f"location: {{lat: {town.lat}, lon: {town.lon}, elevation_m: {ground_m}}}\n"
        f"nofbi_pop: {pop}\n"
        f"hub:\n  name: {town.name[:3]}-hub\n  location: {{lat: {town.lat}, lon: {town.lon}, elevation_m: {ground_m}}}\n"
    )
    return path
