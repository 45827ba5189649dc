"""The shipped CI pipelines keep untrusted pull requests away from secrets, the lab and the comment.

Static checks of .github/workflows and .gitlab-ci.yml: the properties docs/untrusted-input.md
promises, so a later edit cannot quietly drop one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / ".github" / "workflows" / "countynet-plan.yml"
COMMENT = ROOT / ".github" / "workflows" / "countynet-plan-comment.yml"
# Expressions whose value an outsider controls: never inside a `run:` script (script injection).
TAINTED = re.compile(r"\$\{\{\s*(github\.event\.(pull_request\.(title|body|head\.ref|head\.label)|workflow_run\.head_branch)"
                     r"|github\.head_ref|steps\.[a-z_]+\.outputs\.towns|needs\.[a-z_]+\.outputs\.towns)")  # fmt: skip


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_plan_workflow_is_unprivileged_and_bounded() -> None:
    wf = _load(PLAN)
    assert set(wf["on"]) == {"pull_request"}  # never pull_request_target: it would hand the PR a write token
    assert wf["permissions"] == {"contents": "read"}
    for name, job in wf["jobs"].items():
        assert job["timeout-minutes"] <= 60, name
        assert all(s.get("with", {}).get("persist-credentials") is False for s in job["steps"]
                   if s.get("uses", "").startswith("actions/checkout")), name  # fmt: skip
        for script in _runs(job):
            assert not TAINTED.search(script), script
            for line in script.replace("\\\n", " ").splitlines():  # continuation lines joined
                if re.match(r"\s*(sudo\s+(-E\s+)?(env\s+)?(\S+=\S+\s+)*)?countynet\s", line):
                    raise AssertionError(f"not under scripts/ci-bounded: {line}")
    plan = wf["jobs"]["plan"]
    assert "secrets." not in yaml.safe_dump(plan)
    assert "pull-requests" not in yaml.safe_dump(wf)


def test_lab_of_a_fork_waits_for_a_maintainer() -> None:
    lab = _load(PLAN)["jobs"]["lab"]
    assert "head.repo.full_name == github.repository" in lab["environment"]
    assert "'lab-fork'" in lab["environment"]
    assert "secrets." in yaml.safe_dump(lab["env"])  # lab secrets exist only in the lab job (environment-scoped)


def test_comment_workflow_runs_trusted_code_on_the_untrusted_plan() -> None:
    wf = _load(COMMENT)
    assert set(wf["on"]) == {"workflow_run"}
    job = wf["jobs"]["comment"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert "ref" not in checkout.get("with", {})  # the default branch, never the pull request's head
    scripts = "\n".join(_runs(job))
    assert "countynet.review.fromjson untrusted/plan.json" in scripts
    assert "HEAD_SHA" in scripts and '[ "$sha" = "$HEAD_SHA" ]' in scripts  # the PR number is checked
    assert "plan.md" not in scripts  # the untrusted run's own Markdown is never posted
    for script in _runs(job):
        assert not TAINTED.search(script), script


def test_gitlab_forks_get_no_token_and_a_manual_lab() -> None:
    ci = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    plan, lab, comment = ci["countynet-plan"], ci["countynet-lab"], ci["countynet-comment"]
    assert "tags" not in plan and "COUNTYNET_BOT_TOKEN" not in yaml.safe_dump(plan)
    assert all(job["timeout"] for job in (plan, lab, comment))
    fork = lab["rules"][0]
    assert fork["if"] == "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID != $CI_PROJECT_ID" and fork["when"] == "manual"
    assert "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID" in comment["rules"][0]["if"]
    assert any("countynet.review.fromjson" in line for line in comment["script"])
    assert any("/tmp/trusted" in line for line in comment["before_script"])
    assert all("ci-bounded" in line for line in plan["script"] if "countynet " in line)
