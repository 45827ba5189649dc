"""`ansible-builder create` makes the execution environment's build context (building the image needs a
container engine, which CI lacks: docs/awx.md), and the EE's requirements are countynet's own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_ee_requirements_are_pyprojects() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = [ln for ln in (ROOT / "ee" / "requirements.txt").read_text().splitlines() if ln and ln[0] != "#"]
    assert lines == [d for d in deps if not d.startswith("ansible-core")]
    ee = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    core = next(d for d in deps if d.startswith("ansible-core"))
    assert ee["dependencies"]["ansible_core"]["package_pip"] == core
    assert ee["version"] == 3


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ansible-builder") is None, reason="ansible-builder not installed")
def test_ansible_builder_create(tmp_path: Path) -> None:
    for name in ("execution-environment.yml", "ee"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                        str(ROOT)], env=clean, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = subprocess.run(["ansible-builder", "create", "-c", "context", "--output-filename", "Containerfile"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Complete! The build context can be found at" in r.stdout
    ctx = tmp_path / "context"
    containerfile = (ctx / "Containerfile").read_text()
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core>=2.19,<2.20 ansible-runner>=2.4,<2.5"' in containerfile
    assert "RUN $PYCMD -m pip install --no-deps /tmp/countynet-wheels/countynet-*.whl" in containerfile
    assert [p.name for p in (ctx / "_build" / "wheels").iterdir()] == ["countynet-0.1.0-py3-none-any.whl"]
    assert (ctx / "_build" / "requirements.txt").read_text() == (ROOT / "ee" / "requirements.txt").read_text()
    # ansible-builder's own introspection reads both dependency files as the image build will
    r = subprocess.run(["ansible-builder", "introspect", "--sanitize", "--user-pip", "ee/requirements.txt",
                        "--user-bindep", "ee/bindep.txt", str(tmp_path)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    intro = yaml.safe_load(r.stdout[r.stdout.index("python:") :])
    assert "napalm>=5.2,<5.3  # from collection user" in intro["python"]
    assert "openssh-clients [platform:rpm]  # from collection user" in intro["system"]
