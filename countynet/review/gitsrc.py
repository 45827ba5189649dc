"""Both sides of a review from git: the inventory (and templates) folder as of a revision.

A revision is read with `git archive` into a temporary folder, so the working tree, the index and
the current branch are never touched (the review runs in CI checkouts and in people's clones).
Both revisions come from a pull request's world, so the archive is untrusted: it is streamed, and
every tar member is inspected before it is written (countynet.inventory.limits: file count, file
and total size, paths out of the folder, symlinks out of it, hard links and special files).
"""

from __future__ import annotations

import posixpath
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from countynet.errors import CountynetError, Pos
from countynet.inventory import limits as lim
from countynet.inventory.limits import InputRefused, Limits

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
                lim.check_tree(local, display=rel)  # rendered into the plan: no symlink may leak a file
                return local
        elif exists(repo, commit, rel):
            return extract(repo, commit, rel, dest)
    return None


def extract(repo: Repo, commit: str, path: str, dest: Path, limits: Limits | None = None) -> Path | None:
    """Write folder `path` as of `commit` under `dest` and return its new location (None: absent).

    Raises InputRefused (naming the file, as it is in the repository) when the revision's folder
    goes beyond the budget; nothing past the refused member is read.
    """
    if not exists(repo, commit, path):
        return None
    limits = limits or lim.current()
    args = ["git", "-C", str(repo.top), "archive", "--format=tar", commit]
    if path:
        args += ["--", path]
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        _extract_stream(proc.stdout, path, dest, limits)
    except tarfile.TarError as exc:
        raise CountynetError(f"git archive {commit[:10]} -- {path or '.'}: unreadable output ({exc})") from None
    finally:
        proc.kill()  # refused early: stop git writing the rest
        proc.wait()
    return dest / path if path else dest


def _extract_stream(stream: IO[bytes], path: str, dest: Path, limits: Limits) -> None:
    prefix = path.rstrip("/") + "/" if path else ""
    count = total = 0
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            count += 1
            if count > limits.files:
                raise InputRefused(
                    lim.FILES,
                    f"the revision holds more than {limits.files} files under {path or '.'}",
                    "raise COUNTYNET_LIMIT_FILES if this is a real inventory",
                    Pos(path or "."),
                )
            _check_member(member, prefix, limits)
            total += member.size if member.isreg() else 0
            if total > limits.total_bytes:
                raise InputRefused(
                    lim.SIZE,
                    f"the revision's files hold over {limits.total_bytes} bytes (the total_bytes limit)",
                    "raise COUNTYNET_LIMIT_TOTAL_BYTES if this is a real inventory",
                    Pos(member.name, 1, 1),
                )
            tar.extract(member, dest, filter="data")


def _check_member(member: tarfile.TarInfo, prefix: str, limits: Limits) -> None:
    """Refuse a member before anything of it is written (its header is all that has been read)."""
    name = member.name
    where = Pos(name, 1, 1)
    norm = posixpath.normpath(name)
    if name.startswith("/") or norm == ".." or norm.startswith("../") or not (name + "/").startswith(prefix):
        raise InputRefused(lim.OUTSIDE, "a path outside the folder in the archive", "remove it", where)
    if member.issym():
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), member.linkname))
        escapes = target == ".." or target.startswith("../") or member.linkname.startswith("/")
        if escapes or not (target + "/").startswith(prefix):
            raise InputRefused(
                lim.OUTSIDE,
                f"this file leads outside the inventory folder (a symlink to {member.linkname})",
                "replace the symlink by the file itself",
                where,
            )
    elif not (member.isreg() or member.isdir()):
        raise InputRefused(lim.OUTSIDE, "this is not a regular file", "replace it by a plain file", where)
    if member.isreg() and member.size > limits.file_bytes:
        raise InputRefused(
            lim.SIZE,
            f"this file is {member.size / lim.MiB:.1f} MB, over the file_bytes limit of "
            f"{limits.file_bytes / lim.MiB:.1f} MB",
            "split the file, or raise COUNTYNET_LIMIT_FILE_BYTES if this is a real inventory",
            where,
        )
