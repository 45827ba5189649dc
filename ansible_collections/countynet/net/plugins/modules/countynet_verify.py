#!/usr/bin/python
"""Ansible module: run countynet's verify expectations for one device (and its agency LAN)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: countynet_verify
short_description: Verify one countynet device and, for an agency site, its LAN's reachability
description:
  - Derives the device's expectations from the model exactly as C(countynet verify) does
    (interfaces, OSPF adjacencies, BGP to the NOFBI PoP, shared-service routes) and, for an agency
    site on the virtual lab, probes from inside its LAN (ping to the NOFBI gateway within the
    planned loss/latency, TCP to every service it uses, refusal of the others).
  - Fails listing the failed checks. Never changes anything.
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
    description: The lab inventory file written by C(countynet lab up); LAN probes need the lab.
    type: path
  lab_name:
    description: The lab's name (alternative to O(lab_inventory)).
    type: str
  wait:
    description: Keep re-checking failures for up to this many seconds (convergence).
    type: float
    default: 0.0
author: countynet
"""

EXAMPLES = r"""
- name: Verify
  countynet.net.countynet_verify:
    inventory: inventory
    host: "{{ inventory_hostname }}"
    wait: 60
"""

RETURN = r"""
ok:
  description: True when no check failed.
  type: bool
  returned: always
checks:
  description: Every check (town, device, kind, target, status, detail, site).
  type: list
  elements: dict
  returned: always
lines:
  description: Every check in one line (status, device, kind, target, detail).
  type: list
  elements: str
  returned: always
failed_checks:
  description: The failed checks, one line each.
  type: list
  elements: str
  returned: always
"""

import contextlib
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
            "wait": {"type": "float", "default": 0.0},
        },
        mutually_exclusive=[("lab_inventory", "lab_name")],
        supports_check_mode=True,
    )
    p = module.params
    from countynet.errors import CountynetError
    from countynet.jobs.common import Selection, TargetOptions
    from countynet.jobs.verify import VerifyJob, verify
    from countynet.model import open_model

    host = p["host"]
    try:
        with contextlib.redirect_stdout(sys.stderr):
            lab_given = p["lab_inventory"] or p["lab_name"]
            target = TargetOptions("lab" if lab_given else "field", p["lab_name"] or "countynet",
                                   lab_inventory=Path(p["lab_inventory"]) if p["lab_inventory"] else None)
            report = verify(open_model(p["inventory"]), VerifyJob(Selection(hosts=(host,)), target, p["wait"], 1))
    except CountynetError as exc:
        module.fail_json(msg=f"{exc.what}{' (' + exc.fix + ')' if exc.fix else ''}")
    failed = [f"{c.kind} {c.target}: {c.status} ({c.detail})" for c in report.failed]
    result = {
        "changed": False,
        "ok": report.ok,
        "checks": [c.as_dict() for c in report.checks],
        "failed_checks": failed,
        "lines": [f"{c.status}: {c.name} {c.detail}".rstrip() for c in report.checks],
        "attempts": report.attempts,
        "seconds": round(report.seconds, 2),
    }
    if not report.ok:
        module.fail_json(
            msg=f"{host}: {len(failed)} of {len(report.checks)} check(s) failed: " + "; ".join(failed), **result
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
