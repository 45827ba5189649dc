#!/usr/bin/python
"""Ansible module: deploy one device through countynet's deploy engine (the same as `countynet deploy`)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: countynet_config
short_description: Deploy one countynet device (backup, candidate, diff, commit-confirm, health gate)
description:
  - Renders the device's config, resolves its secrets at the last moment and runs countynet's deploy
    engine for this one device, with the same NAPALM driver and steps as C(countynet deploy)
    (backup -> load_replace_candidate -> compare_config -> commit_config(revert_in) -> health gate ->
    confirm_commit, or rollback). The run is journaled and the device locked like a CLI run.
  - Check mode is the dry run; with C(--diff) the device diff is shown. Unchanged devices report
    changed=false, so a second run is idempotent.
  - Secret values are redacted from every result and registered as no_log values.
options:
  inventory:
    description: The countynet inventory folder.
    type: path
    required: true
  host:
    description: Device name (the Ansible inventory_hostname).
    type: str
    required: true
  lab_inventory:
    description:
      - The lab inventory file written by C(countynet lab up) (as in E(COUNTYNET_LAB_INVENTORY)).
      - With it (or O(lab_name)) the target is the virtual lab and configs are rendered as C(frr).
    type: path
  lab_name:
    description: The lab's name (alternative to O(lab_inventory)).
    type: str
  revert_in:
    description: Seconds before an unconfirmed commit reverts on the device.
    type: int
    default: 120
  health_timeout:
    description: Seconds the health gate waits for what worked before to work again.
    type: float
    default: 30.0
  state_dir:
    description: Where journals, backups and locks go (E(COUNTYNET_STATE); default C(.countynet)).
    type: path
  username:
    description: Field target only; defaults to E(COUNTYNET_USERNAME).
    type: str
  password:
    description: Field target only; defaults to E(COUNTYNET_PASSWORD).
    type: str
author: countynet
"""

EXAMPLES = r"""
- name: Deploy (check mode = dry run)
  countynet_config:
    inventory: "{{ countynet_inventory_dir }}"
    host: "{{ inventory_hostname }}"
    lab_inventory: "{{ lookup('ansible.builtin.env', 'COUNTYNET_LAB_INVENTORY') }}"
"""

RETURN = r"""
status:
  description: unchanged, would-change, changed, failed, reverted or skipped (as in C(countynet deploy)).
  type: str
  returned: always
device_diff:
  description: The device diff (redacted).
  type: str
  returned: always
run_id:
  description: The deploy journal's run id (see C(countynet runs)).
  type: str
  returned: always
"""

import contextlib
import os
import sys

from ansible.module_utils.basic import AnsibleModule


def _lab(params: dict):  # type: ignore[no-untyped-def]
    from countynet.lab import Lab

    return Lab.find(params["lab_name"], params["lab_inventory"])


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "inventory": {"type": "path", "required": True},
            "host": {"type": "str", "required": True},
            "lab_inventory": {"type": "path"},
            "lab_name": {"type": "str"},
            "revert_in": {"type": "int", "default": 120},
            "health_timeout": {"type": "float", "default": 30.0},
            "state_dir": {"type": "path"},
            "username": {"type": "str"},
            "password": {"type": "str", "no_log": True},
        },
        mutually_exclusive=[("lab_inventory", "lab_name")],
        supports_check_mode=True,
    )
    p = module.params
    if p["state_dir"]:
        os.environ["COUNTYNET_STATE"] = p["state_dir"]
    from countynet import pipeline
    from countynet.deploy.engine import FAILED, DeployOptions, deploy
    from countynet.errors import CountynetError
    from countynet.intent.secrets import chain, env_resolver, secret_values

    host = p["host"]
    try:
        with contextlib.redirect_stdout(sys.stderr):
            prep = pipeline.prepare(p["inventory"])
            devices = {host}
            if host not in prep.ctx.topo.devices:
                raise CountynetError(f"unknown device {host!r}", "check the names in the inventory's towns/")
            lab = _lab(p)
            texts = pipeline.configs(prep, devices, platform_override="frr" if lab else None)
            payload, redact = pipeline.payloads(texts, lab.dir if lab else None)
            resolver = env_resolver() if lab is None else chain(env_resolver(), pipeline.lab_secret_resolver(lab.dir))
            module.no_log_values.update(v for t in texts.values() for v in secret_values(t, resolver))
            nr = pipeline.nornir(prep, lab.inventory_file if lab else None, devices, workers=1)
            if lab is None:
                for h in nr.inventory.hosts.values():
                    h.username = h.username or p["username"] or os.environ.get("COUNTYNET_USERNAME")
                    h.password = p["password"] or os.environ.get("COUNTYNET_PASSWORD")
            opts = DeployOptions(
                commit=not module.check_mode,
                revert_in=p["revert_in"],
                max_failures=1,
                health_timeout=p["health_timeout"],
            )
            report = deploy(
                nr,
                payload,
                pipeline.targets(prep, devices),
                opts,
                health_prefixes=pipeline.health_prefixes(prep, devices),
                redact=redact,
            )
    except CountynetError as exc:
        module.fail_json(msg=f"{exc.what}{' (' + exc.fix + ')' if exc.fix else ''}")
    res = report.results[0]
    result = {
        "status": res.status,
        "device_diff": res.diff,
        "run_id": report.run_id,
        "mode": report.mode,
        "seconds": res.seconds,
        "changed": res.status in ("changed", "would-change"),
    }
    if module._diff and res.diff:
        result["diff"] = {"prepared": res.diff}
    if res.status in FAILED or res.status == "skipped":
        module.fail_json(msg=f"{host}: {res.status}: {res.error}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
