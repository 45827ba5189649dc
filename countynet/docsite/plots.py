"""Small SVG plots drawn in Python (no plotting library): where a trend says more than a number."""

from __future__ import annotations

import math
import time

from countynet.docsite.svg import MARGIN_COLOUR, STATE_COLOUR, esc, margin_band, n, open_svg

PW, PH = 640, 240
L, R, T, B = 48, 16, 16, 40  # plot margins


def margin_histogram(town: str, margins: list[float], error_db: float, warning_db: float) -> str:
    """Fade margins of a town's hops in 2 dB bins, bars coloured by band, the two limits marked."""
    klass = f"margins-{town}"
    title = f"Fade margin distribution, {town}"
    if not margins:
        return f'<p class="empty">{esc(town)} has no radio hops.</p>'
    lo = 2 * math.floor(min(min(margins), error_db) / 2)
    hi = 2 * math.ceil(max(max(margins), warning_db) / 2 + 0.01)
    bins = [0] * max((hi - lo) // 2, 1)
    for m in margins:
        bins[min(int((m - lo) // 2), len(bins) - 1)] += 1
    top = max(bins)
    desc = (
        f"{len(margins)} hops; lowest {min(margins):.1f} dB, median {sorted(margins)[len(margins) // 2]:.1f} dB, "
        f"highest {max(margins):.1f} dB; {sum(m < warning_db for m in margins)} below the {warning_db:g} dB warning level, "
        f"{sum(m < error_db for m in margins)} below the {error_db:g} dB error level."
    )
    out = open_svg(PW, PH, title, desc, f"plot {klass}")
    bw = (PW - L - R) / len(bins)

    def x_of(db: float) -> float:
        return L + (db - lo) / 2 * bw

    for i, count in enumerate(bins):
        h = (PH - T - B) * count / top
        band = margin_band(lo + 2 * i + 1, error_db, warning_db)
        out.append(
            f'<rect x="{n(L + i * bw + 1)}" y="{n(PH - B - h)}" width="{n(bw - 2)}" height="{n(h)}" '
            f'fill="{MARGIN_COLOUR[band]}"><title>{lo + 2 * i}-{lo + 2 * i + 2} dB: {count} hop(s)</title></rect>'
        )
    for i in range(0, len(bins) + 1, max(1, len(bins) // 10)):
        out.append(f'<text class="tick" x="{n(L + i * bw)}" y="{PH - B + 14}">{lo + 2 * i}</text>')
    for db, word in ((error_db, "error"), (warning_db, "warning")):
        out.append(
            f'<line class="limit" x1="{n(x_of(db))}" y1="{T}" x2="{n(x_of(db))}" y2="{PH - B}"/>'
            f'<text class="tick" x="{n(x_of(db) + 3)}" y="{T + 10}">{word} {db:g} dB</text>'
        )
    out += _axes(f"fade margin (dB), {len(margins)} hops", f"hops (max {top})")
    out.append("</svg>")
    return "\n".join(out)


def _axes(xlabel: str, ylabel: str) -> list[str]:
    return [
        f'<line class="axis" x1="{L}" y1="{PH - B}" x2="{PW - R}" y2="{PH - B}"/>',
        f'<line class="axis" x1="{L}" y1="{T}" x2="{L}" y2="{PH - B}"/>',
        f'<text class="axis-label" x="{(L + PW - R) // 2}" y="{PH - 6}" text-anchor="middle">{esc(xlabel)}</text>',
        f'<text class="axis-label" x="12" y="{(T + PH - B) // 2}" transform="rotate(-90 12 {(T + PH - B) // 2})"'
        f' text-anchor="middle">{esc(ylabel)}</text>',
    ]


def utc(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts))


def progress_chart(target: str, points: list[tuple[float, dict[str, int]]], total: int) -> str:
    """Sites deployed, verified and failed after each run and verify of one target (step lines)."""
    klass = f"progress-{target}"
    if not points:
        return f'<p class="empty">No {esc(target)} runs yet.</p>'
    last = points[-1][1]
    desc = (
        f"{len(points)} runs and verifies from {utc(points[0][0])} to {utc(points[-1][0])}; "
        f"now {last['verified'] + last['accepted']} of {total} sites verified, {last['failed']} failed."
    )
    out = open_svg(PW, PH, f"Rollout progress over time ({target})", desc, f"plot {klass}")
    t0, t1 = points[0][0], max(points[-1][0], points[0][0] + 1)

    def xy(ts: float, v: int) -> tuple[float, float]:
        return L + (ts - t0) / (t1 - t0) * (PW - L - R), PH - B - v / max(total, 1) * (PH - T - B)

    series = {
        "deployed": lambda c: c["deployed"] + c["verified"] + c["accepted"],
        "verified": lambda c: c["verified"] + c["accepted"],
        "failed": lambda c: c["failed"],
    }
    for k, name in enumerate(series):
        lx = PW - R - 90 * (len(series) - k)
        out.append(
            f'<rect x="{lx}" y="{T}" width="12" height="4" fill="{STATE_COLOUR[name]}"/>'
            f'<text class="tick" x="{lx + 16}" y="{T + 6}">{name}</text>'
        )
    for name, value in series.items():
        d, prev = [], None
        for ts, counts in points:
            x, y = xy(ts, value(counts))
            d.append(f"{'M' if prev is None else 'H'}{n(x)}" + ("" if prev is None else f"V{n(y)}"))
            if prev is None:
                d[-1] += f",{n(y)}"
            prev = y
        d.append(f"H{PW - R}")
        colour = STATE_COLOUR[name]
        out.append(f'<path class="series" d="{"".join(d)}" stroke="{colour}" fill="none"><title>{name}</title></path>')
    out.append(f'<text class="tick" x="{L}" y="{PH - B + 14}">{esc(utc(t0))}</text>')
    out.append(f'<text class="tick" x="{PW - R}" y="{PH - B + 14}" text-anchor="end">{esc(utc(t1))}</text>')
    out.append(f'<text class="tick" x="{L - 4}" y="{T + 8}" text-anchor="end">{total}</text>')
    out += _axes("time (UTC)", "sites")
    out.append("</svg>")
    return "\n".join(out)
