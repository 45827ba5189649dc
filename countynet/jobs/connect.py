"""Connections for jobs that talk to devices: Nornir over the model, deploy payloads with secrets."""

from __future__ import annotations

import logging
import secrets as pysecrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from countynet.errors import CountynetError
from countynet.intent.secrets import (
    Resolver,
    chain,
    env_resolver,
    redactor,
    resolve_secrets,
    secret_values,
    vault_resolver,
)
from countynet.jobs.common import FieldAccess

if TYPE_CHECKING:
    from nornir.core import Nornir

    from countynet.lab import Lab
    from countynet.model import Model


def lab_secret_resolver(lab_dir: Path) -> Resolver:
    """Secrets the environment does not give are generated once per lab (kept 0600 in its state dir)."""
    store = lab_dir / "secrets"

    def resolve(scheme: str, name: str) -> str:
        store.mkdir(mode=0o700, exist_ok=True)
        path = store / f"{scheme}-{name.replace('/', '_')}"
        if not path.exists():
            path.write_text(pysecrets.token_urlsafe(18))
            path.chmod(0o600)
        return path.read_text().strip()

    return resolve


def resolver_for(access: FieldAccess, lab: Lab | None) -> Resolver:
    """Environment first, then the Ansible Vault file if given, then (lab only) generated values."""
    chain_of: list[Resolver] = [env_resolver()]
    if access.vault_file is not None and access.vault_password_file is not None:
        try:
            password = access.vault_password_file.read_text().strip()
            chain_of.append(vault_resolver(access.vault_file, password))
        except OSError as exc:
            raise CountynetError(f"cannot read the vault: {exc}", "check --vault-file and --vault-password-file") from None
        except Exception as exc:  # ansible's AnsibleError on a wrong password or a damaged file
            raise CountynetError(
                f"cannot decrypt {access.vault_file}: {str(exc).splitlines()[0]}", "check the vault password file"
            ) from None
    if lab is not None:
        chain_of.append(lab_secret_resolver(lab.dir))
    return chain(*chain_of)


def payloads(texts: dict[str, str], resolver: Resolver) -> tuple[dict[str, str], Callable[[str], str]]:
    """Deploy payloads with real secrets, and a redactor for everything logged or reported."""
    out = {h: resolve_secrets(t, resolver) for h, t in texts.items()}
    values: set[str] = set()
    for t in texts.values():
        values.update(secret_values(t, resolver))
    return out, redactor(values)


def nornir_for(model: Model, devices: set[str], lab: Lab | None, access: FieldAccess, workers: int = 10) -> Nornir:
    """Nornir over the same model, narrowed to `devices`; lab hosts get the lab's addresses and keys."""
    from nornir import InitNornir

    # Failed tasks are reported in our own results; Nornir's logger would print tracebacks.
    log = logging.getLogger("nornir")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": max(1, workers)}},
        inventory={
            "plugin": "CountynetInventory",
            "options": {
                "inventory_dir": str(model.root),
                "lab_inventory": str(lab.inventory_file) if lab else None,
            },
        },
        logging={"enabled": False},
    )
    missing = devices - set(nr.inventory.hosts)
    if missing:
        raise CountynetError(
            f"{len(missing)} device(s) are not in the target, e.g. {sorted(missing)[0]}",
            "bring them into the lab (`countynet lab up`) or narrow --town/--site/--host",
        )
    nr = nr.filter(filter_func=lambda h: h.name in devices)
    if lab is None:
        for host in nr.inventory.hosts.values():
            host.username = host.username or access.username
            host.password = access.password
            if access.key_file is not None:
                opts = host.connection_options.get("napalm")
                if opts is not None:
                    extras = dict(opts.extras or {})
                    extras.setdefault("optional_args", {})["key_file"] = str(access.key_file)
                    opts.extras = extras
                else:
                    from nornir.core.inventory import ConnectionOptions

                    host.connection_options["napalm"] = ConnectionOptions(
                        extras={"optional_args": {"key_file": str(access.key_file)}}
                    )
    return nr
