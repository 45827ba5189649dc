"""Security baseline rules on rendered text, secret placeholders, resolution, and the file writer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from countynet.checks.rendered import check_rendered
from countynet.errors import CountynetError
from countynet.intent import build_intents, redact, resolve_secrets
from countynet.intent.secrets import env_resolver, refs_in
from countynet.render import render_all, render_intents, write_rendered
from countynet.render.environment import TEMPLATES

SECRETS = {
    "COUNTYNET_ADMIN_PASSWORD": "Adm1n-Test-Secret",
    "COUNTYNET_SNMP_AUTH": "Snmp-Auth-Test-Secret",
    "COUNTYNET_SNMP_PRIV": "Snmp-Priv-Test-Secret",
    "COUNTYNET_WIFI_PSK": "Wifi-Psk-Test-Secret",
}


def platforms_of(intents: dict[str, Any]) -> dict[str, str]:
    return {h: i["platform"] for h, i in intents.items()}


@pytest.mark.parametrize("override", [None, "frr", "ios", "routeros"])
def test_baseline_clean_and_no_secret_anywhere(mini: Any, override: str | None) -> None:
    intents = build_intents(*mini, platform_override=override)
    texts = render_intents(intents)
    assert check_rendered(texts, platforms_of(intents), SECRETS.values()) == []
    blob = json.dumps(intents) + "".join(texts.values())
    for v in SECRETS.values():
        assert v not in blob


def test_telnet_template_fails_baseline(mini: Any, tmp_path: Path) -> None:
    broken = tmp_path / "t"
    shutil.copytree(TEMPLATES, broken)
    ios = broken / "ios" / "_base.j2"
    ios.write_text(ios.read_text().replace("transport input ssh", "transport input telnet ssh"))
    ros = broken / "routeros" / "_base.j2"
    ros.write_text(ros.read_text().replace("set telnet disabled=yes", "set telnet disabled=no"))
    intents = build_intents(*mini)
    texts = render_intents(intents, templates=str(broken))
    rules = {f.rule for f in check_rendered(texts, platforms_of(intents))}
    assert "CN501" in rules
    hosts = {f.pos.file for f in check_rendered(texts, platforms_of(intents)) if f.rule == "CN501"}
    assert {"rru-hub.cfg", "rru-bs1.rsc"} <= hosts


def test_leaked_secret_fails_baseline(mini: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    intents = build_intents(*mini)
    texts = render_intents(intents)
    leaked = {h: resolve_secrets(t) for h, t in texts.items()}  # what must never be written to disk
    findings = check_rendered(leaked, platforms_of(intents), SECRETS.values())
    assert "CN506" in {f.rule for f in findings}  # (CN502 too: resolved passwords are clear text)
    assert all(v not in f.format() for f in findings for v in SECRETS.values())


def test_clear_password_and_missing_acl_fail(mini_intents: dict[str, Any]) -> None:
    text = render_intents({"rru-hub": mini_intents["rru-hub"]})["rru-hub"]
    bad = text.replace("secret {{secret:env:COUNTYNET_ADMIN_PASSWORD}}", "password 0 cisco").replace(
        " access-class MGMT-SSH in\n", ""
    )
    rules = {f.rule for f in check_rendered({"rru-hub": bad}, {"rru-hub": "ios"})}
    assert {"CN502", "CN503"} <= rules


def test_resolve_and_redact(mini_intents: dict[str, Any]) -> None:
    text = render_intents({"rru-bs1": mini_intents["rru-bs1"]})["rru-bs1"]
    assert refs_in(text) == sorted(f"env:{k}" for k in SECRETS)
    payload = resolve_secrets(text, env_resolver(SECRETS))
    assert "{{secret:" not in payload and SECRETS["COUNTYNET_WIFI_PSK"] in payload
    assert SECRETS["COUNTYNET_WIFI_PSK"] not in redact(payload, SECRETS.values())
    with pytest.raises(CountynetError, match="COUNTYNET_WIFI_PSK"):
        resolve_secrets(text, env_resolver({}))


def test_vault_resolver(tmp_path: Path) -> None:
    from ansible.constants import DEFAULT_VAULT_ID_MATCH
    from ansible.parsing.vault import VaultLib, VaultSecret

    from countynet.intent.secrets import vault_resolver

    vault = VaultLib([(DEFAULT_VAULT_ID_MATCH, VaultSecret(b"pw"))])
    f = tmp_path / "vault.yml"
    f.write_bytes(vault.encrypt("admin_password: From-Vault-1\n"))
    assert resolve_secrets("x {{secret:vault:admin_password}}", vault_resolver(f, "pw")) == "x From-Vault-1"


def test_render_is_deterministic_and_writer_touches_only_changes(mini: Any, tmp_path: Path) -> None:
    a, b = render_all(*mini), render_all(*mini)
    assert a == b
    plats = platforms_of(build_intents(*mini))
    out = tmp_path / "out"
    out.mkdir()
    (out / "rru-hub.cfg").write_text("hand-made config\n")
    s1 = write_rendered(a, plats, out)
    assert len(s1.changed) == 7 and s1.backups == ["rru-hub.cfg.bak"]
    assert (out / "rru-hub.cfg.bak").read_text() == "hand-made config\n"
    s2 = write_rendered(a, plats, out)
    assert s2.changed == [] and len(s2.unchanged) == 7
    changed = {**a, "rru-bs1": a["rru-bs1"] + "# extra\n"}
    s3 = write_rendered(changed, plats, out)
    assert s3.changed == ["rru-bs1.rsc"] and s3.backups == []
