"""Every shipped RouterOS config deployed to a factory-fresh recorded device: the patch applies
(each command checked against RouterOS 7's command database by the device) and a second patch is empty."""

from __future__ import annotations

import io
from pathlib import Path

from fake_routeros import Device
from routeros_lsp.cli_check import run

from countynet.jobs.render import RenderOptions, render
from countynet.model import load_model
from countynet.platforms.routeros_patch import count, patch

ROOT = Path(__file__).parents[3]


def test_every_shipped_routeros_device_converges_in_one_patch(tmp_path: Path) -> None:
    result = render(load_model(ROOT / "inventory"), RenderOptions(out=None))
    hosts = sorted(h for h, p in result.platforms.items() if p == "routeros")
    assert len(hosts) == 152
    sizes = []
    for host in hosts:
        target = result.texts[host]
        dev = Device(host)
        first = patch(dev.export(), target)
        (tmp_path / f"{host}.rsc").write_text(first)
        dev.run_script(first)
        assert patch(dev.export(), target) == "", host
        sizes.append(count(first))
    assert min(sizes) > 30
    # the patches themselves pass the command database too
    out, err = io.StringIO(), io.StringIO()
    assert run(["--strict", str(tmp_path)], io.BytesIO(), out, err) == 0, out.getvalue()[:2000]
