"""The plan cache gives what a run without it gives: findings, addresses, radio and intents, town by town.

Each test starts from a copy of the shipped inventory and an empty cache of its own, changes
something a person would change, and compares the cached answer with the whole-inventory one.
"""

from __future__ import annotations

import copy
import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from countynet.checks.engine import run_rules
from countynet.checks.rules import platform_syntax
from countynet.model import load_model
from countynet.plancache import combine, store
from countynet.plancache.unit import TownCheck
from countynet.review.evaluate import SideData, evaluate

ROOT = Path(__file__).resolve().parents[2]
SITE = """  - name: thk-new-dispensary
    agency: Thika New Dispensary
    kind: health-centre
    location: {lat: -1.03907, lon: 37.09013, elevation_m: 1550}
    connect: {fibre: thk-hub}
"""


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTYNET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COUNTYNET_NO_CACHE", raising=False)
    store.disable(False)
    return tmp_path / "cache"


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    dest = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", dest, ignore=shutil.ignore_patterns("*.bak"))
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def refresh_lock(root: Path) -> None:
    from countynet.allocate.allocator import allocate
    from countynet.allocate.lockfile import write_lock

    model = load_model(root, cached=False)
    write_lock(root, allocate(model.inv, model.topo).to_lock())
    (root / "allocations.yml.bak").unlink(missing_ok=True)


def whole(root: Path) -> list[dict[str, Any]]:
    """The findings of the whole inventory judged as one, as `countynet validate` has always done."""
    return [f.as_dict() for f in run_rules(load_model(root, cached=False)).findings]


def side(root: Path, cached: bool) -> SideData:
    store.disable(not cached)
    try:
        return evaluate(root, None, rules=True)
    finally:
        store.disable(False)


def same_side(root: Path) -> list[dict[str, Any]]:
    """Evaluate with and without the cache; assert everything a review reads is equal; the findings."""
    with_cache, without = side(root, True), side(root, False)
    assert with_cache.report is not None and without.report is not None
    got = [f.as_dict() for f in with_cache.report.findings]
    assert got == [f.as_dict() for f in without.report.findings]
    for part in ("intents", "device_town", "lock", "radio", "sites", "towns"):
        assert getattr(with_cache, part) == getattr(without, part), part
    return got


def test_shipped_inventory_is_the_same_with_the_cache_and_read_back(inv: Path) -> None:
    first = combine.cached_side(inv)
    assert first is not None and (first.computed, first.hits) == (6, 0)
    assert first.findings is not None and [f.as_dict() for f in first.findings] == whole(inv)
    again = combine.cached_side(inv)
    assert again is not None and (again.computed, again.hits) == (0, 6)
    same_side(inv)


def test_one_site_recomputes_one_town(inv: Path) -> None:
    assert combine.cached_side(inv) is not None
    edit(inv / "towns/thika.yml", "  - name: thk-subcounty-treasury\n", SITE + "  - name: thk-subcounty-treasury\n")
    refresh_lock(inv)  # the lock changes in thika's section only
    after = combine.cached_side(inv)
    assert after is not None and (after.computed, after.hits) == (1, 5)
    assert after.findings is not None and [f.as_dict() for f in after.findings] == whole(inv)
    data = after.data({"thika"})
    assert data is not None and "thk-new-dispensary" in data["thika"].intents
    same_side(inv)


def test_a_shared_file_change_recomputes_every_town(inv: Path) -> None:
    assert combine.cached_side(inv) is not None
    edit(inv / "network.yml", "warning_utilisation:", "warning_utilisation: 0.001 #")
    after = combine.cached_side(inv)
    assert after is not None and after.computed == 6 and after.hits == 0
    found = same_side(inv)
    assert any(f["rule"] == "CN601" and f["severity"] == "warning" for f in found)  # the change shows everywhere


def test_stale_lock_after_a_site_without_allocate(inv: Path) -> None:
    edit(inv / "towns/thika.yml", "  - name: thk-subcounty-treasury\n", SITE + "  - name: thk-subcounty-treasury\n")
    assert combine.cached_side(inv) is not None  # the lock judged from each town's section
    found = same_side(inv)
    assert any(f["rule"] == "CN210" and "thika" in f["message"] for f in found)


def test_duplicate_device_across_towns_still_found(inv: Path) -> None:
    assert combine.cached_side(inv) is not None
    edit(inv / "towns/webuye.yml", "- name: wby-police-station", "- name: thk-police-station")
    assert combine.cached_side(inv) is None  # a cross-town finding: judged as one
    found = same_side(inv)
    dup = [f for f in found if f["rule"] == "CN102"]
    assert dup and "thk-police-station" in dup[0]["message"] and "thika" in dup[0]["message"]


def test_duplicate_asn_across_towns_still_found(inv: Path) -> None:
    edit(inv / "towns/webuye.yml", "asn: 65105", "asn: 65101")
    assert combine.cached_side(inv) is None
    found = same_side(inv)
    where = f"{inv}/towns/thika.yml:19:1"  # a folder outside the working one is shown whole
    assert [f["message"] for f in found if f["rule"] == "CN105"] == [
        f"town 'webuye' uses ASN 65101, already used by town 'thika' at {where}"
    ]


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [("aggregate: 10.96.128.0/19", "aggregate: 10.96.16.0/20", "CN201"), ("172.28.5.0/24", "172.28.1.0/24", "CN204")],
)
def test_overlapping_blocks_across_towns_still_found(inv: Path, old: str, new: str, rule: str) -> None:
    edit(inv / "towns/webuye.yml", old, new)  # webuye takes part of thika's block
    assert combine.cached_side(inv) is None
    found = same_side(inv)
    assert [f["message"] for f in found if f["rule"] == rule and "thika" in f["message"]]


def test_handoff_for_a_town_without_a_file(inv: Path) -> None:
    edit(inv / "nofbi.yml", "      - {town: thika, prefix: 10.254.0.0/31}\n",
         "      - {town: thika, prefix: 10.254.0.0/31}\n      - {town: thikka, prefix: 10.254.0.100/31}\n")  # fmt: skip
    found = same_side(inv)
    assert [f["hint"] for f in found if f["rule"] == "CN109"] == ["did you mean 'thika'?"]


def test_moved_addresses_point_at_the_right_lock_lines(inv: Path) -> None:
    edit(inv / "towns/nanyuki.yml", "aggregate: 10.96.96.0/19", "aggregate: 10.96.224.0/19")
    assert combine.cached_side(inv) is not None  # town-local: answered from towns judged one at a time
    found = same_side(inv)
    moved = [f for f in found if f["rule"] == "CN211"]
    assert moved and all(f["file"].endswith("allocations.yml") and f["line"] > 1 for f in moved)


def test_damaged_entries_are_recomputed(inv: Path, cache: Path) -> None:
    expected = same_side(inv)
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    assert len(entries) > 12  # a check and data per town, and CN521's samples
    for i, p in enumerate(entries):
        p.write_bytes(b"not a pickle" if i % 2 else p.read_bytes()[: len(p.read_bytes()) // 2])
    after = combine.cached_side(inv)
    assert after is not None and after.computed == 6
    assert same_side(inv) == expected


def test_cached_towns_are_read_not_recomputed(inv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = same_side(inv)

    def boom(*_a: object) -> None:
        raise AssertionError("recomputed a cached town")

    monkeypatch.setattr(combine, "compute", boom)
    again = combine.cached_side(inv)
    assert again is not None and again.findings is not None
    assert [f.as_dict() for f in again.findings] == expected


def test_no_cache_switch_reads_and_writes_nothing(inv: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTYNET_NO_CACHE", "1")
    assert not store.enabled()
    evaluate(inv, None, rules=True)
    assert not cache.exists()


def test_samples_are_the_network_wide_first_of_each_variant(inv: Path) -> None:
    got = combine.cached_side(inv)
    assert got is not None
    first = combine.first_samples(list(got.checks.values()))
    assert {v: host for v, (_town, host) in first.items()} == platform_syntax.samples(load_model(inv, cached=False))


def _moved_copy(check: TownCheck, town: str) -> TownCheck:
    """The same towers and channels under other names: what a neighbouring town on the same hill would be."""
    other = copy.deepcopy(check)
    other.town = town
    for o in other.owners:
        light = {id(r): dataclasses.replace(r, device=f"x-{r.device}", town=town) for r in o.radios}
        o.radios = [light[id(r)] for r in o.radios]
        o._points = [dataclasses.replace(p, radio=light[id(p.radio)]) for p in o._points or []]
    return other


def test_a_neighbouring_towns_channel_is_judged_across_towns(inv: Path) -> None:
    assert combine.cached_side(inv) is not None
    got = combine.cached_side(inv)  # read back: owners come from their own entries
    assert got is not None and combine._quiet_air(got)
    thika = got.checks["thika"]
    assert got.owners(thika)
    near = _moved_copy(thika, "thika-east")
    got.checks[near.town] = near
    got.inputs.towns.append(dataclasses.replace(got.inputs.towns[0], name=near.town, key="x" * 64))
    assert not combine._quiet_air(got)


def _validate(inv: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    import json

    from typer.testing import CliRunner

    from countynet.cli.main import app

    result = CliRunner().invoke(app, ["--inventory", str(inv), *extra, "validate", "--json"])
    data = json.loads(result.stdout)
    data.pop("seconds")
    return result.exit_code, data


def test_validate_command_reads_the_cache_and_says_the_same(inv: Path, cache: Path) -> None:
    edit(inv / "towns/thika.yml", "  - name: thk-subcounty-treasury\n", SITE + "  - name: thk-subcounty-treasury\n")
    without = _validate(inv, "--no-cache")
    assert not cache.exists()
    assert without[0] == 1 and any(f["rule"] == "CN210" for f in without[1]["findings"])
    assert _validate(inv) == without  # cold: every town computed and stored
    assert _validate(inv) == without  # warm: read back
    assert cache.exists()


def test_validate_command_on_a_broken_town_file(inv: Path) -> None:
    edit(inv / "towns/webuye.yml", "asn: 65105", "asn: [65105]")
    code, data = _validate(inv)
    assert (code, data) == _validate(inv, "--no-cache")
    assert code == 2 and data["findings"][0]["rule"] == "CN001"


def test_cn521_findings_come_from_the_network_wide_samples(inv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from countynet import platforms

    real = platforms.get

    def strict(name: str) -> Any:  # a command database that refuses the first line of every RouterOS config
        row = real(name)
        if name != "routeros":
            return row
        return dataclasses.replace(row, validator=lambda text: [f"line 1:1: refused {text.splitlines()[0][:30]!r}"])

    monkeypatch.setattr(platforms, "get", strict)
    edit(inv / "towns/webuye.yml", "- name: wby-police-station", "- name: aaa-police-station")
    refresh_lock(inv)  # webuye now holds the network-wide first of a variant malindi held
    assert combine.cached_side(inv) is not None  # answered town by town
    found = same_side(inv)
    hosts = sorted(f["message"].split(":")[0] for f in found if f["rule"] == "CN521")
    model = load_model(inv, cached=False)
    chosen = platform_syntax.samples(model)
    assert chosen is not None
    assert hosts == sorted(h for h in chosen.values() if model.platform_of(h) == "routeros")
    assert "aaa-police-station" in hosts and "mld-agriculture-office" not in hosts


def _add_town(inv: Path, south: bool = True, allocated: bool = False) -> None:
    """Juja: thika's file under another name, ASN, blocks and device names, 220 km south (its channels
    unheard in thika); no lock section yet."""
    text = (inv / "towns/thika.yml").read_text()
    for old, new in (("name: thika", "name: juja"), ("thk-", "jja-"), ("asn: 65101", "asn: 65107"),
                     ("10.96.0.0/19", "10.96.192.0/19"), ("172.28.1.0/24", "172.28.7.0/24"), ("lat: -1.", "lat: -3." if south else "lat: -1.")):  # fmt: skip
        text = text.replace(old, new)
    (inv / "towns/juja.yml").write_text(text)
    if allocated:
        refresh_lock(inv)


EDITS: dict[str, Any] = {
    "channel clash on a tower": lambda inv: edit(inv / "towns/thika.yml", "frequency_mhz: 5785", "frequency_mhz: 5745"),
    "sector turned away": lambda inv: edit(inv / "towns/nanyuki.yml", "azimuth_deg: 0,", "azimuth_deg: 180,"),
    "service dropped from network.yml users": lambda inv: edit(inv / "network.yml", "ports: [443]", "ports: [8443]"),
    "town file removed": lambda inv: (inv / "towns/mwingi.yml").unlink(),
    "town added without allocate": _add_town,
    "town added and allocated": lambda inv: _add_town(inv, allocated=True),
    "schema error in one town": lambda inv: edit(inv / "towns/naivasha.yml", "asn: 65102", "asn: sixty"),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_everyday_changes_give_the_same_answer(inv: Path, change: str) -> None:
    assert combine.cached_side(inv) is not None  # the cache holds the shipped towns
    EDITS[change](inv)
    if change == "schema error in one town":
        assert combine.cached_side(inv) is None
        assert _validate(inv) == _validate(inv, "--no-cache")
        return
    judged_as_one = change == "town file removed"  # its lock entries stay until --release: CN210 on the whole lock
    assert (combine.cached_side(inv) is None) == judged_as_one
    same_side(inv)
    assert _validate(inv) == _validate(inv, "--no-cache")


def test_a_town_on_the_same_hill_is_heard_across_towns(inv: Path) -> None:
    assert combine.cached_side(inv) is not None
    _add_town(inv, south=False, allocated=True)
    assert combine.cached_side(inv) is None  # thika's channels heard in juja: CN307 across towns
    found = same_side(inv)
    assert [f for f in found if f["rule"] == "CN307" and "jja-" in f["message"] and "thk-" in f["message"]]


def test_every_model_rule_is_placed_in_the_cache(monkeypatch: pytest.MonkeyPatch, inv: Path) -> None:
    """A new rule must be judged per town or across towns in countynet/plancache/combine.py."""
    from countynet.checks.registry import RULES, Rule, load_rules

    load_rules()
    assert {r for r, rule in RULES.items() if rule.scope == "model"} == combine.KNOWN_RULES
    monkeypatch.setitem(RULES, "CN999", Rule("CN999", "new", "error", "a rule nobody placed", "model", lambda _m: []))
    assert combine.cached_side(inv) is None  # judged as one until placed


def _hand_edit_webuye(inv: Path) -> None:
    edit(inv / "allocations.yml", "      wby-hub: 10.96.128.5/32\n", "      wby-hub: 10.96.128.5\n")


def _site_without_allocate(inv: Path) -> None:
    edit(inv / "towns/thika.yml", "  - name: thk-subcounty-treasury\n", SITE + "  - name: thk-subcounty-treasury\n")


@pytest.mark.parametrize(
    ("case", "changes", "expected"),
    [
        ("edited by hand", [_hand_edit_webuye], ["differs from what `countynet allocate` would write"]),
        ("edited and lacking", [_hand_edit_webuye, _site_without_allocate], ["lacks 5 entries for town 'thika'"]),
        ("version", [lambda inv: edit(inv / "allocations.yml", "version: 1", "version: 2")], ["differs from"]),
        (
            "short of addresses",
            [_site_without_allocate, lambda inv: edit(inv / "towns/nanyuki.yml", "10.96.96.0/19", "10.96.96.0/22")],
            [],
        ),
    ],
)
def test_stale_lock_judged_from_the_towns_sections(
    inv: Path, case: str, changes: list[Any], expected: list[str]
) -> None:
    assert combine.cached_side(inv) is not None
    for change in changes:
        change(inv)
    assert combine.cached_side(inv) is not None, case
    found = same_side(inv)
    messages = [f["message"] for f in found if f["rule"] == "CN210"]
    assert len(messages) == len(expected) and all(e in m for e, m in zip(expected, messages, strict=True)), messages


def test_a_folder_others_may_write_is_not_read(inv: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert combine.cached_side(inv) is not None
    (cache / "towns").chmod(0o777)  # anyone could have put a pickle there

    def boom(*_a: object) -> None:
        raise AssertionError("unpickled an entry from a folder others may write")

    monkeypatch.setattr(store.pickle, "load", boom)
    assert combine.cached_side(inv) is not None  # computed again, nothing read
