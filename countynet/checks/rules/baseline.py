"""CN5xx: the security baseline, checked on rendered configs (scope "rendered").

The patterns are per platform and live in the platform registry (countynet.platforms.Baseline),
so these rules stay platform-neutral: a new platform brings its own patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from countynet.checks.registry import Issue, rule
from countynet.errors import Pos


@lru_cache(maxsize=256)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _forbidden(f: Any, patterns: tuple[str, ...], what: str, hint: str) -> Iterator[Issue]:
    for p in patterns:
        for m in _rx(p).finditer(f.text):
            yield Issue(Pos(f.file, _line(f.text, m.start()), 1), f"{f.hostname}: {what}", hint)


def _required(f: Any, patterns: tuple[str, ...], what: str, hint: str) -> Iterator[Issue]:
    missing = [p for p in patterns if not _rx(p).search(f.text)]
    if missing:
        yield Issue(Pos(f.file), f"{f.hostname}: {what}", hint)


@rule("CN501", "insecure-management", "error", "telnet, HTTP(S) or FTP management is enabled", scope="rendered")
def insecure_management(f: Any) -> Iterator[Issue]:
    """Telnet, HTTP and FTP carry credentials in clear over agency and radio links; management must be SSH only (the
    design's security baseline)."""
    yield from _forbidden(
        f, f.platform.baseline.insecure_management, "insecure management access enabled", "manage over SSH only"
    )


@rule("CN502", "clear-password", "error", "a password in clear text or a default credential", scope="rendered")
def clear_password(f: Any) -> Iterator[Issue]:
    """A clear or default password in a rendered config is readable by anyone who sees the file or the device, and
    default credentials are the first ones tried."""
    yield from _forbidden(
        f,
        f.platform.baseline.clear_password,
        "password in clear text or default credential",
        "reference secrets as {{secret:env:NAME}} placeholders and disable default users",
    )


@rule(
    "CN503",
    "management-acl",
    "error",
    "the management ACL (SSH from the management subnet only) is missing",
    scope="rendered",
)
def management_acl(f: Any) -> Iterator[Issue]:
    """Without the management ACL any host on an agency LAN can reach the device's SSH; management must be reachable
    only from the management subnet."""
    yield from _required(
        f, f.platform.baseline.management_acl, "management ACL missing", "restrict SSH to the management subnet"
    )


@rule("CN504", "ssh-v2", "error", "SSH version 2 only is not enforced", scope="rendered")
def ssh_v2(f: Any) -> Iterator[Issue]:
    """SSH version 1 is broken and must not be negotiable; the baseline requires version 2 only."""
    yield from _required(f, f.platform.baseline.ssh_v2, "SSHv2-only not configured", "enable SSH version 2 only")


@rule("CN505", "logging-ntp", "error", "remote logging or NTP is not configured", scope="rendered")
def logging_ntp(f: Any) -> Iterator[Issue]:
    """Without remote logging and NTP there is no trustworthy record of what happened on a device, and log timestamps
    cannot be correlated during an incident."""
    yield from _required(f, f.platform.baseline.logging, "logging not configured", "set a syslog server")
    yield from _required(f, f.platform.baseline.ntp, "NTP not configured", "set the NTP servers")


@rule("CN506", "secret-leak", "error", "a resolved secret value appears in a file meant for disk", scope="rendered")
def secret_leak(f: Any) -> Iterator[Issue]:
    """Rendered files are written to disk, diffed and reviewed; a resolved secret value in one is a credential published
    to everyone who sees the file."""
    for value in f.secret_values:
        at = f.text.find(value)
        if at >= 0:  # never echo the value itself
            yield Issue(
                Pos(f.file, _line(f.text, at), 1),
                f"{f.hostname}: a secret value is present in the rendered file",
                "render placeholders only; resolve secrets in the deploy payload",
            )
