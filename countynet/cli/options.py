"""The options every command that works on devices shares, spelled the same everywhere."""

from __future__ import annotations

from pathlib import Path

import typer

from countynet.jobs.common import DEFAULT_LAB, FieldAccess, Selection, TargetOptions

TOWN = typer.Option([], "--town", "-t", help="Only this town (repeatable).", metavar="TOWN")
SITE = typer.Option([], "--site", "-s", help="Only this agency site and its path to the hub (repeatable).",
                    metavar="SITE")  # fmt: skip
HOST = typer.Option([], "--host", help="Only this device (repeatable).", metavar="HOST")
LIMIT = typer.Option(None, "--limit", "-l", metavar="PATTERN",
                     help="Hosts/groups like Ansible: 'town_thika:&role_agency:!platform_ios' "
                          "(groups town_<t>, role_<hub|base_station|agency>, platform_<p>; globs allowed).")  # fmt: skip
TARGET = typer.Option("field", "--target", help="field (real devices) or lab (a virtual lab).", metavar="field|lab")
LAB = typer.Option(DEFAULT_LAB, "--lab-name", help="Which lab, with --target lab.", metavar="NAME")
JSON = typer.Option(False, "--json", help="Machine-readable output.")
USER = typer.Option(None, "--user", "-u", help="Field login user (default: COUNTYNET_USERNAME).", metavar="USER")
KEY = typer.Option(None, "--key-file", help="SSH private key for field devices (default: COUNTYNET_SSH_KEY).",
                   metavar="FILE")  # fmt: skip
ASK_PASS = typer.Option(False, "--ask-pass", "-k", help="Prompt for the field login password.")
VAULT = typer.Option(None, "--vault-file", help="Ansible Vault file with the secrets the configs reference.",
                     metavar="FILE")  # fmt: skip
VAULT_PASS = typer.Option(None, "--vault-password-file", metavar="FILE",
                          help="Its password (default: ANSIBLE_VAULT_PASSWORD_FILE).")  # fmt: skip


def selection(town: list[str], site: list[str], host: list[str], limit: str | None) -> Selection:
    return Selection(tuple(town), tuple(site), tuple(host), limit)


def target(
    target_name: str,
    lab_name: str,
    user: str | None = None,
    key_file: Path | None = None,
    ask_pass: bool = False,
    vault_file: Path | None = None,
    vault_password_file: Path | None = None,
) -> TargetOptions:
    password = typer.prompt("field password", hide_input=True) if ask_pass else None
    access = FieldAccess.from_env(username=user, password=password, key_file=key_file, vault_file=vault_file,
                                  vault_password_file=vault_password_file)  # fmt: skip
    return TargetOptions(target_name, lab_name, access)
