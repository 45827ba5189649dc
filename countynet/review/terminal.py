"""The plan in a terminal: summary counts, loud address moves, then one colored diff per device."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from countynet.review.plan import Plan

STYLES = {"+": "green", "-": "red", "@": "cyan"}


def print_plan(plan: Plan, console: Console) -> None:
    s = plan.summary()
    base = f"{plan.base} ({plan.base_commit[:10]})"
    head = plan.head if plan.head_commit is None else f"{plan.head} ({plan.head_commit[:10]})"
    console.print(Text.assemble(("plan ", "bold"), base, " -> ", head, f"  [{plan.mode}, {plan.seconds:.1f} s]"))
    t = Table(box=None, show_header=True, header_style="bold")
    for col in ("", "added", "removed", "changed"):
        t.add_column(col, justify="left" if not col else "right")
    t.add_row("devices", str(s["devices_added"]), str(s["devices_removed"]), str(s["devices_changed"]))
    t.add_row("addresses", str(s["addresses_added"]), str(s["addresses_removed"]), f"{s['addresses_moved']} moved")
    t.add_row("radio links", str(s["links_added"]), str(s["links_removed"]), str(s["links_changed"]))
    t.add_row("sites", str(s["sites_added"]), str(s["sites_removed"]), "")
    console.print(t)
    for n in plan.notes:
        console.print(Text("note: " + n, style="yellow"))
    if plan.moved:
        console.print(Text(f"WARNING: {len(plan.moved)} EXISTING ADDRESSES MOVE", style="bold white on red"))
        for a in plan.moved:
            console.print(Text(f"  {a.town} {a.category} {a.key}: {a.old} -> {a.new}", style="bold red"))
    for t_name, site in plan.sites_added:
        console.print(Text(f"+ site {site} ({t_name})", style="green"))
    for t_name, site in plan.sites_removed:
        console.print(Text(f"- site {site} ({t_name})", style="red"))
    for r in plan.radio:
        what = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in r.changes.items()) if r.status == "changed" else ""
        console.print(Text(f"radio {r.status} {r.name} ({r.town}) margin {r.margin_db} dB {what}".rstrip()))
    for a in plan.allocations:
        if a.status != "moved":
            console.print(Text(f"address {a.status} {a.town} {a.category} {a.key} {a.old or a.new}"))
    for c in plan.devices:
        console.rule(Text(f"{c.host}  {c.status}  +{c.added} -{c.removed}", style="bold"), align="left")
        for line in c.diff:
            console.print(Text(line, style=STYLES.get(line[:1], "")), soft_wrap=True)
    for f in plan.findings:
        console.print(Text(f.format(), style="red" if f.severity == "error" else "yellow"), soft_wrap=True)
    verdict = ("head has errors", "bold red") if plan.errors else ("checks pass", "bold green")
    console.print(
        Text.assemble(verdict, f": {plan.errors} errors, {plan.warnings} warnings; towns to verify: "),
        Text(", ".join(plan.changed_towns) or "none"),
    )
