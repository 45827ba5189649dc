"""The wheel works wherever it is installed: built from this checkout, installed into a fresh venv, and
used from a folder outside the checkout (init -> validate -> render -> Ansible -> one-town lab rollout).

The venv sees the system site-packages (the dependencies are not reinstalled offline), but countynet and
its Ansible collection must come from the wheel: every subprocess runs without PYTHONPATH and the test
asserts where `countynet` and `countynet.net` were loaded from.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from labkit import free_mgmt_net, needs_lab

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Venv:
    root: Path
    project: Path  # written by `countynet init`, outside the checkout

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    def env(self, **extra: str) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COUNTYNET_", "ANSIBLE_"))}
        path = f"{self.root / 'bin'}{os.pathsep}{keep.get('PATH', '')}"
        return {**keep, "PATH": path, "NO_COLOR": "1", "ANSIBLE_NOCOLOR": "1", "VIRTUAL_ENV": str(self.root), **extra}

    def run(self, argv: list[str], timeout: float = 900, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=self.project, env=self.env(**extra), text=True, capture_output=True,
                              timeout=timeout)  # fmt: skip

    def countynet(self, *args: str, timeout: float = 900, **extra: str) -> subprocess.CompletedProcess[str]:
        return self.run([str(self.root / "bin" / "countynet"), *args], timeout=timeout, **extra)

    def ansible(self, tool: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        # `python -m ansible <tool>`: ansible-core's own scripts would run the system Python, not the venv's
        return self.run([self.python, "-m", "ansible", tool, *args], **extra)


def _ok(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 0, f"{r.args}\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}"
    return r.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(ROOT)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    _ok(subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), str(ROOT)],
                       env=clean, text=True, capture_output=True, timeout=600))  # fmt: skip
    wheel = next((base / "dist").glob("countynet-*.whl"))
    root = base / "venv"
    _ok(subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root)], text=True,
                       capture_output=True, env=clean))  # fmt: skip
    _ok(subprocess.run([str(root / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                       env=clean, text=True, capture_output=True, timeout=600))  # fmt: skip
    return Venv(root, base / "project")


def test_countynet_and_its_collection_come_from_the_wheel(venv: Venv) -> None:
    venv.project.mkdir(exist_ok=True)
    out = _ok(venv.run([venv.python, "-c", "import countynet; print(countynet.__file__)"]))
    assert Path(out.strip()).is_relative_to(venv.root), out
    doc = _ok(venv.ansible("doc", "-t", "inventory", "--json", "countynet.net.countynet"))
    src = json.loads(doc)["countynet.net.countynet"]["doc"]["filename"]
    assert Path(src).is_relative_to(venv.root), src


@pytest.fixture(scope="module")
def project(venv: Venv) -> Path:
    """`countynet init` into a new folder outside the checkout (the management /24 moved if taken)."""
    venv.project.mkdir(exist_ok=True)
    _ok(venv.countynet("init", str(venv.project)))
    town = venv.project / "inventory" / "towns" / "ruiru.yml"
    wanted = re.search(r"^management: (\S+)", town.read_text(), re.M).group(1)  # type: ignore[union-attr]
    net = free_mgmt_net(wanted, start=200)
    town.write_text(re.sub(r"^management: \S+", f"management: {net}", town.read_text(), flags=re.M))
    _ok(venv.countynet("allocate"))
    return venv.project


def test_init_refuses_to_overwrite_and_backs_up(venv: Venv, project: Path) -> None:
    before = (project / "README.md").read_text()
    (project / "README.md").write_text("mine\n")
    r = venv.countynet("init", str(project))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "would overwrite" in r.stderr, r.stderr
    assert (project / "README.md").read_text() == "mine\n"
    lock = (project / "inventory" / "allocations.yml").read_text()
    r = venv.countynet("init", str(project), "--backup", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["backups"]["README.md"] == "README.md.bak"
    assert (project / "README.md.bak").read_text() == "mine\n" and (project / "README.md").read_text() == before
    # put the test's own management subnet back (init wrote the example's again)
    (project / "inventory" / "allocations.yml.bak").replace(project / "inventory" / "allocations.yml")
    (project / "inventory" / "towns" / "ruiru.yml.bak").replace(project / "inventory" / "towns" / "ruiru.yml")
    assert (project / "inventory" / "allocations.yml").read_text() == lock
    _ok(venv.countynet("allocate", "--check"))


def test_validate_render_and_ansible_from_the_installed_package(venv: Venv, project: Path) -> None:
    out = _ok(venv.countynet("validate"))
    assert "1 towns, 4 agency sites, 7 devices, 6 links: 0 errors, 0 warnings" in out
    assert "rendered 7" in _ok(venv.countynet("render", "--out", "rendered"))
    graph = _ok(venv.ansible("inventory", "--graph"))
    for group in ("@town_ruiru", "@role_hub", "@role_agency", "@platform_routeros"):
        assert group in graph, graph
    # the collection's render playbook (via the project's playbooks/) writes the very same files
    _ok(venv.ansible("playbook", "playbooks/render.yml", "-e", f"countynet_render_dest={project / 'by-ansible'}"))
    cli = {p.name: p.read_bytes() for p in (project / "rendered").iterdir()}
    ans = {p.name: p.read_bytes() for p in (project / "by-ansible").iterdir()}
    assert cli == ans and len(cli) == 7
    r = _ok(venv.ansible("adhoc", "localhost", "-m", "ansible.builtin.debug", "-a",
                         "msg={{ '10.1.2.3/24' | countynet.net.ios_address }}"))  # fmt: skip
    assert "10.1.2.3 255.255.255.0" in r


@pytest.fixture
def lab_name(venv: Venv, project: Path) -> Iterator[str]:
    name = f"cnwhl{os.getpid()}"
    try:
        yield name
    finally:
        venv.countynet("lab", "down", "--name", name, timeout=300)


@pytest.mark.lab
@needs_lab
def test_one_town_lab_rollout_from_the_installed_package(venv: Venv, project: Path, lab_name: str) -> None:
    r = venv.countynet("rollout", "--target", "lab", "--lab-name", lab_name, "--json", timeout=1500)
    assert r.returncode == 0, (r.stdout[-4000:], r.stderr[-4000:])
    data = json.loads(r.stdout[r.stdout.rindex("\n{\n") :] if "\n{\n" in r.stdout else r.stdout)
    assert data["verify_ok"] is True
    assert data["towns"] == [{"town": "ruiru", "planned": 4, "deployed": 4, "verified": 4, "devices": 7,
                              "failed_checks": 0}]  # fmt: skip
    journal = project / ".countynet" / "runs" / data["deploy_run"] / "journal.jsonl"
    assert journal.is_file()
    # the installed collection's modules deploy (check mode: nothing left to change) and verify the lab
    from countynet.lab.state import state_root

    env = {"COUNTYNET_LAB_INVENTORY": str(state_root() / lab_name / "inventory.yaml")}
    out = _ok(venv.ansible("playbook", "playbooks/deploy.yml", "--check", **env))
    assert re.search(r"rru-hub\s+: ok=\d+\s+changed=0", out), out[-3000:]
    out = _ok(venv.ansible("playbook", "playbooks/verify.yml", **env))
    assert re.search(r"rru-police\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", out), out[-3000:]
