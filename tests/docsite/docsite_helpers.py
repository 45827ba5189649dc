"""Helpers for the docs-site tests: the shipped inventory, a state folder filled through the real writers, page parsing."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from countynet.model import Model as Context
from countynet.verify.results import Check, VerifyReport

INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


class State:
    """Writes deploy journals and verify results the way `countynet deploy/verify` do."""

    def __init__(self, root: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.ctx = root, ctx
        self.runs = 0
        monkeypatch.setenv("COUNTYNET_STATE", str(root))

    def deploy(self, target: str, failed: dict[str, str] | None = None, devices: list[str] | None = None) -> str:
        from countynet.deploy.journal import Journal, new_run_id

        failed = failed or {}
        names = sorted(devices or self.ctx.topo.devices)
        self.runs += 1  # run ids are per second and pid: two runs in one second would share a journal
        j = Journal.create(f"{new_run_id()}-{self.runs}")
        j.start(mode="commit", devices=names, options={}, target=target)
        for d in names:
            status = "reverted" if d in failed else "changed"
            j.write("device", device=d, status=status, diff="+ hostname x", error=failed.get(d, ""), seconds=1.0)
        j.write("end", counts={}, stopped=None)
        return j.run_id

    def verify(self, target: str, bad_sites: dict[str, str] | None = None) -> None:
        from countynet.jobs.progress_store import record_verify

        bad_sites = bad_sites or {}
        checks = []
        for site, (town, _s) in sorted(self.ctx.topo.sites.items()):
            status = "fail" if site in bad_sites else "ok"
            checks.append(
                Check(town.name, site, "tcp", "ifmis 10.250.10.10:443", status, bad_sites.get(site, ""), site)
            )
        for name, dev in sorted(self.ctx.topo.devices.items()):
            if dev.role != "agency":
                checks.append(Check(dev.town, name, "ospf", "neighbours", "ok", "", None))
        record_verify(target, VerifyReport(checks, 12.0))


def kinds(svg: str, kind: str) -> list[str]:
    """Names of the map elements of one kind (tower, sector, hop, site, hub, pop)."""
    return [html.unescape(x) for x in re.findall(rf'data-kind="{kind}" data-name="([^"]+)"', svg)]


def site_state(page: str, site: str) -> str:
    m = re.search(rf'data-kind="site" data-name="{re.escape(site)}" data-state="([a-z]+)"', page)
    assert m, site
    return m.group(1)
