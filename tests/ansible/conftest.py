"""Ansible path tests: helpers live in cn_ansible_helpers (a unique name: `ansible` is a package)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cn_ansible_helpers import mini_lab  # noqa: F401  (fixture)
