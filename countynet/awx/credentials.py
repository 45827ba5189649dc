"""AWX custom credential types for what countynet reads from the environment at deploy time.

Jobs get secrets from AWX credentials, never from host variables: a credential type's injector puts
each value into the job's environment under the name the rendered configs' placeholders use
(`{{secret:env:NAME}}`), and the deploy resolves them at the last moment. The types are derived from
the inventory (every SecretRef it names), so a new secret in the inventory is a new credential field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from countynet.inventory.loader import Inventory
from countynet.inventory.model import SecretRef

LOGIN = "countynet device login"
MANAGEMENT = "countynet management secrets"
WIFI = "countynet Wi-Fi keys"
VAULT = "countynet vault"


@dataclass(frozen=True)
class SecretUse:
    """One environment variable a config placeholder names, and the inventory field that names it."""

    env: str  # the environment variable, or the vault key when `vault`
    path: str  # e.g. network.management.snmp_auth, towns.thika.wireless.psk
    vault: bool = False


def secret_refs(inv: Inventory) -> list[SecretUse]:
    """Every SecretRef of the inventory (environment variables and Ansible Vault keys)."""
    uses = list(_walk(inv.network, "network"))
    for town in inv.towns:
        uses += _walk(town, f"towns.{town.name}")
    return sorted(set(uses), key=lambda u: (u.env, u.path))


def _walk(node: Any, path: str) -> Iterator[SecretUse]:
    if isinstance(node, SecretRef):
        if node.env:
            yield SecretUse(node.env, path)
        elif node.vault:
            yield SecretUse(node.vault, path, vault=True)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}.{i}")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _walk(item, f"{path}.{key}")


def credential_types(inv: Inventory) -> list[dict[str, Any]]:
    """awx.awx.credential_type parameters: device login, management secrets (admin, SNMP), Wi-Fi keys."""
    every = secret_refs(inv)
    uses = [u for u in every if not u.vault]
    wifi = sorted({u.env for u in uses if ".wireless." in u.path})
    mgmt = sorted({u.env for u in uses if ".wireless." not in u.path} - set(wifi))
    types = [
        _type(
            LOGIN,
            "net",
            "SSH login countynet uses to reach the devices (NAPALM); injected as COUNTYNET_USERNAME/PASSWORD.",
            [("COUNTYNET_USERNAME", "Username", False), ("COUNTYNET_PASSWORD", "Password", True)],
        ),
        _type(MANAGEMENT, "cloud", "Secrets the rendered configs name: admin password, SNMPv3 keys.",
              [(env, _label(env, uses), True) for env in mgmt]),
        _type(WIFI, "cloud", "Radio pre-shared keys the rendered configs name (per town or shared).",
              [(env, _label(env, uses), True) for env in wifi]),
    ]
    if any(u.vault for u in every):
        types.append(_vault_type())
    return [t for t in types if t["inputs"]["fields"]]


def _vault_type() -> dict[str, Any]:
    """{{secret:vault:KEY}}: the vault file sits in the project; AWX holds its password, written to a file
    for the job (COUNTYNET_VAULT_PASSWORD_FILE), as the deploy expects."""
    return {
        "name": VAULT,
        "kind": "cloud",
        "description": "Ansible Vault file (in the project) holding the {{secret:vault:KEY}} secrets, and its password.",
        "inputs": {
            "fields": [
                {"id": "countynet_vault_file", "label": "Vault file, relative to the project", "type": "string",
                 "default": "inventory/secrets.vault.yml"},
                {"id": "countynet_vault_password", "label": "Vault password", "type": "string", "secret": True},
            ],
            "required": ["countynet_vault_file", "countynet_vault_password"],
        },
        "injectors": {
            "file": {"template": "{{ countynet_vault_password }}"},
            "env": {"COUNTYNET_VAULT_FILE": "{{ countynet_vault_file }}",
                    "COUNTYNET_VAULT_PASSWORD_FILE": "{{ tower.filename }}"},
        },
    }


def _label(env: str, uses: list[SecretUse]) -> str:
    paths = sorted({u.path for u in uses if u.env == env})
    where = paths[0] if len(paths) == 1 else f"{paths[0]} and {len(paths) - 1} more"
    return f"{env} ({where})"[:100]


def _type(name: str, kind: str, description: str, fields: list[tuple[str, str, bool]]) -> dict[str, Any]:
    inputs = [{"id": env.lower(), "label": label, "type": "string", "secret": secret} for env, label, secret in fields]
    return {
        "name": name,
        "kind": kind,
        "description": description,
        "inputs": {"fields": inputs, "required": [f["id"] for f in inputs]},
        "injectors": {"env": {env: "{{ " + env.lower() + " }}" for env, _label, _secret in fields}},
    }
