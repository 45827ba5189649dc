"""Secret references, placeholders, resolution and redaction.

Rendered files (and intents) carry only placeholders: ``{{secret:env:NAME}}`` for an environment
variable and ``{{secret:vault:KEY}}`` for a key of an Ansible Vault file. The real values are put
in by `resolve_secrets` at the last moment, when the deploy payload is built, and never written
to disk. A secret written in clear in the inventory (rule CN401) becomes
``{{secret:clear:FIELD}}``, which no resolver answers: deploying it fails instead of leaking.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from countynet.errors import CountynetError
from countynet.inventory.limits import read_user_file, safe_yaml_load

PLACEHOLDER = re.compile(r"\{\{secret:(env|vault|clear):([A-Za-z0-9_./-]+)\}\}")
Resolver = Callable[[str, str], str]  # (scheme, name) -> value
REDACTED = "***"


def ref_of(value: Any, field: str) -> str | None:
    """`scheme:name` of an inventory secret (SecretRef or clear string), None when unset."""
    if value is None:
        return None
    if isinstance(value, str):
        return f"clear:{field}"
    if getattr(value, "env", None):
        return f"env:{value.env}"
    if getattr(value, "vault", None):
        return f"vault:{value.vault}"
    return None


def placeholder(ref: str | None) -> str | None:
    return None if ref is None else "{{secret:" + ref + "}}"


def refs_in(text: str) -> list[str]:
    """Every distinct `scheme:name` a text refers to, sorted."""
    return sorted({f"{m[0]}:{m[1]}" for m in PLACEHOLDER.findall(text)})


def env_resolver(environ: Mapping[str, str] | None = None) -> Resolver:
    env = os.environ if environ is None else environ

    def resolve(scheme: str, name: str) -> str:
        if scheme != "env":
            raise KeyError(name)
        return env[name]

    return resolve


def vault_resolver(path: Path | str, password: str) -> Resolver:
    """Keys of a YAML mapping encrypted with ansible-vault (whole file), decrypted with ansible's VaultLib."""
    from ansible.constants import DEFAULT_VAULT_ID_MATCH
    from ansible.parsing.vault import VaultLib, VaultSecret

    vault = VaultLib([(DEFAULT_VAULT_ID_MATCH, VaultSecret(password.encode()))])
    raw = read_user_file(Path(path), display=str(path))  # bounded before decrypting
    data = safe_yaml_load(vault.decrypt(raw), display=str(path)) or {}
    if not isinstance(data, dict):
        raise CountynetError(f"vault file {path} is not a mapping", "store `key: value` lines in the vault")

    def resolve(scheme: str, name: str) -> str:
        if scheme != "vault":
            raise KeyError(name)
        return str(data[name])

    return resolve


def chain(*resolvers: Resolver) -> Resolver:
    """Try each resolver in turn (e.g. environment, then vault)."""

    def resolve(scheme: str, name: str) -> str:
        for r in resolvers:
            try:
                return r(scheme, name)
            except KeyError:
                continue
        raise KeyError(name)

    return resolve


def resolve_secrets(text: str, resolver: Resolver | None = None) -> str:
    """The deploy payload: every placeholder replaced by its value. Unknown ones stop the deploy."""
    resolver = resolver or env_resolver()
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        scheme, name = m[1], m[2]
        if scheme == "clear":
            missing.append(f"{name} (written in clear in the inventory: CN401)")
            return m[0]
        try:
            return resolver(scheme, name)
        except KeyError:
            missing.append(f"{scheme}:{name}")
            return m[0]

    out = PLACEHOLDER.sub(sub, text)
    if missing:
        raise CountynetError(
            f"cannot resolve secret(s): {', '.join(sorted(set(missing)))}",
            "export the environment variables or pass the Ansible Vault file and its password",
        )
    return out


def secret_values(text: str, resolver: Resolver | None = None) -> list[str]:
    """The resolved values of the placeholders in `text` (for redaction and the CN506 leak check)."""
    resolver = resolver or env_resolver()
    out = []
    for ref in refs_in(text):
        scheme, name = ref.split(":", 1)
        try:
            out.append(resolver(scheme, name))
        except KeyError:
            continue
    return out


def redactor(values: Iterable[str]) -> Callable[[str], str]:
    """A function that replaces every given secret value by `***` (longest first; short values ignored)."""
    vals = sorted({v for v in values if v and len(v) >= 4}, key=len, reverse=True)
    if not vals:
        return lambda s: s
    rx = re.compile("|".join(re.escape(v) for v in vals))
    return lambda s: rx.sub(REDACTED, s)


def redact(text: str, values: Iterable[str]) -> str:
    return redactor(values)(text)
