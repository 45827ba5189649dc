"""Stable addressing: what is in the lock never moves when the inventory grows.

The property test adds random sites to the mini town and proves every existing assignment
(addresses and port numbers) is kept; the unit tests pin down release and growth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from countynet.allocate.allocator import Allocation, allocate, lock_is_current
from countynet.inventory.loader import Inventory, load
from countynet.inventory.model import Site
from countynet.inventory.topology import build

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def _load() -> Inventory:
    result = load(MINI)
    assert result.inventory is not None, result.findings
    return result.inventory


def _alloc(inv: Inventory, release: bool = False) -> Allocation:
    return allocate(inv, build(inv), release=release)


def _entries(lock: dict[str, Any]) -> dict[tuple[str, ...], Any]:
    """Flatten a lock into (town, category, key[, port]) -> value."""
    out: dict[tuple[str, ...], Any] = {}
    for town, cats in lock["towns"].items():
        for cat, items in cats.items():
            for key, value in items.items():
                if isinstance(value, dict):
                    out.update({(town, cat, key, k): v for k, v in value.items()})
                else:
                    out[(town, cat, key)] = value
    return out


def _site(name: str, kind: str, users: int | None, connect: dict[str, str]) -> Site:
    data: dict[str, Any] = {
        "name": name,
        "agency": f"Agency {name}",
        "kind": kind,
        "location": {"lat": -1.14, "lon": 36.96},
        "connect": connect,
    }
    if users is not None:
        data["users"] = users
    return Site.model_validate(data)


INV = _load()
KINDS = sorted(INV.network.agency_kinds)
TARGETS = [{"sector": f"{bs.name}/{s.name}"} for t in INV.towns for bs in t.base_stations for s in bs.sectors]
TARGETS += [{"fibre": t.hub.name} for t in INV.towns]
TAKEN = {n.name for t in INV.towns for n in (t.hub, *t.base_stations, *t.sites)}

new_site = st.builds(
    _site,
    name=st.from_regex(r"[a-z][a-z0-9-]{0,14}[a-z0-9]", fullmatch=True).filter(lambda n: n not in TAKEN),
    kind=st.sampled_from(KINDS),
    users=st.one_of(st.none(), st.integers(1, 400)),
    connect=st.sampled_from(TARGETS),
)


def test_mini_lock_is_current() -> None:
    inv = _load()
    alloc = _alloc(inv)
    assert lock_is_current(inv, alloc), alloc.added + alloc.moved + alloc.released


@settings(max_examples=60, deadline=None)
@given(st.lists(new_site, min_size=1, max_size=4, unique_by=lambda s: s.name))
def test_adding_sites_never_moves_an_existing_allocation(sites: list[Site]) -> None:
    inv = _load()
    inv.lock = _alloc(inv).to_lock()
    before = _entries(inv.lock)
    inv.towns[0].sites.extend(sites)

    after_alloc = _alloc(inv)
    after = _entries(after_alloc.to_lock())

    assert after_alloc.moved == []
    assert after_alloc.released == []
    changed = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
    assert changed == {}
    added_devices = {s.name for s in sites}
    new_keys = set(after) - set(before)
    # everything new belongs to an added site (its own entries, or the port towards it)
    assert all(any(name in "/".join(k) for name in added_devices) for k in new_keys), new_keys - set(before)


def test_removing_a_site_frees_nothing_unless_release() -> None:
    inv = _load()
    inv.towns[0].sites = [s for s in inv.towns[0].sites if s.name != "rru-school"]

    kept = _alloc(inv)
    assert kept.released == []
    assert kept.to_lock() == inv.lock  # the school's addresses stay reserved
    assert "rru-school" in kept.to_lock()["towns"]["ruiru"]["loopbacks"]

    freed = _alloc(inv, release=True)
    town = freed.to_lock()["towns"]["ruiru"]
    assert "rru-school" not in town["loopbacks"]
    assert "rru-school/staff" not in town["lans"]
    assert "rru-school" not in town["stations"]
    assert any("rru-school" in line for line in freed.released)
    before = _entries(inv.lock)
    after = _entries(freed.to_lock())
    assert all(before[k] == v for k, v in after.items())  # releasing moves nothing else


def test_a_lan_that_outgrows_its_prefix_moves_and_is_reported() -> None:
    inv = _load()
    police = next(s for s in inv.towns[0].sites if s.name == "rru-police")
    old = inv.lock["towns"]["ruiru"]["lans"]["rru-police/staff"]
    police.users = 100  # police-station default is 15 users in a /27

    alloc = _alloc(inv)
    new = str(alloc.towns["ruiru"].lans["rru-police/staff"])
    assert new != old
    assert alloc.moved == [f"ruiru lans rru-police/staff {new}"]
    others = {k: v for k, v in _entries(inv.lock).items() if k != ("ruiru", "lans", "rru-police/staff")}
    after = _entries(alloc.to_lock())
    assert {k: after[k] for k in others} == others


def test_a_lan_that_shrinks_keeps_its_prefix() -> None:
    inv = _load()
    hospital = next(s for s in inv.towns[0].sites if s.name == "rru-hospital")
    hospital.users = 2
    alloc = _alloc(inv)
    assert alloc.moved == []
    assert (
        str(alloc.towns["ruiru"].lans["rru-hospital/staff"]) == inv.lock["towns"]["ruiru"]["lans"]["rru-hospital/staff"]
    )
