"""What every job that works on devices shares: the device selection and the target."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countynet.errors import CountynetError

if TYPE_CHECKING:
    from countynet.lab import Lab
    from countynet.model import Model

TARGETS = ("field", "lab")
DEFAULT_LAB = "countynet"
Say = Callable[[str], None]  # a line of progress for the person watching


def quiet(_: str) -> None:
    """The default progress sink: say nothing."""


@dataclass(frozen=True)
class Selection:
    """--town (repeatable), --site (with its path to the hub), --host, --limit (group pattern)."""

    towns: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    limit: str | None = None

    def devices(self, model: Model) -> set[str]:
        return model.select(self.towns, self.sites, self.hosts, self.limit)

    @property
    def narrow(self) -> bool:
        return bool(self.towns or self.sites or self.hosts or self.limit)

    def as_dict(self) -> dict[str, Any]:
        return {"towns": list(self.towns), "sites": list(self.sites), "hosts": list(self.hosts), "limit": self.limit}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Selection:
        d = data or {}
        return cls(tuple(d.get("towns") or ()), tuple(d.get("sites") or ()), tuple(d.get("hosts") or ()), d.get("limit"))


@dataclass(frozen=True)
class FieldAccess:
    """How to log in to real devices and where deploy-time secrets come from.

    Defaults come from the environment (COUNTYNET_USERNAME, COUNTYNET_PASSWORD, COUNTYNET_SSH_KEY,
    COUNTYNET_VAULT_FILE, COUNTYNET_VAULT_PASSWORD_FILE or ANSIBLE_VAULT_PASSWORD_FILE).
    """

    username: str | None = None
    password: str | None = None
    key_file: Path | None = None
    vault_file: Path | None = None
    vault_password_file: Path | None = None

    @classmethod
    def from_env(cls, **given: Any) -> FieldAccess:
        env = os.environ
        vpf = env.get("COUNTYNET_VAULT_PASSWORD_FILE") or env.get("ANSIBLE_VAULT_PASSWORD_FILE")
        vault_file = env.get("COUNTYNET_VAULT_FILE")
        key = env.get("COUNTYNET_SSH_KEY")
        base: dict[str, Any] = {
            "username": env.get("COUNTYNET_USERNAME"),
            "password": env.get("COUNTYNET_PASSWORD"),
            "key_file": Path(key) if key else None,
            "vault_file": Path(vault_file) if vault_file else None,
            "vault_password_file": Path(vpf) if vpf else None,
        }
        base.update({k: v for k, v in given.items() if v is not None})
        return cls(**base)

    def check(self) -> None:
        for label, path in (("--key-file", self.key_file), ("--vault-file", self.vault_file),
                            ("--vault-password-file", self.vault_password_file)):  # fmt: skip
            if path is not None and not Path(path).is_file():
                raise CountynetError(f"{label} {path}: no such file", f"give a readable file to {label}")
        if self.vault_file is not None and self.vault_password_file is None:
            raise CountynetError(
                "--vault-file needs a password",
                "pass --vault-password-file FILE (or set ANSIBLE_VAULT_PASSWORD_FILE)",
            )


@dataclass(frozen=True)
class TargetOptions:
    """Where a job acts: `field` (real devices) or `lab` (a virtual lab by name)."""

    target: str = "field"
    lab_name: str = DEFAULT_LAB
    access: FieldAccess = field(default_factory=FieldAccess)
    lab_inventory: Path | None = None  # the lab inventory file instead of a name (Ansible, AWX)

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise CountynetError(f"unknown target {self.target!r}", "use --target field or --target lab")

    @property
    def is_lab(self) -> bool:
        return self.target == "lab"

    @property
    def render_as(self) -> str | None:
        """The platform configs are rendered as for this target: the lab's stand-in, or each device's own."""
        from countynet.lab.spec import LAB_PLATFORM

        return LAB_PLATFORM if self.is_lab else None

    def lab(self) -> Lab | None:
        """The running lab for a lab target (a one-line error when it is not up)."""
        if not self.is_lab:
            return None
        from countynet.lab import Lab

        if self.lab_inventory is not None:
            found = Lab.find(None, self.lab_inventory)
            assert found is not None
            return found
        return Lab.load(self.lab_name)
