"""The mini inventory's IOS-XE hub as a recorded device, and `countynet deploy` against it."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from fake_ios import Hub, Network, config_lines

from countynet.cli.main import app
from countynet.model import load_model

MINI = Path(__file__).parents[2] / "fixtures" / "mini"
DAY0 = Path(__file__).parent / "fixtures" / "day0-hub.cfg"
HOST = "rru-hub"
SECRETS = {
    "COUNTYNET_ADMIN_PASSWORD": "admin-Secret-1",
    "COUNTYNET_SNMP_AUTH": "snmp-Auth-Secret-2",
    "COUNTYNET_SNMP_PRIV": "snmp-Priv-Secret-3",
    "COUNTYNET_WIFI_PSK": "wifi-Psk-Secret-4",
}


@dataclass
class IosField:
    inv: Path
    net: Network
    hub: Hub
    day0: list[str]

    def deploy(self, *extra: str) -> tuple[int, dict[str, Any]]:
        """`countynet deploy --target field --host rru-hub --json ...`: exit code and the JSON report."""
        args = ["-i", str(self.inv), "deploy", "--target", "field", "--host", HOST, "--json", *extra]
        r = CliRunner().invoke(app, args)
        assert r.output.strip().startswith("{"), r.output
        return r.exit_code, json.loads(r.output)

    def target(self) -> list[str]:
        """The config lines countynet pushes to the hub (rendered, secrets resolved), as IOS keeps them."""
        from countynet.intent.secrets import env_resolver
        from countynet.jobs.connect import payloads
        from countynet.jobs.render import configs_to_push

        texts = configs_to_push(load_model(self.inv, cached=False), {HOST}, None, env_resolver())
        return config_lines(payloads(texts, env_resolver())[0][HOST])


def day0(mgmt_ip: str, archive: bool = True) -> list[str]:
    text = DAY0.read_text().replace("HOSTNAME", HOST).replace("MGMT_IP", mgmt_ip)
    if not archive:
        text = text.replace("archive\n path bootflash:archive\n maximum 14\n", "")
    return config_lines(text)


