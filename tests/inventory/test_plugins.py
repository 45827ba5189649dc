"""One model, two consumers: Ansible and Nornir see the same hosts, addresses and groups."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from nornir import InitNornir

from countynet.hosts import host_records

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini"
SHIPPED = REPO / "inventory"


def nornir_hosts(inv_dir: Path) -> dict[str, tuple[str, set[str]]]:
    nr = InitNornir(
        inventory={"plugin": "CountynetInventory", "options": {"inventory_dir": str(inv_dir)}},
        runner={"plugin": "serial"},
        logging={"enabled": False},
    )
    return {h.name: (h.hostname, {g.name for g in h.groups}) for h in nr.inventory.hosts.values()}


def ansible_hosts(inv_dir: Path, tmp_path: Path) -> dict[str, tuple[str, set[str]]]:
    src = tmp_path / "countynet.yml"
    src.write_text(f"plugin: countynet.net.countynet\ninventory_dir: {inv_dir}\n")
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    out = subprocess.run(
        ["ansible-inventory", "-i", str(src), "--list"], capture_output=True, text=True, env=env, check=True, cwd=REPO
    )
    data = json.loads(out.stdout)
    hostvars = data["_meta"]["hostvars"]
    groups: dict[str, set[str]] = {h: set() for h in hostvars}
    for group, body in data.items():
        for h in body.get("hosts", []) if isinstance(body, dict) else []:
            groups[h].add(group)

    def plain(value: object) -> str:  # ansible-core 2.19 marks inventory strings as untrusted
        return str(value["__ansible_unsafe"]) if isinstance(value, dict) else str(value)

    return {h: (plain(v["ansible_host"]), groups[h]) for h, v in hostvars.items()}


@pytest.mark.parametrize("inv_dir", [MINI, SHIPPED], ids=["mini", "shipped"])
def test_ansible_and_nornir_agree(inv_dir: Path, tmp_path: Path) -> None:
    if not list((inv_dir / "towns").glob("*.yml")):
        pytest.skip("no towns in this inventory yet")
    nr = nornir_hosts(inv_dir)
    an = ansible_hosts(inv_dir, tmp_path)
    assert nr == an
    assert len(nr) == len(host_records(inv_dir))


def test_groups_by_town_role_platform() -> None:
    hosts = nornir_hosts(MINI)
    assert hosts["rru-hub"][1] == {"town_ruiru", "role_hub", "platform_ios"}
    assert hosts["rru-police"][1] == {"town_ruiru", "role_agency", "platform_frr"}
    # management addresses are distinct and inside the town's management subnet
    addrs = [h[0] for h in hosts.values()]
    assert len(set(addrs)) == len(addrs)
    assert all(a.startswith("172.28.90.") for a in addrs)
