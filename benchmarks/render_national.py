"""Benchmark: a synthetic national-scale inventory through load, allocate, intent and render.

Not a test. Writes 57 towns (~7,000 devices) in the real YAML format to a temporary folder,
times each step, and times plain single-template Jinja2 rendering of the same host count in
the same run for comparison (target: intent + render within 3x of plain Jinja2).

    python benchmarks/render_national.py [--towns 57] [--base-stations 18] [--sites 105]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import jinja2

from countynet.allocate.allocator import allocate
from countynet.intent import build_intents
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.render import render_intents
from countynet.render.environment import TEMPLATES
from countynet.render.filters import FILTERS

MINI = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "mini"
KINDS = ["health-centre", "primary-school", "police-station", "treasury", "water-office"]

PLAIN = jinja2.Template(
    "hostname {{ i.hostname }}\n{% for f in i.interfaces %}interface {{ f.name }}\n ip address {{ f.address }}\n"
    "{% endfor %}router ospf\n ospf router-id {{ i.router_id }}\n"
)


def write_inventory(root: Path, towns: int, base_stations: int, sites: int) -> None:
    (root / "towns").mkdir(parents=True)
    shutil.copy(MINI / "network.yml", root / "network.yml")
    handoffs = []
    for t in range(towns):
        name = f"town{t:02d}"
        handoffs.append(f"      - {{town: {name}, prefix: 10.254.{t // 64}.{(t % 64) * 4}/31}}")
        lat, lon = -4.0 + (t % 8) * 0.9, 34.5 + (t // 8) * 0.8
        lines = [
            f"name: {name}",
            "county: Synthetic",
            f"location: {{lat: {lat}, lon: {lon}, elevation_m: 1200}}",
            f"asn: {65000 + t}",
            "nofbi_pop: nofbi-national",
            f"aggregate: 10.{96 + t // 8}.{(t % 8) * 32}.0/19",
            f"management: 172.28.{t}.0/24",
            "wireless: {security: wpa2-psk, psk: {env: COUNTYNET_WIFI_PSK}}",
            "hub:",
            f"  name: {name}-hub",
            f"  location: {{lat: {lat}, lon: {lon}, elevation_m: 1200}}",
            "base_stations:",
        ]
        for b in range(base_stations):
            lines += [
                f"  - name: {name}-bs{b}",
                f"    location: {{lat: {lat + 0.01 * (b + 1)}, lon: {lon}, elevation_m: 1200}}",
                f"    uplink: {{fibre: {name}-hub}}",
                "    sectors:",
            ]
            for s, az in enumerate((0, 120, 240)):
                f = 5745 + 20 * s
                lines.append(
                    f"      - {{name: s{s}, radio_model: sector-19-120, azimuth_deg: {az}, frequency_mhz: {f},"
                    " tx_power_dbm: 12, height_m: 28}"
                )
        lines.append("sites:")
        for i in range(sites):
            b, s = i % base_stations, (i // base_stations) % 3
            lines += [
                f"  - name: {name}-site{i}",
                f"    agency: Site {i}",
                f"    kind: {KINDS[i % len(KINDS)]}",
                f"    location: {{lat: {lat + 0.01 * (b + 1) + 0.002}, lon: {lon + 0.002}, elevation_m: 1200}}",
                f"    connect: {{sector: {name}-bs{b}/s{s}}}",
            ]
        (root / "towns" / f"{name}.yml").write_text("\n".join(lines) + "\n")
    (root / "nofbi.yml").write_text(
        "pops:\n  - name: nofbi-national\n    asn: 37061\n    location: {lat: -1.28, lon: 36.82, elevation_m: 1700}\n"
        "    services: [ifmis, hrmis, tsc, iprs, ecitizen]\n    handoffs:\n" + "\n".join(handoffs) + "\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=57)
    ap.add_argument("--base-stations", type=int, default=18)
    ap.add_argument("--sites", type=int, default=105)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="countynet-bench-") as tmp:
        root = Path(tmp) / "inventory"
        write_inventory(root, args.towns, args.base_stations, args.sites)
        t0 = time.perf_counter()
        result = load(root)
        inv = result.inventory
        assert inv is not None, [f.format() for f in result.findings[:3]]
        topo = build(inv)
        t1 = time.perf_counter()
        alloc = allocate(inv, topo)
        t2 = time.perf_counter()
        intents = build_intents(inv, topo, alloc)
        t3 = time.perf_counter()
        texts = render_intents(intents)
        t4 = time.perf_counter()
        for i in intents.values():
            PLAIN.render(i=i)
        t5 = time.perf_counter()
        # same output size: a default Environment (no StrictUndefined, no trim) on one flattened template
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)))
        env.filters.update(FILTERS)
        full = env.get_template("routeros/agency.j2")
        for i in intents.values():
            full.render(i=i, header="")
        t6 = time.perf_counter()
    sites = sum(len(t.sites) for t in inv.towns)
    size = sum(len(t) for t in texts.values())
    print(f"{len(inv.towns)} towns, {sites} agency sites, {len(topo.devices)} devices, {size / 1e6:.1f} MB rendered")
    print(f"load + model build     {t1 - t0:7.2f} s")
    print(f"allocate               {t2 - t1:7.2f} s")
    print(f"intent                 {t3 - t2:7.2f} s")
    print(f"render (templates)     {t4 - t3:7.2f} s")
    print(f"intent + render        {t4 - t2:7.2f} s")
    print(f"plain Jinja2, 1 tpl    {t5 - t4:7.2f} s   (same {len(intents)} hosts)")
    print(f"plain Jinja2, full cfg {t6 - t5:7.2f} s   (one RouterOS agency template, default Environment)")
    print(f"ratio vs minimal plain:  intent+render {(t4 - t2) / (t5 - t4):.1f}x, render {(t4 - t3) / (t5 - t4):.1f}x")
    print(f"ratio vs full-size plain: intent+render {(t4 - t2) / (t6 - t5):.1f}x, render {(t4 - t3) / (t6 - t5):.1f}x")


if __name__ == "__main__":
    main()
