"""Every FRR config we render is accepted by real FRR 8.4 (vtysh -m -f), and the nft part by nft -c."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from render_helpers import MINI, ROOT, model

from countynet.platforms import NFT_MARKER, split_frr
from countynet.platforms.frr import validate as frr_validate
from countynet.render import render_all
from countynet.render.environment import TEMPLATES

needs_vtysh = pytest.mark.skipif(shutil.which("vtysh") is None, reason="FRR vtysh not installed")


def inventories() -> list[Path]:
    roots = [MINI]
    shipped = ROOT / "inventory"
    if any((shipped / "towns").glob("*.yml")) and (shipped / "nofbi.yml").exists():
        roots.append(shipped)
    return roots


def _rendered(root: Path) -> dict[str, str]:
    return render_all(*model(root), platform_override="frr")


@needs_vtysh
@pytest.mark.parametrize("root", inventories(), ids=lambda p: p.name)
def test_every_frr_config_passes_vtysh(root: Path) -> None:
    texts = _rendered(root)
    roles = set()
    _, topo, _ = model(root)
    for host, text in texts.items():
        assert frr_validate(text) == [], host
        roles.add(topo.devices[host].role)
    assert roles == {"hub", "base_station", "agency"}


@pytest.fixture
def netns() -> Any:
    if os.geteuid() != 0 or shutil.which("nft") is None or shutil.which("ip") is None:
        pytest.skip("nft check needs root, nft and ip")
    name = f"cn-rtest-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False)


@pytest.mark.parametrize("root", inventories(), ids=lambda p: p.name)
def test_nft_part_is_valid_and_scoped(root: Path, netns: str, tmp_path: Path) -> None:
    for host, text in _rendered(root).items():
        assert f"\n{NFT_MARKER}\n" in text
        _, nft = split_frr(text)
        assert "flush ruleset" not in nft
        assert nft.startswith("table inet countynet\ndelete table inet countynet\ntable inet countynet {\n")
        f = tmp_path / f"{host}.nft"
        f.write_text(nft)
        proc = subprocess.run(["ip", "netns", "exec", netns, "nft", "-c", "-f", str(f)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{host}: {proc.stderr}"


@needs_vtysh
def test_broken_template_is_caught(mini: Any, tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    base = broken / "frr" / "_base.j2"
    base.write_text(base.read_text().replace(" ip ospf passive\n", " ip ospf passive-mode on\n"))
    texts = render_all(*mini, platform_override="frr", templates=str(broken))
    bad = {h: frr_validate(t) for h, t in texts.items()}
    assert all(bad.values()), bad
    assert any("Unknown command" in line for problems in bad.values() for line in problems)


@pytest.mark.skipif(shutil.which("vtysh") is None, reason="needs FRR's vtysh")
def test_one_vtysh_run_for_many_files_names_the_right_file_and_line(mini: Any) -> None:
    from countynet.platforms.frr import validate_many

    texts = render_all(*mini, platform_override="frr")
    assert validate_many(texts) == {h: [] for h in texts}
    hosts = sorted(texts)
    victim = hosts[len(hosts) // 2]
    texts[victim] = texts[victim].replace("router ospf", "router ospff", 1)
    batch = validate_many(texts)
    assert {h for h, p in batch.items() if p} == {victim}
    assert batch[victim] == frr_validate(texts[victim])  # the same words and line as checking it alone
    assert any("Unknown command: router ospff" in p for p in batch[victim])
