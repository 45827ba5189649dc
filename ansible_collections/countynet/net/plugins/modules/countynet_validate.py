#!/usr/bin/python
"""Ansible module: run `countynet validate` (every registered rule) and fail with its findings."""

from __future__ import annotations

DOCUMENTATION = r"""
module: countynet_validate
short_description: Validate a countynet inventory (schema, references, addressing, radio, security)
description:
  - Runs the same rules as C(countynet validate) on the controller and fails listing the findings
    of severity error (and of severity warning with O(fail_on_warnings)).
  - Changes nothing; run it once, on the controller.
options:
  inventory:
    description: The countynet inventory folder (network.yml, nofbi.yml, towns/).
    type: path
    required: true
  fail_on_warnings:
    description: Fail on warnings too.
    type: bool
    default: false
author: countynet
"""

EXAMPLES = r"""
- name: Validate the inventory
  countynet.net.countynet_validate:
    inventory: inventory
  run_once: true
  delegate_to: localhost
"""

RETURN = r"""
summary:
  description: Counts (towns, sites, devices, links) of the validated inventory.
  type: dict
  returned: always
error_count:
  description: Number of findings of severity error.
  type: int
  returned: always
warning_count:
  description: Number of findings of severity warning.
  type: int
  returned: always
findings:
  description: Every finding, one line each (file:line:col rule severity message).
  type: list
  elements: str
  returned: always
"""

import contextlib
import sys

from ansible.module_utils.basic import AnsibleModule


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "inventory": {"type": "path", "required": True},
            "fail_on_warnings": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    from countynet.checks.engine import validate
    from countynet.errors import CountynetError

    try:
        with contextlib.redirect_stdout(sys.stderr):
            report = validate(module.params["inventory"])
    except CountynetError as exc:
        module.fail_json(msg=f"{exc.what}{' (' + exc.fix + ')' if exc.fix else ''}")
    findings = [f.format() for f in report.findings]
    result = {
        "changed": False,
        "summary": dict(report.summary),
        "error_count": report.errors,
        "warning_count": report.warnings,
        "findings": findings,
        "seconds": round(report.seconds, 3),
    }
    bad = report.errors + (report.warnings if module.params["fail_on_warnings"] else 0)
    if bad or report.context is None:
        shown = [f.format() for f in report.findings if f.severity == "error" or module.params["fail_on_warnings"]]
        module.fail_json(
            msg=f"inventory has {report.errors} error(s), {report.warnings} warning(s): " + "; ".join(shown[:20]),
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
