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
  run_id:
    description:
      - Join this deploy run (journal C(runs/<run_id>)), created by the first device that gets here, so one
        playbook run, or every job of one AWX workflow, keeps one journal as C(countynet deploy) does.
      - Devices the run already finished are not deployed again (the resume of C(countynet deploy --resume)).
      - In check mode C(-dry-run) is appended, so a dry run never counts as done for the real run.
      - Without it each device gets a run of its own.
    type: str
  run_devices:
    description: Every device of the run, for its start record (default just O(host)).
    type: list
    elements: str
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
  countynet.net.countynet_config:
    inventory: inventory
    host: "{{ inventory_hostname }}"
    lab_inventory: "{{ lookup('ansible.builtin.env', 'COUNTYNET_LAB_INVENTORY') }}"
"""

RETURN = r"""
resumed:
  description: True when the run (O(run_id)) had already finished this device, so nothing was pushed now.
  type: bool
  returned: always
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
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule


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
            "run_id": {"type": "str"},
            "run_devices": {"type": "list", "elements": "str"},
            "username": {"type": "str"},
            "password": {"type": "str", "no_log": True},
        },
        mutually_exclusive=[("lab_inventory", "lab_name")],
        supports_check_mode=True,
    )
    p = module.params
    if p["state_dir"]:
        os.environ["COUNTYNET_STATE"] = p["state_dir"]
    from countynet.deploy.engine import FAILED, DeployOptions
    from countynet.errors import CountynetError
    from countynet.jobs.common import FieldAccess, Selection, TargetOptions
    from countynet.jobs.deploy import DeployJob, deploy, secrets_of
    from countynet.model import open_model

    host = p["host"]
    try:
        with contextlib.redirect_stdout(sys.stderr):
            lab_given = p["lab_inventory"] or p["lab_name"]
            target = TargetOptions(
                "lab" if lab_given else "field",
                p["lab_name"] or "countynet",
                FieldAccess.from_env(username=p["username"], password=p["password"]),
                Path(p["lab_inventory"]) if p["lab_inventory"] else None,
            )
            engine = DeployOptions(
                commit=not module.check_mode, revert_in=p["revert_in"], max_failures=1, health_timeout=p["health_timeout"]
            )
            join = p["run_id"] + ("-dry-run" if module.check_mode else "") if p["run_id"] else None
            job = DeployJob(Selection(hosts=(host,)), target, engine, workers=1, join=join,
                            join_devices=tuple(p["run_devices"] or (host,)))  # fmt: skip
            model = open_model(p["inventory"])
            module.no_log_values.update(secrets_of(model, job))
            report = deploy(model, job)
    except CountynetError as exc:
        module.fail_json(msg=f"{exc.what}{' (' + exc.fix + ')' if exc.fix else ''}")
    res = report.results[0]
    # A device the joined run finished before (a resumed AWX workflow) is reported, not pushed again.
    resumed = bool(join) and res.error == "done in an earlier attempt"
    result = {
        "status": res.status,
        "device_diff": res.diff,
        "run_id": report.run_id,
        "mode": report.mode,
        "seconds": res.seconds,
        "resumed": resumed,
        "changed": res.status in ("changed", "would-change") and not resumed,
    }
    if module._diff and res.diff:
        result["diff"] = {"prepared": res.diff}
    if res.status in FAILED or res.status == "skipped":
        module.fail_json(msg=f"{host}: {res.status}: {res.error}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
