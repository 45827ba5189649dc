"""Both sides of a review from git: the inventory (and templates) folder as of a revision.

A revision is read with `git archive` into a temporary folder, so the working tree, the index and
the current branch are never touched (the review runs in CI checkouts and in people's clones).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from countynet.errors import CountynetError

# Where a repository keeps templates: a user's override folder, or the package's own folder when
# the repository is countynet itself. Absent from both sides: the installed package's templates.
TEMPLATE_DIRS = ("templates", "countynet/templates")


@dataclass
class Repo:
    """The git repository holding the inventory, and the inventory's path inside it."""

    top: Path
    inventory: str  # relative to top, posix; "" when the inventory is the repository itself

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            proc = subprocess.run(["git", "-C", str(self.top), *args], capture_output=True, check=False)
        except FileNotFoundError as exc:
            raise CountynetError("git is not installed", "install git to compare revisions") from exc
        if check and proc.returncode != 0:
            msg = proc.stderr.decode(errors="replace").strip().splitlines()
            raise CountynetError(f"git {' '.join(args[:2])} failed: {msg[-1] if msg else proc.returncode}")
        return proc


def find_repo(inventory: Path) -> Repo:
    """The repository of `inventory` (which need not exist in the working tree)."""
    inventory = inventory.resolve()
    probe = inventory
    while not probe.is_dir() and probe != probe.parent:
        probe = probe.parent
    try:
        proc = subprocess.run(
            ["git", "-C", str(probe), "rev-parse", "--show-toplevel"], capture_output=True, check=False
        )
    except FileNotFoundError as exc:
        raise CountynetError("git is not installed", "install git to compare revisions") from exc
    if proc.returncode != 0:
        raise CountynetError(
            f"{inventory} is not inside a git repository",
            "run `countynet diff` in a clone of the repository holding the inventory",
        )
    top = Path(proc.stdout.decode().strip()).resolve()
    try:
        rel = inventory.relative_to(top).as_posix()
    except ValueError as exc:
        raise CountynetError(f"{inventory} is outside the repository {top}") from exc
    return Repo(top, "" if rel == "." else rel)


def resolve(repo: Repo, rev: str) -> str:
    """The commit id of `rev`, or a one-line error naming the revision."""
    if not rev or rev.startswith("-"):
        raise CountynetError(f"invalid git revision {rev!r}", "pass a branch, tag or commit, e.g. --base origin/main")
    proc = repo.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    if proc.returncode != 0:
        raise CountynetError(
            f"unknown git revision {rev!r}",
            "check the name, or fetch it first (CI: actions/checkout with fetch-depth: 0)",
        )
    return proc.stdout.decode().strip()


def exists(repo: Repo, commit: str, path: str) -> bool:
    return repo.git("cat-file", "-e", f"{commit}:{path}" if path else f"{commit}^{{tree}}", check=False).returncode == 0


def tree_id(repo: Repo, commit: str, path: str) -> str | None:
    proc = repo.git("rev-parse", "--verify", "--quiet", f"{commit}:{path}", check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def templates_at(repo: Repo, commit: str | None, dest: Path) -> Path | None:
    """The templates folder as of `commit` (None: the working tree); None when the repo has none."""
    for rel in TEMPLATE_DIRS:
        if commit is None:
            local = repo.top / rel
            if local.is_dir():
                return local
        elif exists(repo, commit, rel):
            return extract(repo, commit, rel, dest)
    return None


def extract(repo: Repo, commit: str, path: str, dest: Path) -> Path | None:
    """Write folder `path` as of `commit` under `dest` and return its new location (None: absent)."""
    if not exists(repo, commit, path):
        return None
    args = ["archive", "--format=tar", commit]
    if path:
        args += ["--", path]
    data = repo.git(*args).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / path if path else dest
