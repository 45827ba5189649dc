"""The work-order job: check the options, build the orders, write one file per site (and one per town)."""

from __future__ import annotations

from pathlib import Path

from countynet.accept.workorder import WorkOrder, work_orders
from countynet.accept.workorder_render import to_html, to_markdown
from countynet.errors import CountynetError


def write_work_orders(root: Path, town: str, site: str | None, out: Path, fmt: str) -> list[Path]:
    from countynet.model import open_model

    if fmt not in ("md", "html"):
        raise CountynetError(f"unknown format '{fmt}'", "use --format md or --format html")
    prep = open_model(root)
    t = prep.inv.town(town)
    if t is None:
        known = ", ".join(sorted(x.name for x in prep.inv.towns))
        raise CountynetError(f"unknown town '{town}'", f"towns: {known}")
    if site is not None and site not in {s.name for s in t.sites}:
        raise CountynetError(f"no agency site '{site}' in {town}", "see the sites in towns/" + town + ".yml")
    orders = work_orders(prep, town, site)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for wo in orders:
        path = out / f"{wo.site}.{fmt}"
        text = to_markdown(wo) if fmt == "md" else to_html([wo], f"Work order {wo.site}")
        path.write_text(text)
        written.append(path)
    if site is None:  # the whole town in one file too: print it in one go, or hand out the index
        book = out / (f"{town}-work-orders.html" if fmt == "html" else f"{town}-index.md")
        book.write_text(to_html(orders, f"Work orders {town}") if fmt == "html" else _index(town, orders))
        written.append(book)
    return written


def _index(town: str, orders: list[WorkOrder]) -> str:
    lines = [
        f"# Work orders: {town}",
        "",
        "| site | agency | connection | azimuth | elevation |",
        "|---|---|---|---:|---:|",
    ]
    for wo in orders:
        r = wo.radio
        az, el = (f"{r.azimuth_deg:.1f}", f"{r.elevation_deg:+.2f}") if r else ("-", "-")
        lines.append(f"| [{wo.site}]({wo.site}.md) | {wo.agency} | {wo.connect} | {az} | {el} |")
    return "\n".join(lines) + "\n"
