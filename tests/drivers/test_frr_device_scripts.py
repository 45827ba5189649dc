"""The FRR driver's device-side helpers run with the device's own shell, on this host: the vtysh
shim frr-reload runs (marks of the same candidate once; frr.conf left to the commit script) and
the staging lines that carry a candidate inside the script that checks it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from countynet.drivers import frr_scripts as scripts

FAKE_VTYSH = """#!/bin/sh
echo "$*" >> "$LOG"
case "$*" in *-m*) cat "$(eval echo \\${$#})" | sed 's/^/marked: /'; [ -n "${FAIL:-}" ] && exit 3 ;; esac
exit 0
"""


@pytest.fixture
def shim(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A state dir with the shim installed (by SHIM_FN, as a commit does) and a fake real vtysh."""
    real = tmp_path / "real-vtysh"
    real.write_text(FAKE_VTYSH)
    real.chmod(0o755)
    sd = tmp_path / "sd"
    env = {"PATH": f"{tmp_path}/path:/usr/bin:/bin", "SD": str(sd), "LOG": str(tmp_path / "calls"),
           "VTYSH_SHIM": scripts.VTYSH_SHIM}  # fmt: skip
    (tmp_path / "path").mkdir()
    (tmp_path / "path" / "vtysh").symlink_to(real)
    subprocess.run(["sh", "-s"], input=scripts.SHIM_FN, text=True, env=env, check=True)
    env |= {"VTYSH": str(tmp_path / "path" / "vtysh")}
    return sd / "bin" / "vtysh", env


def run(shim: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(shim), "--config_dir", "/etc/frr", *args], capture_output=True, text=True, env=env)


def calls(env: dict[str, str]) -> list[str]:
    path = Path(env["LOG"])
    return path.read_text().splitlines() if path.exists() else []


def test_a_mark_of_the_same_content_runs_vtysh_once(shim: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path, env = shim
    a, b = tmp_path / "candidate.conf", tmp_path / "committed.conf"
    a.write_text("hostname r1\n")
    b.write_text("hostname r1\n")  # the commit's copy of the candidate: another name, same content
    first, second = run(path, env, "-m", "-f", str(a)), run(path, env, "-m", "-f", str(b))
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout == "marked: hostname r1\n"
    assert len(calls(env)) == 1
    a.write_text("hostname r2\n")  # changed content is marked again
    assert run(path, env, "-m", "-f", str(a)).stdout == "marked: hostname r2\n"
    assert len(calls(env)) == 2


def test_a_failed_mark_is_not_kept(shim: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path, env = shim
    cand = tmp_path / "bad.conf"
    cand.write_text("no such command\n")
    for _ in range(2):
        assert run(path, env | {"FAIL": "1"}, "-m", "-f", str(cand)).returncode == 3
    assert len(calls(env)) == 2  # asked again: an error is never served from the cache
    assert not [p for p in (Path(env["SD"]) / "marks").iterdir() if p.stat().st_size]


def test_write_alone_is_left_to_the_commit_script_everything_else_goes_through(
    shim: tuple[Path, dict[str, str]],
) -> None:
    path, env = shim
    assert run(path, env, "-c", "write").returncode == 0
    assert calls(env) == []
    run(path, env, "-c", "configure", "-c", "write")  # not a lone write: passed on
    run(path, env, "-c", "show running-config no-header")
    run(path, env, "-m", "-f", "-")  # a mark of standard input is never cached
    assert calls(env) == [
        "--config_dir /etc/frr -c configure -c write",
        "--config_dir /etc/frr -c show running-config no-header",
        "--config_dir /etc/frr -m -f -",
    ]


def test_the_shim_is_rewritten_only_when_it_differs(shim: tuple[Path, dict[str, str]]) -> None:
    path, env = shim
    before = path.stat().st_mtime_ns
    subprocess.run(["sh", "-s"], input=scripts.SHIM_FN, text=True, env=env, check=True)
    assert path.stat().st_mtime_ns == before
    path.write_text("#!/bin/sh\nexit 0\n")  # tampered or from an older countynet: replaced
    subprocess.run(["sh", "-s"], input=scripts.SHIM_FN, text=True, env=env, check=True)
    assert path.read_text() == scripts.VTYSH_SHIM + "\n" and os.access(path, os.X_OK)


@pytest.mark.parametrize(
    "text",
    ["hostname r1\n", "no newline at the end", "", "CN_END_OF_FILE\nEOF\n'$x' `y` \\\n", "ünïcode ✓\r\n" * 500],
)
def test_staged_files_arrive_byte_for_byte(tmp_path: Path, text: str) -> None:
    sd = tmp_path / "sd"
    stale = tmp_path / "old.conf"
    stale.write_text("left over")
    target, nft = str(sd / "cand.conf"), str(sd / "cand.nft")
    body = scripts.stage({target: text, nft: "table inet x {}\n"}, [str(stale)])
    res = subprocess.run(["sh", "-s"], input=body, text=True, env={"SD": str(sd), "PATH": "/usr/bin:/bin"})
    assert res.returncode == 0
    assert Path(target).read_bytes() == text.encode() and Path(nft).read_text() == "table inet x {}\n"
    assert not stale.exists()
    assert (Path(target).stat().st_mode & 0o777) == 0o600
