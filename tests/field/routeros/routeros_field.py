"""The mini inventory's RouterOS devices as recorded devices, and `countynet deploy` against them."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from fake_routeros import Device, Network

from countynet.cli.main import app
from countynet.model import load_model

MINI = Path(__file__).parents[2] / "fixtures" / "mini"
SECRETS = {
    "COUNTYNET_ADMIN_PASSWORD": "admin-Secret-1",
    "COUNTYNET_SNMP_AUTH": "snmp-Auth-Secret-2",
    "COUNTYNET_SNMP_PRIV": "snmp-Priv-Secret-3",
    "COUNTYNET_WIFI_PSK": "wifi-Psk-Secret-4",
}


@dataclass
class Field:
    inv: Path
    net: Network
    addresses: dict[str, str]

    def device(self, host: str) -> Device:
        return self.net.devices[self.addresses[host]]

    def deploy(self, host: str, *extra: str) -> tuple[int, dict[str, Any]]:
        """`countynet deploy --target field --host HOST --json ...`: exit code and the JSON report."""
        args = ["-i", str(self.inv), "deploy", "--target", "field", "--host", host, "--json", *extra]
        r = CliRunner().invoke(app, args)
        assert r.output.strip().startswith("{"), r.output
        return r.exit_code, json.loads(r.output)

    def target(self, host: str) -> str:
        """The payload countynet pushes to `host` (rendered, secrets resolved)."""
        from countynet.intent.secrets import env_resolver
        from countynet.jobs.connect import payloads
        from countynet.jobs.render import configs_to_push

        texts = configs_to_push(load_model(self.inv, cached=False), {host}, None, env_resolver())
        return payloads(texts, env_resolver())[0][host]
