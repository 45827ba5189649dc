"""Helpers for the review tests: a throw-away git repository with the mini inventory and real templates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from countynet.allocate.allocator import allocate
from countynet.allocate.lockfile import write_lock
from countynet.cli.main import app
from countynet.inventory.loader import load
from countynet.inventory.topology import build
from countynet.render.environment import TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"
SECRETS = {
    "COUNTYNET_ADMIN_PASSWORD": "Adm1n-Sekrit-7731",
    "COUNTYNET_SNMP_AUTH": "Snmp-Auth-Sekrit-4410",
    "COUNTYNET_SNMP_PRIV": "Snmp-Priv-Sekrit-9902",
    "COUNTYNET_WIFI_PSK": "Wifi-Psk-Sekrit-1187",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Repo:
    """The repository under test, with helpers to edit the inventory and commit."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.inv = top / "inventory"

    def town(self, name: str = "ruiru") -> Path:
        return self.inv / "towns" / f"{name}.yml"

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.town(name)
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))

    def allocate(self) -> None:
        """What a person runs after adding a site: refresh allocations.yml."""
        inv = load(self.inv).inventory
        assert inv is not None
        write_lock(self.inv, allocate(inv, build(inv)).to_lock())
        (self.inv / "allocations.yml.bak").unlink(missing_ok=True)

    def commit(self, message: str) -> str:
        git(self.top, "add", "-A")
        git(self.top, "commit", "-q", "-m", message)
        return git(self.top, "rev-parse", "HEAD")

    def diff(self, *args: str) -> tuple[int, str, str]:
        """Run `countynet diff` in-process: (exit code, stdout, stderr)."""
        result = CliRunner().invoke(app, ["--inventory", str(self.inv), "diff", *args])
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.stdout, result.stderr

    def plan(self, *args: str) -> dict[str, Any]:
        code, out, err = self.diff(*args, "--json")
        assert code in (0, 1), err
        data: dict[str, Any] = json.loads(out)
        return data


def _second_town(text: str) -> str:
    """Juja: ruiru renamed and renumbered, so that one town's change can be seen not to touch another."""
    text = text.replace("name: ruiru", "name: juja").replace("rru-", "jja-")
    text = text.replace("asn: 65190", "asn: 65191").replace("10.100.0.0/20", "10.100.16.0/20")
    return re.sub(r"172\.28\.90\.0/24", "172.28.91.0/24", text)


def make_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    top = tmp_path / "repo"
    shutil.copytree(MINI, top / "inventory")
    shutil.copytree(TEMPLATES, top / "templates")
    (top / "inventory" / "allocations.yml.bak").unlink(missing_ok=True)
    r = Repo(top)
    r.town("juja").write_text(_second_town(r.town("ruiru").read_text()))
    nofbi = r.inv / "nofbi.yml"
    nofbi.write_text(nofbi.read_text() + "      - {town: juja, prefix: 10.254.0.2/31}\n")
    r.allocate()
    git(top, "init", "-q", "-b", "main")
    git(top, "config", "user.email", "test@example.org")
    git(top, "config", "user.name", "test")
    git(top, "config", "commit.gpgsign", "false")
    r.commit("base")
    monkeypatch.chdir(top)
    return r
