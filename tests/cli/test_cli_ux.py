"""The command line as a user meets it: options anywhere, tables that never cut an identifier,
one-line errors instead of tracebacks, help, completion, rule pages, a defaults file."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.deploy.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"
SHIPPED = ROOT / "inventory"


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTYNET_STATE", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "state"


def run(*args: str, columns: int = 200, inventory: Path = MINI) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["--inventory", str(inventory), *args], env={"COLUMNS": str(columns)})
    assert "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res.exit_code, res.output


# ------------------------------------------------------------------ options anywhere
def test_global_options_after_the_subcommand() -> None:
    res = CliRunner().invoke(app, ["validate", "--inventory", str(MINI), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["summary"]["devices"] == 7
    res = CliRunner().invoke(app, ["validate", "-q", "-i", str(MINI)])
    assert res.exit_code == 0 and len(res.output.strip().splitlines()) == 1, res.output
    res = CliRunner().invoke(app, ["rules", "--json", "--inventory", str(MINI)])  # --json of the command itself
    assert res.exit_code == 0 and isinstance(json.loads(res.output), list)


def test_limit_with_group_expressions(tmp_path: Path) -> None:
    code, out = run("render", "--out", str(tmp_path / "r"), "--limit", "town_ruiru:&role_agency:!rru-police", "--json")
    assert code == 0, out
    assert sorted(p.stem for p in (tmp_path / "r").iterdir()) == ["rru-hospital", "rru-school", "rru-subcounty"]
    code, out = run("render", "--out", str(tmp_path / "r2"), "--limit", "town_nowhere")
    assert code == 2 and "matches no host or group" in out


def test_town_is_repeatable_and_unknown_towns_are_refused(tmp_path: Path) -> None:
    code, out = run("radio", "--town", "ruiru", "--town", "atlantis")
    assert code == 2 and "unknown town(s): atlantis" in out


# ------------------------------------------------------------------ tables never cut identifiers
LONG_RUN = "20261201T101500-4242-with-a-long-suffix"


@pytest.mark.parametrize("columns", [60, 200])
def test_runs_table_keeps_the_run_id_whole(columns: int) -> None:
    j = Journal.create(LONG_RUN)
    j.start(mode="commit", devices=["rru-hub"], target="lab")
    j.write("device", device="rru-hub", status="changed")
    code, out = run("runs", columns=columns)
    assert code == 0 and LONG_RUN in out
    assert all(len(line) <= columns for line in out.splitlines()), out


@pytest.mark.parametrize("columns", [60, 200])
@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (("radio",), ["rru-hospital", "rru-school", "rru-subcounty", "rru-bb1"]),
        (("rules",), ["CN301", "fade-margin", "CN520"]),
        (("status", "--target", "lab", "--sites"), ["rru-hospital", "rru-subcounty", "rru-school", "rru-police"]),
        (("lab", "list"), []),
    ],
)
def test_tables_keep_identifiers_whole(args: tuple[str, ...], ids: list[str], columns: int) -> None:
    code, out = run(*args, columns=columns)
    assert code in (0, 1), out
    for ident in ids:
        assert ident in out, f"{ident} cut or missing at {columns} columns:\n{out}"
    assert all(len(line) <= columns for line in out.splitlines()), out


@pytest.mark.parametrize("columns", [60, 200])
def test_verify_and_deploy_summaries_keep_identifiers_whole(columns: int, capsys: pytest.CaptureFixture[str]) -> None:
    from countynet.cli import output
    from countynet.cli.deploy_cmds import print_summary
    from countynet.cli.verify_cmds import print_verify
    from countynet.deploy.engine import DeployReport, DeviceResult
    from countynet.verify.results import Check, VerifyReport

    os.environ["COLUMNS"] = str(columns)
    try:
        output.configure()
        print_verify(VerifyReport([Check("a-town-with-a-long-name", "site-with-a-long-name", "tcp", "ifmis", "ok")]))
        print_summary(DeployReport(LONG_RUN, "commit", [DeviceResult("rru-hub", "changed")]))
    finally:
        del os.environ["COLUMNS"]
        output.configure()
    out = capsys.readouterr().out
    assert "a-town-with-a-long-name" in out and LONG_RUN in out


# ------------------------------------------------------------------ one line, exit 2, never a traceback
def test_unknown_platform_override_is_one_line(tmp_path: Path) -> None:
    code, out = run("render", "--platform-override", "junos", "--out", str(tmp_path / "r"))
    assert code == 2 and "unknown platform 'junos'" in out and len(out.strip().splitlines()) == 1


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write: a read-only bind mount as root (root ignores mode bits), else mode 0555."""
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() != 0:
        ro.chmod(0o555)
        yield ro
        ro.chmod(0o755)
        return
    subprocess.run(["mount", "--bind", str(ro), str(ro)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True)
        yield ro
    finally:
        subprocess.run(["umount", str(ro)], check=False)


def test_unwritable_out_and_working_dir_are_one_line(read_only_dir: Path) -> None:
    env = {**os.environ, "COUNTYNET_STATE": str(read_only_dir / "state")}
    for argv in (["render", "--out", str(read_only_dir / "out")], ["runs"], ["status"]):
        proc = subprocess.run([sys.executable, "-m", "countynet.cli", "--inventory", str(MINI), *argv],
                              cwd=read_only_dir, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr and "cannot" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_unknown_verify_target_is_refused() -> None:
    code, out = run("verify", "--target", "Lab")
    assert code == 2 and "unknown target 'Lab'" in out


def test_ctrl_c_during_start_up_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import countynet.model

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(countynet.model, "load_model", interrupted)
    code, out = run("render")
    assert code == 130 and out.strip() == "interrupted"


def test_vault_file_without_a_password_is_refused(tmp_path: Path) -> None:
    vault = tmp_path / "secrets.vault"
    vault.write_text("x")
    code, out = run("deploy", "--vault-file", str(vault))
    assert code == 2 and "--vault-file needs a password" in out


def test_non_root_lab_down_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    code, out = run("lab", "down", "--lab-name", "x")
    assert code == 2 and "needs root" in out


# ------------------------------------------------------------------ help, completion, rules
def test_help_has_examples_and_the_environment() -> None:
    code, out = run("-h")
    assert code == 0 and "COUNTYNET_STATE" in out and "ANSIBLE_VAULT_PASSWORD_FILE" in out
    for cmd in ("validate", "render", "deploy", "verify", "rollout", "status", "radio", "diff", "rules"):
        code, out = run(cmd, "-h")
        assert code == 0 and "Examples" in out, cmd
        assert "<bool>" not in out


def test_completion_script_is_generated() -> None:
    proc = subprocess.run([sys.executable, "-m", "countynet.cli", "--show-completion", "bash"], capture_output=True,
                          text=True, env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
                          timeout=60)  # fmt: skip
    assert proc.returncode == 0 and "complete" in proc.stdout and "countynet" in proc.stdout.lower(), proc.stderr


def test_rule_page() -> None:
    code, out = run("rules", "CN301")
    assert code == 0
    assert "## CN301 fade-margin" in out and "**Why:**" in out and "**Example:**" in out and "**Fix:**" in out
    code, out = run("rules", "CN999")
    assert code == 2 and "no rule 'CN999'" in out


def test_rules_doc_is_generated_from_the_registry() -> None:
    from countynet.checks.rule_docs import markdown_all

    assert (ROOT / "docs" / "rules.md").read_text() == markdown_all() + "\n", "run scripts/gen-rule-docs"


def test_rule_examples_match_the_golden_cases() -> None:
    from countynet.checks.rule_docs import examples, examples_from_goldens

    assert examples() == examples_from_goldens(ROOT / "tests" / "golden" / "errors"), "run scripts/gen-rule-docs"


# ------------------------------------------------------------------ defaults file, lock file
def test_defaults_come_from_countynet_toml(tmp_path: Path) -> None:
    (tmp_path / "countynet.toml").write_text(f'inventory = "{MINI}"\n[render]\nout = "{tmp_path / "from-toml"}"\n')
    res = CliRunner().invoke(app, ["render", "-q"], default_map=__import__("countynet.cli.config", fromlist=["x"]).load_defaults(cwd=tmp_path))
    assert res.exit_code == 0, res.output
    assert (tmp_path / "from-toml" / "rru-hub.cfg").exists()


def test_broken_config_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "countynet.toml"
    bad.write_text("inventory = [\n")
    proc = subprocess.run([sys.executable, "-m", "countynet.cli", "--config", str(bad), "validate"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})  # fmt: skip
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr and "Traceback" not in proc.stderr


def test_allocate_keeps_the_lock_mode_and_its_backup_is_ignored(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(MINI, inv)
    lock = inv / "allocations.yml"
    lock.chmod(0o644)
    towns = inv / "towns" / "ruiru.yml"
    towns.write_text(towns.read_text())  # unchanged inventory: nothing to write
    lock.write_text(lock.read_text().replace("version: 1", "version: 1\n# stale", 1))
    code, out = run("allocate", inventory=inv)
    assert code == 0, out
    assert oct(lock.stat().st_mode & 0o777) == "0o644"
    patterns = [ln.strip() for ln in (ROOT / ".gitignore").read_text().splitlines()]
    assert any(fnmatch.fnmatch("inventory/allocations.yml.bak", p.lstrip("/")) for p in patterns if p)
