"""Ansible inventory plugin `countynet.net.countynet` over the countynet model (the same loader as the Nornir plugin)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: countynet
short_description: countynet towns, sites and devices as Ansible hosts
description:
  - Reads the countynet YAML inventory (network.yml, nofbi.yml, towns/) through the same Python
    loader as the countynet CLI and the Nornir plugin; groups by town, role and platform.
options:
  plugin:
    description: Must be C(countynet.net.countynet).
    required: true
    choices: [countynet.net.countynet]
  inventory_dir:
    description: The countynet inventory folder, relative to this source file.
    type: str
    default: inventory
  lab_inventory:
    description: A lab inventory written by C(countynet lab up); targets the virtual lab.
    type: str
    env:
      - name: COUNTYNET_LAB_INVENTORY
"""

from pathlib import Path

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin


class InventoryModule(BaseInventoryPlugin):
    NAME = "countynet.net.countynet"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(("countynet.yml", "countynet.yaml"))

    def parse(self, inventory, loader, path, cache=True):  # type: ignore[no-untyped-def]
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        from countynet.errors import CountynetError
        from countynet.hosts import host_records

        base = Path(path).resolve().parent
        inv_dir = base / self.get_option("inventory_dir")
        lab = self.get_option("lab_inventory")
        try:
            records = host_records(inv_dir, lab)
        except CountynetError as exc:
            raise AnsibleParserError(str(exc)) from None
        # The roles target the lab this source names (AWX copies `all` vars into the synced inventory).
        if lab:
            self.inventory.set_variable("all", "countynet_lab_inventory_file", str(lab))
        for rec in records:
            self.inventory.add_host(rec.name)
            for group in rec.groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, rec.name)
            self.inventory.set_variable(rec.name, "ansible_host", rec.hostname)
            self.inventory.set_variable(rec.name, "ansible_port", rec.port)
            if rec.username:
                self.inventory.set_variable(rec.name, "ansible_user", rec.username)
            self.inventory.set_variable(rec.name, "countynet_napalm_driver", rec.platform)
            for key, value in rec.data.items():
                self.inventory.set_variable(rec.name, f"countynet_{key}", value)
            for key, value in rec.connection_options.items():
                if value:
                    self.inventory.set_variable(rec.name, f"countynet_{key}", value)
