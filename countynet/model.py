"""The one typed model of an inventory: loaded once, then validated, allocated, radio-planned and
turned into intents lazily, each step at most once.

`load_model` is the only place that reads an inventory folder. Every command, job, the Nornir and
Ansible plugins and `diff` get their `Model` from it; within one process a second call for an
unchanged folder returns the same object, so a job that starts Nornir does not load twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countynet.errors import CountynetError
from countynet.findings import Finding
from countynet.inventory import limits
from countynet.inventory.loader import LOCK_FILE, NETWORK_FILE, NOFBI_FILE, TOWNS_DIR, Inventory, gc_paused, load
from countynet.inventory.topology import Topology, build

if TYPE_CHECKING:
    from countynet.allocate.allocator import Allocation
    from countynet.checks.engine import Report
    from countynet.deploy.order import Target
    from countynet.radio.plan import RadioPlan

Intent = dict[str, Any]


class InventoryLoadError(CountynetError):
    """The inventory cannot be loaded at all (schema or YAML errors); `findings` says where."""

    def __init__(self, findings: list[Finding]) -> None:
        first = findings[0].format() if findings else "unknown problem"
        super().__init__(
            f"the inventory cannot be loaded ({len(findings)} problem(s)); first: {first}",
            "run `countynet validate` and fix them",
        )
        self.findings = findings


@dataclass(eq=False)
class Model:
    """An inventory and everything derived from it; derived steps run on first use, once."""

    root: Path
    inv: Inventory
    load_findings: list[Finding] = field(default_factory=list)
    _intents: dict[str | None, dict[str, Intent]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def topo(self) -> Topology:
        return build(self.inv)

    @cached_property
    def alloc(self) -> Allocation:
        from countynet.allocate.allocator import allocate

        return allocate(self.inv, self.topo)

    @cached_property
    def radio(self) -> RadioPlan:
        from countynet.radio.plan import plan_radio

        return plan_radio(self.inv, self.topo)

    @cached_property
    def carried(self) -> dict[str, float]:
        """Busy-hour demand each segment and station hop carries (countynet.inventory.demand)."""
        from countynet.inventory.demand import carried_mbps

        return carried_mbps(self.inv.network, self.topo)

    @cached_property
    def report(self) -> Report:
        """Every model rule over this model (the `validate` step)."""
        from countynet.checks.engine import run_rules

        return run_rules(self)

    def require_valid(self) -> Model:
        """Self, or a one-line error naming the first error finding (a stale lock is one)."""
        rep = self.report
        if rep.errors:
            first = next((f.format() for f in rep.findings if f.severity == "error"), "")
            raise CountynetError(
                f"the inventory has {rep.errors} error(s); first: {first}", "run `countynet validate` and fix them"
            )
        return self

    # ------------------------------------------------------------------ selections
    def town_names(self) -> list[str]:
        return [t.name for t in self.inv.towns]

    def select(
        self,
        towns: Iterable[str] | None = None,
        sites: Iterable[str] | None = None,
        hosts: Iterable[str] | None = None,
        limit: str | None = None,
    ) -> set[str]:
        """Devices chosen by the selectors every command shares (all devices when none is given)."""
        from countynet.selectors import select

        return select(self, towns, sites, hosts, limit)

    def targets(self, devices: Iterable[str]) -> list[Target]:
        from countynet.deploy.order import Target

        topo = self.topo
        return [Target(d, topo.devices[d].town, topo.depth.get(d, 0)) for d in sorted(devices)]

    def platform_of(self, device: str) -> str:
        return self.topo.devices[device].platform

    # ------------------------------------------------------------------ intents
    def intents(self, hosts: Iterable[str] | None = None, platform_override: str | None = None) -> dict[str, Intent]:
        """Intents of `hosts` (default: every device), computed once per device and platform override."""
        from countynet.intent.build import build_intents

        if platform_override is not None:
            from countynet import platforms

            try:
                platforms.get(platform_override)
            except KeyError as exc:
                raise CountynetError(
                    str(exc.args[0]), "use one of the platforms `countynet render --help` lists"
                ) from None
        wanted = sorted(self.topo.devices) if hosts is None else sorted(set(hosts))
        unknown = [h for h in wanted if h not in self.topo.devices]
        if unknown:
            raise CountynetError(f"unknown device(s): {', '.join(unknown)}", "check the names in inventory/towns/")
        with self._lock:
            cache = self._intents.setdefault(platform_override, {})
            missing = [h for h in wanted if h not in cache]
            if missing:
                with gc_paused():
                    cache.update(build_intents(self.inv, self.topo, self.alloc, self.radio, platform_override, missing))
            return {h: cache[h] for h in wanted}

    def health_prefixes(self, devices: Iterable[str]) -> dict[str, list[str]]:
        """Shared-service prefixes each device should route (what its town's PoP carries)."""
        from countynet.allocate.addressing import handoff

        net = self.inv.network
        out: dict[str, list[str]] = {}
        for d in devices:
            h = handoff(self.inv, self.topo.devices[d].town)
            carried = h.pop.services if h else []
            out[d] = sorted(str(p) for s in carried if s in net.services for p in net.services[s].prefixes)
        return out


# ---------------------------------------------------------------------- loading
_CACHE: dict[tuple[str, tuple[tuple[str, int, int], ...], limits.Limits], Model] = {}
_CACHE_LOCK = threading.Lock()


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """What the model depends on: name, size and mtime of every inventory file."""
    files = [root / NETWORK_FILE, root / NOFBI_FILE, root / LOCK_FILE]
    towns = root / TOWNS_DIR
    if towns.is_dir():
        files += sorted(towns.glob("*.y*ml"))
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(out)


def load_model(root: Path | str, cached: bool = True) -> Model:
    """The model of inventory folder `root` (the one place an inventory is read).

    Raises InventoryLoadError (with the findings) when the files cannot be loaded at all.
    """
    root = Path(root)
    key = (str(root.resolve()), _fingerprint(root), limits.current())  # a smaller budget must load again
    if cached:
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None:
            return hit
    result = load(root)
    if result.inventory is None:
        raise InventoryLoadError(result.findings)
    model = Model(root, result.inventory, list(result.findings))
    if cached:
        with _CACHE_LOCK:
            _CACHE.clear()  # one inventory per process at a time: keep memory flat
            _CACHE[key] = model
    return model


def open_model(root: Path | str) -> Model:
    """A model that passed validation: what every job that renders or acts starts from."""
    return load_model(root).require_valid()
