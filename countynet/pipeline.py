"""The pipeline steps composed for commands: validate -> allocate -> radio -> intent/render ->
lab -> deploy -> verify. Each function is one step over the previous step's output."""

from __future__ import annotations

import logging
import secrets as pysecrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nornir import InitNornir
from nornir.core import Nornir

from countynet.checks.engine import Context, Report, validate
from countynet.deploy.order import Target
from countynet.errors import CountynetError
from countynet.intent.secrets import chain, env_resolver, redactor, resolve_secrets, secret_values
from countynet.inventory.addressing import handoff
from countynet.render.renderer import render_all


@dataclass
class Prepared:
    root: Path
    report: Report

    @property
    def ctx(self) -> Context:
        assert self.report.context is not None
        return self.report.context


def prepare(root: Path | str) -> Prepared:
    """Validate; refuse to go on with errors (a stale lock is one: run `countynet allocate`)."""
    report = validate(root)
    if report.context is None or report.errors:
        first = next((f.format() for f in report.findings if f.severity == "error"), "")
        raise CountynetError(
            f"the inventory has {report.errors} error(s); first: {first}", "run `countynet validate` and fix them"
        )
    return Prepared(Path(root), report)


def select(prep: Prepared, towns: list[str] | None = None, sites: list[str] | None = None) -> set[str]:
    from countynet.lab.from_inventory import select_devices

    return select_devices(prep.ctx.inv, prep.ctx.topo, towns, sites)


def targets(prep: Prepared, devices: set[str]) -> list[Target]:
    topo = prep.ctx.topo
    return [Target(d, topo.devices[d].town, topo.depth.get(d, 0)) for d in sorted(devices)]


def configs(prep: Prepared, devices: set[str], platform_override: str | None = None) -> dict[str, str]:
    c = prep.ctx
    return render_all(c.inv, c.topo, c.alloc, c.radio, platform_override=platform_override, hosts=devices)


def lab_secret_resolver(lab_dir: Path) -> Callable[[str, str], str]:
    """Secrets the environment does not give are generated once per lab (kept 0600 in its state dir)."""
    store = lab_dir / "secrets"

    def resolve(scheme: str, name: str) -> str:
        store.mkdir(mode=0o700, exist_ok=True)
        path = store / f"{scheme}-{name.replace('/', '_')}"
        if not path.exists():
            path.write_text(pysecrets.token_urlsafe(18))
            path.chmod(0o600)
        return path.read_text().strip()

    return resolve


def payloads(texts: dict[str, str], lab_dir: Path | None = None) -> tuple[dict[str, str], Callable[[str], str]]:
    """Deploy payloads with real secrets, and a redactor for everything logged or reported."""
    resolver = env_resolver() if lab_dir is None else chain(env_resolver(), lab_secret_resolver(lab_dir))
    out = {h: resolve_secrets(t, resolver) for h, t in texts.items()}
    values: set[str] = set()
    for t in texts.values():
        values.update(secret_values(t, resolver))
    return out, redactor(values)


def health_prefixes(prep: Prepared, devices: set[str]) -> dict[str, list[str]]:
    """Shared-service prefixes each device should route (what its town's PoP carries)."""
    c = prep.ctx
    out: dict[str, list[str]] = {}
    for d in devices:
        town = c.topo.devices[d].town
        h = handoff(c.inv, town)
        carried = h.pop.services if h else []
        out[d] = sorted(
            str(p) for s in carried if s in c.inv.network.services for p in c.inv.network.services[s].prefixes
        )
    return out


def nornir(prep: Prepared, lab_inventory: Path | None, devices: set[str], workers: int = 10) -> Nornir:
    # Failed tasks are reported in our own results; Nornir's logger would print tracebacks.
    log = logging.getLogger("nornir")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": workers}},
        inventory={
            "plugin": "CountynetInventory",
            "options": {
                "inventory_dir": str(prep.root),
                "lab_inventory": str(lab_inventory) if lab_inventory else None,
            },
        },
        logging={"enabled": False},
    )
    missing = devices - set(nr.inventory.hosts)
    if missing:
        raise CountynetError(
            f"{len(missing)} device(s) are not in the target, e.g. {sorted(missing)[0]}",
            "bring them into the lab (`countynet lab up`) or narrow --town/--site",
        )
    return nr.filter(filter_func=lambda h: h.name in devices)


def lab_for(name: str) -> Any:
    from countynet.lab import Lab

    return Lab.load(name)
