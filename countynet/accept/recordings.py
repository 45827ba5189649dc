"""Recorded radio outputs on disk: <DIR>/[<town>/]<unit>/<command file>.txt.

A unit is the radio a hop is measured at: the agency site's name for a sector station, and
`<link>.b` for the far radio of a PtP link. The file name is the command with `/` and spaces
turned into `_`, e.g. `interface_wireless_registration-table_print_detail_without-paging.txt`,
so an installer can save each command's output by hand (`/export file=` or copy-paste) and
the same folder is read back offline.
"""

from __future__ import annotations

from pathlib import Path

from countynet.errors import CountynetError
from countynet.inventory.limits import Budget, current, read_user_file

Collected = dict[str, dict[str, str]]  # unit -> command -> output


def file_name(command: str) -> str:
    return command.strip().strip("/").replace("/", "_").replace(" ", "_") + ".txt"


def load_recordings(root: Path | str, commands: list[str]) -> Collected:
    """Every unit folder under `root` (one level of town folders allowed) with the outputs it holds."""
    root = Path(root)
    if not root.is_dir():
        raise CountynetError(f"no recordings folder {root}", "give the folder holding one folder per radio")
    names = {file_name(c): c for c in commands}
    out: Collected = {}
    budget = Budget(current())
    for path in sorted(root.rglob("*.txt")):
        cmd = names.get(path.name)
        if cmd is None or len(path.relative_to(root).parts) > 3:
            continue
        unit = path.parent.name
        # a recording is a file someone handed in: within the loading budget, never outside the folder
        data = read_user_file(path, root=root, budget=budget)
        out.setdefault(unit, {})[cmd] = data.decode("utf-8", errors="replace")
    return out
