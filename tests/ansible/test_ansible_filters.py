"""The Ansible filter plugin exposes countynet's own filter functions (the same objects, no copies)."""

from __future__ import annotations

import importlib.util

from cn_ansible_helpers import ROOT, run

from countynet.deploy.order import Target, stages
from countynet.render.filters import FILTERS


def plugin_filters() -> dict:
    spec = importlib.util.spec_from_file_location("cn_filter", ROOT / "ansible_collections/countynet/net/plugins/filter/countynet.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.FilterModule().filters()


def test_same_functions_as_the_renderer() -> None:
    got = plugin_filters()
    for name, fn in FILTERS.items():
        assert got[name] is fn, name


def test_filters_work_in_ansible() -> None:
    r = run(["ansible", "localhost", "-m", "ansible.builtin.debug", "-a",
             "msg={{ '10.1.2.3/24' | countynet.net.ios_address }}|{{ [443, 8443] | countynet.net.nft_set }}"])  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "10.1.2.3 255.255.255.0|{ 443, 8443 }" in r.stdout


class HV(dict):
    pass


def test_rollout_order_is_the_cli_stage_order() -> None:
    hv = {
        "hub": {"countynet_town": "a", "countynet_depth": 0},
        "bs1": {"countynet_town": "a", "countynet_depth": 1},
        "bs2": {"countynet_town": "a", "countynet_depth": 1},
        "site": {"countynet_town": "a", "countynet_depth": 2},
        "hub-b": {"countynet_town": "b", "countynet_depth": 0},
        "orphan": {"countynet_town": "b", "countynet_depth": None},
    }
    f = plugin_filters()
    order = f["countynet_rollout_order"](list(hv), hv)
    batches = f["countynet_rollout_batches"](list(hv), hv)
    expected = stages([Target(n, v["countynet_town"], v["countynet_depth"] or 0) for n, v in hv.items()])
    assert order == [n for s in expected for n in s] == ["site", "bs1", "bs2", "hub", "hub-b", "orphan"]
    assert batches == [len(s) for s in expected] == [1, 2, 1, 2]
    assert f["countynet_rollout_batches"]([], {}) == [1]
