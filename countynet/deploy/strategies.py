"""How a candidate is loaded onto a device, as the platform row's deploy strategy says.

The deploy task calls `load_candidate` and never asks which platform it talks to: a "replace"
row loads the rendered config whole (napalm's load_replace_candidate + compare_config); a "patch"
row reads the running config through the driver, computes the patch with the row's own function
and merges that (load_merge_candidate), so what is shown and committed is exactly the patch.
`check_supported` refuses a row whose strategy its driver cannot carry out, before anything
connects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from countynet.errors import CountynetError
from countynet.platforms import Platform, platform_of


def check_supported(rows: Iterable[Platform], commit: bool = True) -> None:
    """One-line CountynetError for the first row whose deploy strategy cannot work."""
    for row in sorted({r.name: r for r in rows}.values(), key=lambda r: r.name):
        d = row.deploy
        where = f"countynet/platforms/{row.name}.py"
        if d.load == "patch" and d.patch is None:
            raise CountynetError(
                f"platform {row.name}: deploy strategy 'patch' has no patch function",
                f"give DeployStrategy(patch=...) in {where}, or use load='replace'",
            )
        if commit and d.load == "replace" and d.revert_in and not d.replace_revert_in:
            raise CountynetError(
                f"platform {row.name}: driver {row.driver!r} cannot commit a full replace with revert_in"
                " (commit-confirm)",
                f"use DeployStrategy(load='patch', patch=...) in {where}",
            )


def check_hosts(hosts: Any, names: Iterable[str], commit: bool) -> None:
    """check_supported over the platform rows of the Nornir hosts about to be deployed."""
    rows = []
    for n in names:
        if n in hosts:
            try:
                rows.append(platform_of(hosts[n]))
            except KeyError:  # a driver with no row (test doubles): nothing to check
                continue
    check_supported(rows, commit)


def missing_requirements(row: Platform, text: str) -> list[str]:
    """Why the rendered config cannot be deployed with this row's strategy (e.g. IOS `archive`)."""
    return [why for rx, why in row.deploy.required if not re.search(rx, text, re.M)]


def load_candidate(conn: Any, row: Platform, rendered: str) -> str:
    """Load the candidate for `rendered` and return its diff ("" when the device already runs it)."""
    if row.deploy.load == "replace":
        conn.load_replace_candidate(config=rendered)
        return str(conn.compare_config() or "")
    if row.deploy.patch is None:
        raise CountynetError(f"platform {row.name}: no patch function", "see countynet.deploy.strategies")
    running = conn.get_config(retrieve="running")["running"]
    script = row.deploy.patch(running, rendered)
    if script:
        conn.load_merge_candidate(config=script)
    return script
