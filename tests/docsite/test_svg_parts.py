"""The drawing pieces on their own: beam wedges, highlighting, the margin histogram."""

from __future__ import annotations

import re

from countynet.docsite.highlight import highlight
from countynet.docsite.mapsvg import _wedge
from countynet.docsite.plots import margin_histogram


def test_a_beam_wedge_points_along_its_azimuth() -> None:
    # east (90 degrees), 60 degrees wide, radius 100 from (0, 0): edges at bearings 60 and 120, drawn clockwise
    d = _wedge(0, 0, 100, 90, 60)
    assert d == "M0,0L86.6,-50A100,100 0 0,1 86.6,50Z"
    assert _wedge(0, 0, 10, 0, 360).count("a10,10") == 2  # an omni antenna is a full circle


def test_configs_are_highlighted_without_losing_a_character() -> None:
    text = (
        '/ip address\nadd address=10.96.9.1/25 interface=lan-staff comment="staff LAN"\n# countynet\n'
        "router bgp 65101\n neighbor 10.254.0.0 remote-as 37061\n password {{secret:env:X}}\n"
    )
    html = highlight(text, "#")
    assert re.sub(r"<[^>]+>", "", html).replace("&quot;", '"') == text.rstrip("\n")
    assert '<span class="w">/ip address</span>' in html and '<span class="k">address</span>=' in html
    assert '<span class="a">10.96.9.1/25</span>' in html and '<span class="c"># countynet</span>' in html
    assert '<span class="s">{{secret:env:X}}</span>' in html and '<span class="n">65101</span>' in html


def test_margin_histogram_counts_every_hop_and_marks_both_limits() -> None:
    svg = margin_histogram("t", [9.0, 12.5, 16.0, 16.5, 30.0], 10.0, 15.0)
    counts = [int(c) for c in re.findall(r"<title>[-0-9]+-[-0-9]+ dB: (\d+) hop\(s\)</title>", svg)]
    assert sum(counts) == 5
    assert "error 10 dB" in svg and "warning 15 dB" in svg
    assert "1 below the 10 dB error level" in svg and "2 below the 15 dB warning level" in svg
