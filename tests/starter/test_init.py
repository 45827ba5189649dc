"""`countynet init DIR`: a starter repository that validates and renders, never clobbering a user's files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.starter import starter_files

runner = CliRunner()


def test_init_writes_a_repository_that_validates_and_renders(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    r = runner.invoke(app, ["init", str(root), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["lock"] == "inventory/allocations.yml" and out["backups"] == {}
    for rel in (".gitignore", ".github/workflows/countynet.yml", "ansible.cfg", "hosts.countynet.yml",
                "inventory/towns/ruiru.yml", "playbooks/deploy.yml", "README.md"):  # fmt: skip
        assert (root / rel).is_file(), rel
    assert not any(p.name.startswith("dot-") for p in root.rglob("*"))
    assert "plugin: countynet.net.countynet" in (root / "hosts.countynet.yml").read_text()
    assert "import_playbook: countynet.net.deploy" in (root / "playbooks/deploy.yml").read_text()
    r = runner.invoke(app, ["--inventory", str(root / "inventory"), "validate"])
    assert r.exit_code == 0, r.output
    assert "1 towns, 4 agency sites, 7 devices, 6 links: 0 errors, 0 warnings" in r.output
    r = runner.invoke(app, ["--inventory", str(root / "inventory"), "allocate", "--check"])
    assert r.exit_code == 0 and "lock is current" in r.output, r.output
    r = runner.invoke(app, ["--inventory", str(root / "inventory"), "render", "--out", str(root / "rendered")])
    assert r.exit_code == 0, r.output
    assert len(list((root / "rendered").iterdir())) == 7
    assert "{{secret:env:COUNTYNET_ADMIN_PASSWORD}}" in (root / "rendered" / "rru-hub.cfg").read_text()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    (tmp_path / "inventory").mkdir()
    (tmp_path / "inventory" / "allocations.yml").write_text("# my lock\n")
    r = runner.invoke(app, ["init", str(tmp_path)])
    assert r.exit_code == 2
    assert r.output == (
        f"error: {tmp_path}: would overwrite README.md, inventory/allocations.yml "
        "(use an empty folder, or --backup to keep the old files as *.bak)\n"
    )
    assert (tmp_path / "README.md").read_text() == "mine\n"
    assert not (tmp_path / "ansible.cfg").exists()  # nothing written at all


def test_init_backup_keeps_the_old_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    (tmp_path / "README.md.bak").write_text("older\n")
    r = runner.invoke(app, ["init", str(tmp_path), "--backup", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["backups"] == {"README.md": "README.md.bak.1"}
    assert (tmp_path / "README.md.bak.1").read_text() == "mine\n"
    assert (tmp_path / "README.md.bak").read_text() == "older\n"
    assert (tmp_path / "README.md").read_text() == starter_files()["README.md"].read_text()


def test_init_into_a_file_is_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    r = runner.invoke(app, ["init", str(tmp_path / "f")])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "is not a folder" in r.output


def test_the_repository_is_an_awx_project_like_a_starter() -> None:
    """This checkout's playbooks/ (named by AWX job templates) are the starter's, byte for byte."""
    root = Path(__file__).resolve().parents[2]
    shipped = {rel: f.read_bytes() for rel, f in starter_files().items() if rel.startswith("playbooks/")}
    here = {f"playbooks/{p.name}": p.read_bytes() for p in (root / "playbooks").glob("*.yml")}
    assert here == shipped and len(here) == 7


def test_the_starter_execution_environment_pins_this_countynet(tmp_path: Path) -> None:
    import yaml

    from countynet import __version__
    from countynet.starter import init_repository

    init_repository(tmp_path)
    ee = yaml.safe_load((tmp_path / "execution-environment.yml").read_text())
    assert ee["version"] == 3 and ee["dependencies"]["python"] == "ee/requirements.txt"
    assert f"countynet=={__version__}" in (tmp_path / "ee" / "requirements.txt").read_text().splitlines()
    root = Path(__file__).resolve().parents[2]
    assert (tmp_path / "ee" / "bindep.txt").read_text() == (root / "ee" / "bindep.txt").read_text()
    assert not any(b"@COUNTYNET_VERSION@" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
