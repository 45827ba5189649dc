"""CN4xx: security of what the inventory says (the device baseline is checked on rendered configs).

Secrets must come from the environment or Ansible Vault at deploy time, so the inventory
(which is reviewed and committed) may only hold references to them, never their values.
Findings never echo a secret's value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from countynet.checks.registry import Issue, rule
from countynet.checks.rules._common import display
from countynet.errors import CountynetError
from countynet.inventory.limits import safe_yaml_load
from countynet.inventory.loader import LOCK_FILE, NETWORK_FILE, NOFBI_FILE, TOWNS_DIR, Inventory
from countynet.inventory.model import Node, SecretRef
from countynet.model import Model

SECRET_KEY = re.compile(r"pass(word|wd|phrase)?|secret|psk|community|token|(^|[_-])key$", re.IGNORECASE)
MODEL_SECRETS = {"admin_password", "snmp_auth", "snmp_priv", "psk"}  # typed fields: CN401
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULT_USERS = {"admin", "root", "cisco", "ubnt", "user", "support", "manager", "administrator"}
DEFAULT_COMMUNITIES = {"public", "private"}
REF_HINT = "write `{env: VARIABLE}` or `{vault: KEY}` and keep the value in the environment or Ansible Vault"


def _secret_fields(inv: Inventory) -> Iterator[tuple[str, Node, str, Any]]:
    """(what, owner, key, value) for every typed secret field that is set."""
    m = inv.network.management
    for key in ("admin_password", "snmp_auth", "snmp_priv"):
        value = getattr(m, key)
        if value is not None:
            yield f"management.{key}", m, key, value
    for town in inv.towns:
        if town.wireless.psk is not None:
            yield f"town '{town.name}' wireless.psk", town.wireless, "psk", town.wireless.psk


@rule("CN401", "secret-in-clear", "error", "a password, SNMP key or wireless PSK is written in clear in the inventory")
def secret_in_clear(ctx: Model) -> Iterator[Issue]:
    """The inventory is a reviewed repository: a password, SNMP key or PSK written there is published to everyone who
    can read it; secrets must be env or vault references."""
    for what, owner, key, value in _secret_fields(ctx.inv):
        if isinstance(value, str):
            yield Issue(
                owner.pos_of(key),
                f"{what} is a plain string: the secret is in clear in the inventory",
                REF_HINT + "; rotate the exposed secret",
            )


def _suspects(inv: Inventory) -> dict[str, list[tuple[Any, ...]]]:
    """Key paths, per file, whose last key looks like a secret; found in the loader's SourceMap."""
    lock = display(inv, inv.root / LOCK_FILE)
    out: dict[str, list[tuple[Any, ...]]] = {}
    for file, keys in inv.smap.positions:
        if not keys or not isinstance(keys[-1], str):
            continue
        key = keys[-1]
        if not SECRET_KEY.search(key) or "public" in key.lower():
            continue
        if file == lock and len(keys) > 2:
            continue  # generated object names (a device may be called 'x-key')
        if file != lock and key in MODEL_SECRETS:
            continue  # typed secret fields: CN401
        out.setdefault(file, []).append(keys)
    return out


def _value(data: Any, keys: tuple[Any, ...]) -> Any:
    for k in keys:
        if (isinstance(data, dict) and k in data) or (
            isinstance(data, list) and isinstance(k, int) and 0 <= k < len(data)
        ):
            data = data[k]
        else:
            return None
    return data


@rule("CN402", "secret-like-key", "error", "a key named like a password/secret/psk/community/key holds a literal value")
def secret_like_key(ctx: Model) -> Iterator[Issue]:
    """A key named like a secret that holds a literal value is most likely a credential pasted into the repository by
    hand, published like any other in it."""
    inv = ctx.inv
    suspects = _suspects(inv)
    if not suspects:
        return
    for path in [
        inv.root / NETWORK_FILE,
        inv.root / NOFBI_FILE,
        *sorted((inv.root / TOWNS_DIR).glob("*.y*ml")),
        inv.root / LOCK_FILE,
    ]:
        name = display(inv, path)
        if name not in suspects:
            continue
        try:  # the model keeps no raw values, so read the suspect file again
            data = safe_yaml_load(path, root=inv.root, display=name)
        except (CountynetError, OSError):
            continue  # unreadable files are reported by the loader
        for keys in sorted(suspects[name], key=repr):
            value = _value(data, keys)
            if isinstance(value, bool) or value is None or value == "" or isinstance(value, dict | list):
                continue
            yield Issue(
                inv.smap.positions[(name, keys)],
                f"'{keys[-1]}' holds a literal value: a secret in clear in {name}",
                REF_HINT,
            )


@rule("CN403", "insecure-wireless", "error", "a town's radios use open or WEP security")
def insecure_wireless(ctx: Model) -> Iterator[Issue]:
    """Open or WEP radios let anyone near a tower join the agency network or read its traffic; WEP is broken in
    minutes."""
    for town in ctx.inv.towns:
        mode = town.wireless.security
        if mode in ("open", "wep"):
            why = "anyone in range can join" if mode == "open" else "WEP is broken in minutes"
            yield Issue(
                town.wireless.pos_of("security"),
                f"town '{town.name}' wireless security is '{mode}': {why}",
                "use wpa2-psk, wpa3-psk or wpa2-eap",
            )


@rule(
    "CN404", "bad-secret-ref", "error", "a secret reference sets neither or both of env/vault, or a bad variable name"
)
def bad_secret_ref(ctx: Model) -> Iterator[Issue]:
    """A secret reference must name exactly one source; with neither or both, or a bad variable name, the secret cannot
    be resolved at render time and the device would get no credential."""
    for what, owner, key, value in _secret_fields(ctx.inv):
        if not isinstance(value, SecretRef):
            continue
        at = owner.pos_of(key)
        if bool(value.env) == bool(value.vault):
            got = "both" if value.env else "neither"
            yield Issue(
                at,
                f"{what} must set exactly one of env, vault (got {got})",
                "write `{env: VARIABLE}` or `{vault: KEY}`",
            )
        elif value.env and not ENV_NAME.match(value.env):
            yield Issue(
                at,
                f"{what}: '{value.env}' is not a valid environment variable name",
                "use letters, digits and _ (e.g. COUNTYNET_ADMIN_PASSWORD)",
            )


@rule("CN405", "snmp-v3-incomplete", "error", "SNMPv3 is enabled without both an auth and a priv secret")
def snmp_v3_incomplete(ctx: Model) -> Iterator[Issue]:
    """SNMPv3 without both auth and priv falls back to unauthenticated or unencrypted polling, exposing device data on
    agency links."""
    m = ctx.inv.network.management
    if m.snmp != "v3":
        return
    missing = [k for k in ("snmp_auth", "snmp_priv") if getattr(m, k) is None]
    if missing:
        yield Issue(
            m.pos_of("snmp"),
            f"management.snmp is v3 but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set",
            "SNMPv3 runs authPriv only: add `snmp_auth: {env: ...}` and `snmp_priv: {env: ...}`, or set `snmp: none`",
        )


@rule("CN406", "default-credentials", "warning", "the admin or SNMP user is a well-known default name")
def default_credentials(ctx: Model) -> Iterator[Issue]:
    """Default user names like admin or public are the first ones attackers try; combined with a weak password they give
    access to every device."""
    m = ctx.inv.network.management
    if m.admin_user.lower() in DEFAULT_USERS:
        yield Issue(
            m.pos_of("admin_user"),
            f"management.admin_user '{m.admin_user}' is a default account name tried by every scanner",
            "use a site-specific name (e.g. netops)",
        )
    if m.snmp == "v3" and m.snmp_user.lower() in DEFAULT_COMMUNITIES:
        yield Issue(
            m.pos_of("snmp_user"),
            f"management.snmp_user '{m.snmp_user}' is a default community name",
            "use a specific SNMPv3 user (e.g. countynet-mon)",
        )


@rule("CN407", "psk-missing", "error", "a town's radios use a PSK mode but no PSK reference is given")
def psk_missing(ctx: Model) -> Iterator[Issue]:
    """A PSK security mode without a PSK renders radios that either refuse the config or come up without the key the
    stations use, so no station links."""
    for town in ctx.inv.towns:
        w = town.wireless
        has_radios = any(bs.sectors for bs in town.base_stations) or bool(town.links)
        if has_radios and w.security.endswith("-psk") and w.psk is None:
            written = town._smap is not None and (town._file, ("wireless",)) in town._smap.positions
            at = w.pos_of("security") if written else town.pos_of("name")
            yield Issue(
                at,
                f"town '{town.name}' uses {w.security} but sets no wireless.psk",
                "add `wireless: {security: " + w.security + ", psk: {env: COUNTYNET_WIFI_PSK}}`",
            )
