"""`countynet diff` plans the same with and without the plan cache: devices and their rendered
config diffs, addresses, radio, sites and findings, on a real git history of the shipped inventory."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from countynet.plancache import store
from countynet.review import compute_plan

ROOT = Path(__file__).resolve().parents[2]
SITE = """  - name: nyk-new-dispensary
    agency: Nanyuki New Dispensary
    kind: health-centre
    location: {lat: 0.0125, lon: 37.0740, elevation_m: 1950}
    connect: {fibre: nyk-hub}
"""


def git(top: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(top), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTYNET_CACHE_DIR", str(tmp_path / "cache"))
    top = tmp_path / "repo"
    shutil.copytree(ROOT / "inventory", top / "inventory", ignore=shutil.ignore_patterns("*.bak"))
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    return top / "inventory"


def plan(inv: Path, cached: bool, *args: Any, **kw: Any) -> dict[str, Any]:
    store.disable(not cached)
    try:
        got = compute_plan(inv, *args, **kw).as_dict()
    finally:
        store.disable(False)
    got.pop("seconds")
    return got


def add_site(inv: Path) -> None:
    from test_plancache import edit, refresh_lock

    edit(inv / "towns/nanyuki.yml", "sites:\n", "sites:\n" + SITE)
    refresh_lock(inv)


@pytest.mark.parametrize("full", [False, True])
def test_one_site_plan_is_the_same_cold_warm_and_without(repo: Path, full: bool) -> None:
    add_site(repo)  # the working tree against HEAD
    without = plan(repo, False, "HEAD", full=full)
    assert plan(repo, True, "HEAD", full=full) == without  # cold: every town computed alone
    assert plan(repo, True, "HEAD", full=full) == without  # warm: read back
    devices = {d["host"]: d for d in without["devices"]}
    assert devices["nyk-new-dispensary"]["status"] == "added" and "+" in devices["nyk-new-dispensary"]["diff"]
    assert without["summary"]["addresses_added"] > 0 and without["changed_towns"] == ["nanyuki"]


def test_committed_change_with_a_finding(repo: Path) -> None:
    from test_plancache import edit

    add_site(repo)
    edit(repo / "towns/webuye.yml", "asn: 65105", "asn: 65101")  # and a duplicate ASN: an error on the head
    git(repo.parent, "commit", "-qam", "change")
    without = plan(repo, False, "HEAD~1", "HEAD")
    errors = [f for f in without["findings"] if f["severity"] == "error"]
    assert [f["rule"] for f in errors] == ["CN105"]
    assert errors[0]["message"].endswith("already used by town 'thika' at inventory/towns/thika.yml:19:1")
    assert plan(repo, True, "HEAD~1", "HEAD") == without
    assert plan(repo, True, "HEAD~1", "HEAD") == without
