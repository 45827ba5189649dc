"""`countynet diff` on a hostile head and on a hostile base: one finding line, seconds, tens of MB.

The base can be hostile too (a pull request against a branch its author controls), and both
revisions are read with `git archive`: every tar member is inspected before it is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from review_repo import Repo, git

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inventory"))
from hostile import ALIAS_BOMB, DEEP, MERGE_LOOP, NOT_UTF8, Measured, run_measured, write_big_scalar

SECONDS = 15.0  # git archive and two loads; a hostile side ends in about a second here
GROWTH_MB = 40.0
TOWN = "inventory/towns/ruiru.yml"

CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "alias-bomb": (
        lambda p: p.write_text(ALIAS_BOMB),
        f"{TOWN}:5:36: CN003 error: alias *c: aliases in this file expand to 10108 values, over the alias_nodes "
        "limit of 10000 (write the values out instead of nesting aliases)",
    ),
    "deep-nesting": (
        lambda p: p.write_text(DEEP),
        f"{TOWN}:2:40: CN004 error: values nested more than 32 levels deep (the depth limit) (flatten the structure)",
    ),
    "100MB-scalar": (
        write_big_scalar,
        f"{TOWN}:1:1: CN007 error: this file is 100.0 MB, over the file_bytes limit of 8.0 MB (split the file, "
        "or raise COUNTYNET_LIMIT_FILE_BYTES if this is a real inventory)",
    ),
    "merge-key-loop": (
        lambda p: p.write_text(MERGE_LOOP),
        f"{TOWN}:4:7: CN003 error: alias *d is used inside its own anchor &d (a loop) (remove the alias)",
    ),
    "symlink-outside": (
        lambda p: (p.unlink(), p.symlink_to("/etc/passwd")),
        f"{TOWN}:1:1: CN009 error: this file leads outside the inventory folder (a symlink to /etc/passwd) "
        "(replace the symlink by the file itself)",
    ),
    "not-utf8": (
        lambda p: p.write_bytes(NOT_UTF8),
        f"{TOWN}:3:10: CN000 error: not UTF-8 text: byte 0xe9 cannot be decoded (save the file as UTF-8)",
    ),
}


def hostile_branch(repo: Repo, branch: str, make: Callable[[Path], None]) -> None:
    """Commit the hostile town file on `branch`, then go back to main (the working tree stays clean)."""
    git(repo.top, "checkout", "-q", "-b", branch)
    make(repo.town())
    repo.commit(f"hostile {branch}")
    git(repo.top, "checkout", "-q", "-f", "main")


def diff(repo: Repo, *args: str) -> tuple[Measured, dict]:
    got = run_measured(["--inventory", "inventory", "diff", *args, "--json"], cwd=repo.top)
    plan = json.loads(got.output[got.output.index("{") :]) if "{" in got.output else {}
    return got, plan


def _bounded(got: Measured) -> None:
    assert got.seconds < SECONDS, f"{got.seconds:.1f} s"
    assert got.grew_mb < GROWTH_MB, f"peak RSS grew {got.grew_mb:.0f} MB"


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_head(case: str, repo: Repo) -> None:
    make, line = CASES[case]
    hostile_branch(repo, "pr", make)
    got, plan = diff(repo, "--base", "main", "--head", "pr")
    assert got.code == 1, got.output[-2000:]
    assert [f"{f['file']}:{f['line']}:{f['col']}: {f['rule']} error: {f['message']} ({f['hint']})"
            for f in plan["findings"]] == [line]
    assert plan["devices"] == []
    _bounded(got)


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_base(case: str, repo: Repo) -> None:
    """The head (the clean working tree) is planned; the base's one finding is in a note."""
    make, line = CASES[case]
    hostile_branch(repo, "evil", make)
    got, plan = diff(repo, "--base", "evil")
    assert got.code == 0, got.output[-2000:]
    assert [f for f in plan["findings"] if f["severity"] == "error"] == []
    assert any(line in note for note in plan["notes"]), plan["notes"]
    assert {d["status"] for d in plan["devices"]} == {"added"}  # nothing on the base to compare with
    _bounded(got)


def test_a_pull_requests_templates_render_in_the_sandbox(repo: Repo) -> None:
    """Templates are code from the pull request's author: no reach into Python's internals."""
    git(repo.top, "checkout", "-q", "-b", "tpl")
    base = repo.top / "templates" / "frr" / "_base.j2"
    base.write_text("{{ i.__class__.__init__.__globals__ }}\n" + base.read_text())
    repo.commit("hostile template")
    git(repo.top, "checkout", "-q", "-f", "main")
    got, _ = diff(repo, "--base", "main", "--head", "tpl")
    assert got.code == 2, got.output[-2000:]
    assert "error: the head templates cannot render" in got.output and "SecurityError" in got.output, got.output
    assert "__builtins__" not in got.output
