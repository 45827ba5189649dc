"""`ansible-playbook countynet.net.deploy --check --diff` against a lab shows what `countynet deploy` dry-run shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cn_ansible_helpers import MINI, inventory_source, lab_dir, load_tree, run
from labkit import needs_lab

pytestmark = [pytest.mark.lab, needs_lab]


def test_check_diff_matches_cli_dry_run(mini_lab: str, tmp_path: Path) -> None:
    lab_inv = lab_dir(mini_lab) / "inventory.yaml"
    env = {"COUNTYNET_INVENTORY": str(MINI), "COUNTYNET_LAB_INVENTORY": str(lab_inv),
           "COUNTYNET_STATE": str(tmp_path / "state")}  # fmt: skip
    cli = run(["countynet", "--inventory", str(MINI), "deploy", "--target", "lab", "--lab-name", mini_lab, "--json"],
              env=env)  # fmt: skip
    assert cli.returncode in (0, 1), cli.stdout + cli.stderr
    cli_devices = {d["device"]: d for d in json.loads(cli.stdout)["devices"]}

    src = inventory_source(tmp_path, MINI, lab_inv)
    treedir = tmp_path / "tree"
    ans = run(["ansible-playbook", "-i", str(src), "countynet.net.deploy", "--check", "--diff"],
              env={**env, "ANSIBLE_CALLBACKS_ENABLED": "ansible.builtin.tree",
                   "ANSIBLE_CALLBACK_TREE_DIR": str(treedir)})  # fmt: skip
    results = load_tree(treedir) if treedir.exists() else {}

    # the same devices would change, with the same diff, and the same ones fail for the same reason
    attempted = {d: r for d, r in cli_devices.items() if r["status"] != "skipped"}
    assert attempted, cli.stdout
    for dev, r in attempted.items():
        got = results.get(dev)
        assert got is not None, f"{dev}: no Ansible result\n{ans.stdout[-3000:]}"
        if r["status"] in ("failed", "reverted"):
            assert got.get("failed"), (dev, got)
            assert r["error"] in got.get("msg", ""), (dev, r["error"], got.get("msg"))
            continue
        assert got.get("status") == r["status"], (dev, got.get("status"), r["status"])
        assert got.get("device_diff") == r["diff"], dev
        assert got.get("changed") == (r["status"] == "would-change"), dev
        if r["diff"]:
            assert r["diff"].strip() in ans.stdout, f"{dev}: diff not shown by --diff"
    assert ans.returncode == (0 if cli.returncode == 0 else 2), ans.stdout[-3000:]
    # a dry run must leave the devices as they were: nothing committed
    assert "mode" not in cli.stdout or json.loads(cli.stdout)["mode"] == "dry-run"
    assert any(r["status"] == "would-change" for r in cli_devices.values()), (
        "nothing to compare: the CLI dry run reported no device that would change\n" + cli.stdout[-3000:]
    )

    # secrets never reach Ansible's output
    secrets = [p.read_text().strip() for p in (lab_dir(mini_lab) / "secrets").glob("*")]
    for s in secrets:
        assert s and s not in ans.stdout and s not in json.dumps(results)
