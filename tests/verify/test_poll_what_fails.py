"""Waiting for convergence looks again only at what still fails; the report keeps every check once."""

from __future__ import annotations

from typing import Any

import pytest

from countynet.verify import runner
from countynet.verify.expect import DeviceExpect, SiteExpect
from countynet.verify.results import Check


def test_only_failing_devices_and_sites_are_collected_again(monkeypatch: pytest.MonkeyPatch) -> None:
    devices = [DeviceExpect(n, "mwingi", "agency", "frr") for n in ("b-dev", "a-dev")]
    sites = [SiteExpect(n, "mwingi", f"{n}-lan", "10.0.0.1") for n in ("s1", "s2")]
    asked_dev: list[tuple[str, ...]] = []
    asked_site: list[tuple[str, ...]] = []  # collection and probes run side by side: kept apart
    up_after = {"a-dev": 1, "b-dev": 3, "s1": 1, "s2": 2}  # attempt at which each one is up

    def dev_checks(_nr: Any, todo: list[DeviceExpect]) -> list[Check]:
        asked_dev.append(tuple(d.device for d in todo))
        attempt = len(asked_dev)
        return [Check("mwingi", d.device, "bgp", "peer", "ok" if attempt >= up_after[d.device] else "fail")
                for d in todo]  # fmt: skip

    def site_checks(todo: list[SiteExpect], _lab: Any) -> list[Check]:
        asked_site.append(tuple(s.site for s in todo))
        attempt = len(asked_site)
        return [Check("mwingi", s.site, "ping", "gw", "ok" if attempt >= up_after[s.site] else "fail", site=s.site)
                for s in todo]  # fmt: skip

    monkeypatch.setattr(runner, "_device_checks", dev_checks)
    monkeypatch.setattr(runner, "_site_checks", site_checks)
    monkeypatch.setattr(runner.time, "sleep", lambda _s: None)
    report = runner.verify(None, devices, sites, lab=object(), wait=60)  # type: ignore[arg-type]
    assert report.ok and report.attempts == 3
    assert asked_dev == [("b-dev", "a-dev"), ("b-dev",), ("b-dev",)]
    assert asked_site == [("s1", "s2"), ("s2",), ()]
    assert [(c.device, c.status) for c in report.checks] == [("a-dev", "ok"), ("b-dev", "ok"), ("s1", "ok"),
                                                             ("s2", "ok")]  # fmt: skip


def test_a_check_still_failing_at_the_deadline_is_reported_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    devices = [DeviceExpect("a-dev", "mwingi", "agency", "frr")]
    monkeypatch.setattr(runner, "_device_checks", lambda _nr, todo: [Check("mwingi", d.device, "bgp", "p") for d in todo])
    monkeypatch.setattr(runner, "_site_checks", lambda todo, _lab: [])
    report = runner.verify(None, devices, [], wait=0)  # type: ignore[arg-type]
    assert not report.ok and [c.status for c in report.checks] == ["fail"]


def _loss_run(monkeypatch: pytest.MonkeyPatch, lossy_after_convergence: bool) -> tuple[Any, list[tuple[str, ...]]]:
    """s1 answers in the first pass with a lossy sample while a device is still converging."""
    devices = [DeviceExpect("a-dev", "mwingi", "agency", "frr")]
    sites = [SiteExpect("s1", "mwingi", "s1-lan", "10.0.0.1")]
    asked_dev: list[int] = []
    asked_site: list[tuple[str, ...]] = []

    def dev_checks(_nr: Any, todo: list[DeviceExpect]) -> list[Check]:
        asked_dev.append(1)
        return [Check("mwingi", d.device, "route", "p", "ok" if len(asked_dev) >= 2 else "fail") for d in todo]

    def site_checks(todo: list[SiteExpect], _lab: Any) -> list[Check]:
        asked_site.append(tuple(s.site for s in todo))
        lossy = len(asked_site) == 1 or lossy_after_convergence
        return [c for s in todo for c in (Check("mwingi", s.site, "ping", "gw", "ok", site=s.site),
                Check("mwingi", s.site, "latency", "gw", "fail" if lossy else "ok", site=s.site))]  # fmt: skip

    monkeypatch.setattr(runner, "_device_checks", dev_checks)
    monkeypatch.setattr(runner, "_site_checks", site_checks)
    monkeypatch.setattr(runner.time, "sleep", lambda _s: None)
    return runner.verify(None, devices, sites, lab=object(), wait=60), asked_site  # type: ignore[arg-type]


def test_loss_sampled_while_another_part_converged_is_sampled_again_once(monkeypatch: pytest.MonkeyPatch) -> None:
    report, asked = _loss_run(monkeypatch, lossy_after_convergence=False)
    assert asked == [("s1",), (), ("s1",)]  # not in the second pass (reachable), once after convergence
    assert report.ok and report.attempts == 2


def test_a_lossy_link_still_fails_after_its_one_new_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    report, asked = _loss_run(monkeypatch, lossy_after_convergence=True)
    assert asked == [("s1",), (), ("s1",)]  # judged on one more sample, never retried until lucky
    assert not report.ok and [c.kind for c in report.failed] == ["latency"]
