"""Remediation commands for a dry run: what a reviewer of an IOS-XE change reads.

`compare_config` on IOS shows napalm's `show archive config differences` (a contextual diff of
two files); hier_config instead derives the ordered commands that take the running config to the
intended one (`no ...` for what goes, parents before children). Which hier_config OS applies is
platform data (`Platform.remediation_os`); platforms without one get no remediation.

hier_config 2.3 API (`Host`): ciscoconfparse2 0.9.18, which the IOS normalizer uses, pins
hier-config==2.3.1, so the v3 API (`get_hconfig`, `WorkflowRemediation`) cannot be installed
beside it.
"""

from __future__ import annotations

from countynet.platforms.base import Platform

HEADER = "! remediation (hier_config, running -> intended):"


def remediation(platform: Platform, hostname: str, running: str, intended: str) -> str:
    """The commands that take `running` to `intended`, or "" (no hier_config OS, or nothing to do)."""
    if platform.remediation_os is None:
        return ""
    from hier_config import Host  # type: ignore[import-untyped]  # on use: only IOS dry runs need it

    host = Host(hostname, platform.remediation_os)
    host.load_running_config(_strip(running))
    host.load_generated_config(_strip(intended))
    host.remediation_config()
    return str(host.remediation_config_filtered_text(set(), set())).strip()


def _strip(config: str) -> str:
    """Drop comment lines (`!`, countynet's header) that hier_config would keep as commands."""
    return "\n".join(line for line in config.splitlines() if not line.lstrip().startswith("!"))


def with_remediation(platform: Platform, hostname: str, diff: str, running: str, intended: str) -> str:
    """`diff`, followed by the remediation commands when the platform has them."""
    commands = remediation(platform, hostname, running, intended)
    return f"{diff}\n{HEADER}\n{commands}" if commands else diff
