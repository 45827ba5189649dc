"""Where runs keep their journals, backups and device locks (COUNTYNET_STATE, default .countynet/)."""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    path = Path(os.environ.get("COUNTYNET_STATE", ".countynet"))
    path.mkdir(parents=True, exist_ok=True)
    return path
