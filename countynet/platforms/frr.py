"""FRRouting on Linux: the lab's platform and white-box routers. Driver: countynet's own."""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from countynet.platforms.base import PLACEHOLDER_OK, Baseline, Collection, DeployStrategy, Platform, split_frr


def interface(logical: str, kind: str, ordinal: int, vlan: int | None) -> dict[str, Any]:
    """FRR runs on Linux: the logical names are the Linux interface names (lab convention)."""
    return {"name": logical}


def validate(text: str) -> list[str]:
    """Syntax-check the FRR part with vtysh (exit 2 on errors); `vtysh -C` would accept anything."""
    code, out = _vtysh_check(split_frr(text)[0])
    if code == 0:
        return []
    return [line for line in out if "line " in line or "%" in line] or [f"vtysh exit {code}"]


def _vtysh_check(frr_text: str) -> tuple[int, list[str]]:
    vtysh = shutil.which("vtysh")
    if vtysh is None:
        return 0, []
    with tempfile.TemporaryDirectory(prefix="countynet-vtysh-") as tmp:
        (Path(tmp) / "vtysh.conf").write_text("")
        conf = Path(tmp) / "frr.conf"
        conf.write_text(frr_text)
        proc = subprocess.run(
            [vtysh, "--config_dir", tmp, "-m", "-f", str(conf)], capture_output=True, text=True, check=False
        )
    return proc.returncode, (proc.stdout + proc.stderr).splitlines()


_ERR_LINE = re.compile(r"^line (\d+):")


def validate_many(texts: dict[str, str]) -> dict[str, list[str]]:
    """All files through one vtysh run (about 30x faster than one run per file): the FRR parts are
    concatenated, an error line is mapped back to its file, and only files with an error are checked
    again alone, so every message is exactly what `validate` says for that file."""
    hosts = sorted(texts)
    parts, starts, line = [], [], 1
    for h in hosts:
        frr, _ = split_frr(texts[h])
        frr = frr if frr.endswith("\n") else frr + "\n"
        starts.append(line)
        parts.append(frr)
        line += frr.count("\n")
    code, out = _vtysh_check("".join(parts))
    if code == 0:
        return {h: [] for h in hosts}
    at = [int(m.group(1)) for m in map(_ERR_LINE.match, out) if m]
    # an error without a line number: check every file alone
    suspects = {hosts[bisect.bisect_right(starts, n) - 1] for n in at} if at else set(hosts)
    return {h: (validate(texts[h]) if h in suspects else []) for h in hosts}


def normalize(text: str, names: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """The normal form of a rendered config (parser imported on first use: it is slow to import)."""
    from countynet.platforms.frr_normalize import normalize as parse

    return parse(text, names)


ROW = Platform(
    name="frr",
    driver="frr",
    templates="frr",
    suffix=".conf",
    comment="!",
    validator=validate,
    interface=interface,
    lab_stand_in=None,
    baseline=Baseline(
        insecure_management=(
            r"^\s*ip\s+tcp\s+dport\s+23\s+accept",
            r"^\s*tcp\s+dport\s+\{?\s*(23|80|443)\b.*accept",
        ),
        clear_password=(r"^\s*(enable\s+)?password\s+" + PLACEHOLDER_OK + r"\S+",),
        management_acl=(r"^\s*table inet countynet \{", r"tcp dport 22 accept", r"tcp dport 22 drop"),
        logging=(r"^log syslog",),  # NTP and sshd belong to the Linux host, not to FRR
    ),
    # frr-reload on the device replaces the running config; the driver arms its own revert timer.
    deploy=DeployStrategy(load="replace", revert_in=True),
    collect=Collection(
        interfaces="show interface brief",
        ospf_neighbors="show ip ospf neighbor",
        bgp_summary="show bgp summary",
        routes_json="show ip route json",
        textfsm={
            "show ip ospf neighbor": "frr_show_ip_ospf_neighbor.textfsm",
            "show bgp summary": "frr_show_bgp_summary.textfsm",
            "show interface brief": "frr_show_interface_brief.textfsm",
        },
    ),
    normalize=normalize,
    outside_config=("management address", "wireless "),
    description="FRRouting 8.x on Linux (lab stand-in and white-box routers)",
    validate_many=validate_many,
)
