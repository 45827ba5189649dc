"""ansible-lint (production profile) and yamllint are clean on the Ansible path."""

from __future__ import annotations

import shutil

import pytest
from cn_ansible_helpers import run

COLLECTION = "ansible_collections/countynet/net/"
PATHS = [COLLECTION + "playbooks/", COLLECTION + "roles/", "molecule/"]


@pytest.mark.skipif(shutil.which("ansible-lint") is None, reason="ansible-lint not installed")
def test_ansible_lint_production_profile() -> None:
    r = run(["ansible-lint", "--offline", "--profile", "production", *PATHS], timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Profile 'production' was required, and it passed" in r.stdout + r.stderr


@pytest.mark.skipif(shutil.which("yamllint") is None, reason="yamllint not installed")
def test_yamllint() -> None:
    r = run(["yamllint", "--strict", *PATHS, ".yamllint", ".ansible-lint"])
    assert r.returncode == 0, r.stdout + r.stderr
