"""The loading budget as settings: defaults, overrides, what stays allowed, and tar members refused."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countynet.cli.main import app
from countynet.inventory import limits as lim
from countynet.inventory.limits import InputRefused, Limits, safe_yaml_load
from countynet.inventory.yaml_source import SourceMap, parse_yaml
from countynet.review.gitsrc import _extract_stream

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def test_overrides_come_from_the_environment_not_the_inventory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTYNET_LIMIT_FILE_BYTES", "2M")
    monkeypatch.setenv("COUNTYNET_LIMIT_DEPTH", "12")
    got = lim.current()
    assert (got.file_bytes, got.depth, got.nodes) == (2 * lim.MiB, 12, Limits().nodes)
    monkeypatch.setenv("COUNTYNET_LIMIT_DEPTH", "9000")
    with pytest.raises(Exception, match="limit depth: at most 200"):
        lim.current()


def test_anchors_and_merge_keys_within_the_budget_load() -> None:
    """Merge keys stay usable: explicit keys override merged ones without a duplicate-key finding."""
    text = "base: &b {a: 1, b: 2}\nmore: &m {c: 3}\nx:\n  <<: [*b, *m]\n  b: 20\ny: *b\n"
    smap = SourceMap()
    data = parse_yaml(text, "t.yml", smap)
    assert data["x"] == {"a": 1, "b": 20, "c": 3}
    assert data["y"] == {"a": 1, "b": 2} and data["y"] is not data["base"]  # a copy: no shared mutable state
    assert smap.duplicates == []
    assert smap.find("t.yml", ("x", "a")).line == 4  # a merged key sits at its `<<` line


def test_aliases_zero_refuses_anchors_altogether() -> None:
    with pytest.raises(InputRefused, match="anchors and aliases are refused") as exc:
        parse_yaml("a: &x 1\nb: *x\n", "t.yml", SourceMap(), Limits(aliases=0))
    assert exc.value.rule == "CN003" and str(exc.value.where) == "t.yml:1:4"


def test_second_document_is_refused_at_its_line() -> None:
    with pytest.raises(InputRefused, match="expected a single document") as exc:
        parse_yaml("a: 1\n---\nb: 2\n", "t.yml", SourceMap())
    assert str(exc.value.where) == "t.yml:2:1"


def test_safe_yaml_load_reads_bytes_and_paths_within_limits(tmp_path: Path) -> None:
    assert safe_yaml_load(b"hosts: {a: 1}\n") == {"hosts": {"a": 1}}
    (tmp_path / "x.yml").write_text("a: [[[[1]]]]\n")
    with pytest.raises(InputRefused, match="nested more than 3 levels") as exc:
        safe_yaml_load(tmp_path / "x.yml", Limits(depth=3))
    assert str(exc.value) == (
        f"{tmp_path}/x.yml:1:6: error: values nested more than 3 levels deep (the depth limit) (flatten the structure)"
    )


def test_check_tree_refuses_a_template_symlink_out(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "base.j2").symlink_to("/proc/self/environ")
    with pytest.raises(InputRefused, match="leads outside templates") as exc:
        lim.check_tree(tmp_path / "tpl", display="templates")
    assert exc.value.rule == "CN009"


def test_budget_option_and_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    got = runner.invoke(app, ["--inventory", str(MINI), "--budget", "nodes=40", "validate"])
    assert got.exit_code == 2 and "CN005 error: more than 40 values" in got.output
    lim._overrides.clear()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "countynet.toml").write_text('budget = ["nodes=99999999"]\n')
    from countynet.cli.config import load_defaults

    got = runner.invoke(app, ["--inventory", str(MINI), "validate"], default_map=load_defaults())
    assert got.exit_code == 2
    assert "the loading budget cannot be set in a config file" in got.output
    assert lim._overrides == {}


def _tar(*members: tuple[str, str, bytes | str]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                assert isinstance(payload, bytes)
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
                continue
            info.type = {"sym": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE}[kind]
            info.linkname = str(payload)
            tar.addfile(info)
    buf.seek(0)
    return buf


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ((("inventory/../../etc/x", "file", b"x"),), "a path outside the folder"),
        ((("/etc/cron.d/x", "file", b"x"),), "a path outside the folder"),
        ((("templates/x", "file", b"x"),), "a path outside the folder"),
        ((("inventory/towns/a.yml", "sym", "../../../etc/passwd"),), "a symlink to ../../../etc/passwd"),
        ((("inventory/towns/a.yml", "sym", "/etc/passwd"),), "a symlink to /etc/passwd"),
        ((("inventory/towns/a.yml", "hard", "inventory/network.yml"),), "not a regular file"),
        ((("inventory/towns/a.yml", "fifo", ""),), "not a regular file"),
        ((("inventory/a.yml", "file", b"x" * 2000),), "over the file_bytes limit"),
        (tuple((f"inventory/{i}.yml", "file", b"x") for i in range(6)), "more than 5 files"),
        (tuple((f"inventory/{i}.yml", "file", b"x" * 900) for i in range(4)), "over 3000 bytes"),
    ],
)
def test_tar_members_are_refused_before_they_are_written(
    members: tuple[tuple[str, str, bytes | str], ...], message: str, tmp_path: Path
) -> None:
    budget = Limits(file_bytes=1000, files=5, total_bytes=3000)
    with pytest.raises(InputRefused, match=message.replace("(", r"\(")):
        _extract_stream(_tar(*members), "inventory", tmp_path / "out", budget)
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file() or p.is_symlink()] if (tmp_path / "out").exists() else []
    assert len(written) <= 5 and not any(p.is_symlink() for p in written)


def test_symlink_out_of_a_repository_root_inventory_is_refused(tmp_path: Path) -> None:
    """With the inventory at the repository's top (path ""), `..` is the only way out: refused."""
    with pytest.raises(InputRefused, match=r"a symlink to \.\./\.\./etc/passwd"):
        _extract_stream(_tar(("towns/a.yml", "sym", "../../etc/passwd")), "", tmp_path, Limits())
    with pytest.raises(InputRefused, match="a path outside the folder"):
        _extract_stream(_tar(("../a.yml", "file", b"x")), "", tmp_path, Limits())


def test_symlink_inside_the_folder_is_kept(tmp_path: Path) -> None:
    _extract_stream(
        _tar(("inventory/towns/a.yml", "file", b"name: a\n"), ("inventory/towns/b.yml", "sym", "a.yml")),
        "inventory",
        tmp_path,
        Limits(),
    )
    assert (tmp_path / "inventory/towns/b.yml").read_text() == "name: a\n"


def test_shipped_and_national_inventories_load_within_the_defaults(tmp_path: Path) -> None:
    """The budget leaves room: the shipped phase-3 inventory and the 7,011-device national one load clean."""
    import importlib.util

    from countynet.inventory.loader import load

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("render_national", root / "benchmarks" / "render_national.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.write_inventory(tmp_path / "national", 57, 5, 117)
    for inv in (root / "inventory", tmp_path / "national"):
        result = load(inv, Limits())
        assert result.inventory is not None and result.findings == [], [f.format() for f in result.findings[:3]]
    lock = (tmp_path / "national" / "allocations.yml").stat().st_size
    assert lock * 4 < Limits().file_bytes  # the national lock uses an eighth of the per-file budget
    # and at a quarter of the defaults it still loads: the headroom is real
    quarter = Limits(file_bytes=2 * lim.MiB, nodes=62_500, total_bytes=16 * lim.MiB)
    assert load(tmp_path / "national", quarter).findings == []
