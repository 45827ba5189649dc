"""Towns side by side: each town's devices keep their edge-inwards order, only the wait for other towns goes."""

from __future__ import annotations

from countynet.deploy.order import Target, stages

TOWNS = [
    Target("a-hub", "a", 0), Target("a-bs", "a", 1), Target("a-s1", "a", 2), Target("a-s2", "a", 2),
    Target("b-hub", "b", 0), Target("b-s1", "b", 1),
    Target("c-hub", "c", 0),
]  # fmt: skip


def _town_order(plan: list[list[str]], town: str) -> list[list[str]]:
    return [[n for n in s if n.startswith(f"{town}-")] for s in plan if any(n.startswith(f"{town}-") for n in s)]


def test_each_level_of_every_town_runs_in_one_stage() -> None:
    assert stages(TOWNS, overlap_towns=True) == [["a-s1", "a-s2", "b-s1", "c-hub"], ["a-bs", "b-hub"], ["a-hub"]]


def test_inside_each_town_the_order_is_the_serial_one() -> None:
    for canary, batch in ((0, None), (1, None), (1, 2), (0, 1)):
        serial = stages(TOWNS, canary, batch)
        together = stages(TOWNS, canary, batch, overlap_towns=True)
        assert sorted(n for s in together for n in s) == sorted(t.name for t in TOWNS)
        assert len(together) <= len(serial)
        for town in "abc":
            flat = [n for s in _town_order(together, town) for n in s]
            assert flat == [n for s in _town_order(serial, town) for n in s]
            # a device never shares a stage with one of its own town at another depth
            depth = {t.name: t.depth for t in TOWNS}
            assert all(len({depth[n] for n in s}) == 1 for s in _town_order(together, town))


def test_canary_stays_alone_and_batches_cap_every_stage() -> None:
    plan = stages(TOWNS, canary=1, batch_size=2, overlap_towns=True)
    assert plan[0] == ["a-s1"]
    assert all(len(s) <= 2 for s in plan)


def test_workers_scale_with_the_machine_within_bounds() -> None:
    from countynet.deploy.engine import MAX_WORKERS, default_workers

    assert default_workers(1) == 16 and default_workers(2) == 32 and default_workers(16) == MAX_WORKERS == 64
