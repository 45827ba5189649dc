"""Golden error cases: a small bad inventory -> the exact finding lines it must produce.

Each folder under `errors/` is named `<RULE-ID>-<what>` and holds only the files that differ
from `tests/fixtures/mini` (copied over it), plus `expected.txt`: finding lines, with paths
relative to the inventory folder `inv/`. A file named `<name>.delete` removes `<name>`; one named
`<name>.symlink` makes `<name>` a symlink to the path it holds; a file `env` holds KEY=VALUE
lines set in the environment for the case (e.g. a small COUNTYNET_LIMIT_* budget).
Set COUNTYNET_REGEN=1 to rewrite expected.txt from the current output (review the diff!).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from countynet.checks.engine import validate
from countynet.checks.registry import all_rules

HERE = Path(__file__).parent
MINI = HERE.parent / "fixtures" / "mini"
CASES = sorted(p for p in (HERE / "errors").iterdir() if p.is_dir())


def build_case(case: Path, tmp_path: Path) -> Path:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    for src in case.rglob("*"):
        if src.is_dir() or src.name in ("expected.txt", "env"):
            continue
        rel = src.relative_to(case)
        if src.suffix == ".delete":
            (inv / rel.with_suffix("")).unlink()
            continue
        if src.suffix == ".symlink":
            (inv / rel.with_suffix("")).unlink(missing_ok=True)
            (inv / rel.with_suffix("")).symlink_to(src.read_text().strip())
            continue
        (inv / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, inv / rel)
    return inv


def run_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    build_case(case, tmp_path)
    env = case / "env"
    for line in env.read_text().splitlines() if env.exists() else []:
        key, _, value = line.partition("=")
        monkeypatch.setenv(key.strip(), value.strip())
    monkeypatch.chdir(tmp_path)
    from countynet.errors import CountynetError

    try:
        report = validate(Path("inv"))
    except CountynetError as exc:
        return [str(exc)]
    return [f.format() for f in report.findings]


def test_mini_fixture_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(MINI.parent)
    report = validate(Path("mini"))
    assert [f.format() for f in report.findings] == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_error_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    got = run_case(case, tmp_path, monkeypatch)
    expected_file = case / "expected.txt"
    if os.environ.get("COUNTYNET_REGEN"):
        rule_id = case.name.split("-")[0]
        expected_file.write_text("\n".join(line for line in got if rule_id in line) + "\n")
    expected = [line for line in expected_file.read_text().splitlines() if line.strip()]
    assert expected, f"{expected_file} is empty"
    missing = [line for line in expected if line not in got]
    assert not missing, "expected findings not produced:\n" + "\n".join(missing) + "\n\ngot:\n" + "\n".join(got)
    assert any(case.name.split("-")[0] in line for line in got)


def test_every_rule_has_a_golden_case() -> None:
    covered = {c.name.split("-")[0] for c in CASES}
    missing = [rid for rid, _n, _s, scope, _d in all_rules() if scope in ('load', 'model') and rid not in covered]
    assert not missing, f"rules without a golden error case: {missing}"
