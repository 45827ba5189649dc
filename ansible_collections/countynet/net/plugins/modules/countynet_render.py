#!/usr/bin/python
"""Ansible module: render one device's config with countynet's renderer (byte-identical to the CLI)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: countynet_render
short_description: Render one countynet device config to a file
description:
  - Builds the device's intent and renders it through countynet's one Jinja environment, exactly as
    C(countynet render) does, and writes C(<dest>/<host><suffix>) with the same writer (atomic; a
    file countynet did not render is kept as C(.bak)).
  - Reports changed only when the file's content changed; supports check mode and diff mode.
  - Fails when the rendered text breaks a security-baseline rule (the CLI exits 1 then).
  - With O(hosts) instead of O(host), renders a whole batch in one controller run (one model load
    instead of one per device); C(changed_hosts) tells which files changed.
options:
  inventory:
    description: The countynet inventory folder.
    type: path
    required: true
  host:
    description: Device name (the Ansible inventory_hostname).
    type: str
  hosts:
    description: Several device names, rendered in one run (e.g. C(ansible_play_hosts) with run_once).
    type: list
    elements: str
  dest:
    description: Folder for rendered files (like C(countynet render --out)).
    type: path
    required: true
  platform_override:
    description: Render as this platform (C(frr) for the virtual lab).
    type: str
author: countynet
"""

EXAMPLES = r"""
- name: Render the config
  countynet.net.countynet_render:
    inventory: inventory
    host: "{{ inventory_hostname }}"
    dest: rendered
  delegate_to: localhost
"""

RETURN = r"""
path:
  description: The rendered file (with O(host)).
  type: str
  returned: with host
platform:
  description: Platform rendered for (with O(host)).
  type: str
  returned: with host
paths:
  description: Rendered file per device.
  type: dict
  returned: always
changed_hosts:
  description: Devices whose file changed (or would change in check mode).
  type: list
  elements: str
  returned: always
findings:
  description: Security-baseline findings of the rendered text.
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
            "host": {"type": "str"},
            "hosts": {"type": "list", "elements": "str"},
            "dest": {"type": "path", "required": True},
            "platform_override": {"type": "str"},
        },
        mutually_exclusive=[("host", "hosts")],
        required_one_of=[("host", "hosts")],
        supports_check_mode=True,
    )
    p = module.params
    from countynet.errors import CountynetError
    from countynet.intent.secrets import env_resolver, secret_values
    from countynet.jobs.common import Selection
    from countynet.jobs.render import RenderOptions, render
    from countynet.model import load_model
    from countynet.render.renderer import file_name, write_rendered

    hosts = [p["host"]] if p["host"] else sorted(set(p["hosts"]))
    try:
        with contextlib.redirect_stdout(sys.stderr):
            opts = RenderOptions(Selection(hosts=tuple(hosts)), None, p["platform_override"] or None)
            rendered = render(load_model(p["inventory"]), opts)
    except CountynetError as exc:
        module.fail_json(msg=f"{exc.what}{' (' + exc.fix + ')' if exc.fix else ''}")
    texts, platforms = rendered.texts, rendered.platforms
    paths: dict[str, str] = {}
    changed_hosts: list[str] = []
    diffs: list[dict[str, str]] = []
    for host in sorted(texts):
        path = Path(p["dest"]) / file_name(host, platforms[host])
        paths[host] = str(path)
        before = None
        if path.exists():
            try:
                before = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                before = ""
        if before == texts[host]:
            continue
        changed_hosts.append(host)
        diffs.append(
            {
                "before": before or "",
                "after": texts[host],
                "before_header": str(path) if before is not None else "(absent)",
                "after_header": str(path),
            }
        )
    if changed_hosts and not module.check_mode:
        write_rendered({h: texts[h] for h in changed_hosts}, platforms, p["dest"])
    resolver = env_resolver()
    module.no_log_values.update(v for t in texts.values() for v in secret_values(t, resolver))
    findings = [f.format() for f in rendered.findings]
    result = {"changed": bool(changed_hosts), "paths": paths, "changed_hosts": changed_hosts, "findings": findings}
    if p["host"]:
        result["path"] = paths[p["host"]]
        result["platform"] = platforms[p["host"]]
    if module._diff and diffs:
        result["diff"] = diffs[0] if len(diffs) == 1 else diffs
    if findings:
        module.fail_json(msg=f"{len(findings)} baseline finding(s): " + "; ".join(findings[:20]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
