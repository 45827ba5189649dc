"""The shape of a platform row (see `countynet.platforms`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from countynet.errors import CountynetError

NFT_MARKER = "!countynet-nftables"
TC_MARKER = "!countynet-tc"  # after the nftables part: `tc -batch` lines for the QoS queues

# (logical name, kind, ordinal among its kind, vlan) -> platform fields {name, parent?, vlan?}
InterfaceMapper = Callable[[str, str, int, int | None], dict[str, Any]]
# rendered text -> list of problems (empty when the config is acceptable)
Validator = Callable[[str], list[str]]
# {host: text} -> {host: problems}: one run of the platform's tool for many files (optional)
BatchValidator = Callable[[dict[str, str]], dict[str, list[str]]]

# rendered text, {platform interface name: (logical name, role)} -> the normal form {item: value}
# (countynet.platforms.base_normalize); what the field/stand-in equivalence check compares
Normalizer = Callable[[str, Mapping[str, tuple[str, str]]], dict[str, str]]

PLACEHOLDER_OK = r"(?!\{\{secret:)"


@dataclass(frozen=True)
class Baseline:
    """Per-platform patterns the CN5xx baseline rules look for in rendered text (multiline regexes)."""

    insecure_management: tuple[str, ...] = ()  # telnet, http(s), ftp... enabled
    clear_password: tuple[str, ...] = ()  # a password line whose value is not a secret placeholder
    management_acl: tuple[str, ...] = ()  # every pattern must be present
    ssh_v2: tuple[str, ...] = ()
    logging: tuple[str, ...] = ()
    ntp: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeployStrategy:
    """How a candidate reaches this platform's devices and how commit-confirm works there.

    `load` is "replace" (the whole rendered config replaces the running one) or "patch" (a patch
    computed from the device's running config and the target is merged). `required` lists
    (regex, why) pairs the rendered config must match for the strategy to work (IOS needs
    `archive` for revert_in); `rollback_reboots` and `rollback_settle_s` tell the health gate and
    timers that a rollback restarts the device. `patch(running, target)` computes the script a
    "patch" load merges; `replace_revert_in` says whether the driver can commit a replace with
    revert_in at all (napalm-ros cannot), so a row asking for that is refused before connecting.
    """

    load: Literal["replace", "patch"] = "replace"
    revert_in: bool = True  # napalm commit_config(revert_in=...) arms a device-side timer
    required: tuple[tuple[str, str], ...] = ()
    rollback_reboots: bool = False
    rollback_settle_s: int = 0
    patch: Callable[[str, str], str] | None = None
    replace_revert_in: bool = True
    revert_in_range: tuple[int, int] | None = None  # seconds the device-side timer accepts...
    revert_in_step: int = 1  # ...in steps of (IOS counts whole minutes)

    def require_revert_in(self, platform: str, seconds: int) -> None:
        """Refuse, before anything connects, a revert timer this platform's driver cannot arm."""
        if self.revert_in_range is None:
            return
        low, high = self.revert_in_range
        if not low <= seconds <= high or seconds % self.revert_in_step:
            raise CountynetError(
                f"platform {platform}: --revert-in {seconds} s is not a revert timer its driver can arm",
                f"use a multiple of {self.revert_in_step} s between {low} and {high} s",
            )


@dataclass(frozen=True)
class RadioCommands:
    """How one radio package shows what a radio hears: its registration table and its own view.

    `monitor` holds `{interface}`; `interface` is the name the package gives a radio's first
    (station or PtP) interface. Both commands are parsed by the templates the Collection's
    `textfsm` names for them (with the interface filled in).
    """

    registration: str
    monitor: str
    interface: str

    @property
    def station_monitor(self) -> str:
        return self.monitor.format(interface=self.interface)

    @property
    def commands(self) -> tuple[str, str]:
        return (self.registration, self.station_monitor)


@dataclass(frozen=True)
class Collection:
    """What verify runs on this platform and how it is parsed.

    Commands are None where the platform is verified through NAPALM getters only. `textfsm` maps a
    command to one of countynet's TextFSM templates (countynet/verify/textfsm); other commands are
    parsed by ntc-templates under `ntc_platform`.
    """

    interfaces: str | None = None
    ospf_neighbors: str | None = None
    bgp_summary: str | None = None
    routes_json: str | None = None  # one round trip for the whole table instead of a getter per prefix
    textfsm: dict[str, str] = field(default_factory=dict)
    ntc_platform: str | None = None
    radio: dict[str, RadioCommands] = field(default_factory=dict)  # radio package -> acceptance commands

    @property
    def commands(self) -> list[str]:
        return [c for c in (self.ospf_neighbors, self.bgp_summary, self.interfaces) if c]


@dataclass(frozen=True)
class Platform:
    name: str
    driver: str  # NAPALM driver name, as nornir-napalm expects
    templates: str  # folder under countynet/templates/
    suffix: str  # rendered file name suffix
    comment: str  # line comment prefix (header marking a countynet-rendered file)
    validator: Validator
    interface: InterfaceMapper
    lab_stand_in: str | None  # platform the virtual lab runs in place of this one
    baseline: Baseline = field(default_factory=Baseline)
    deploy: DeployStrategy = field(default_factory=DeployStrategy)
    collect: Collection = field(default_factory=Collection)
    description: str = ""
    validate_many: BatchValidator | None = None  # the validator over many files at once (speed only)
    # adds this platform's own spellings to a finished intent (in place), so templates only print
    finish_intent: Callable[[dict[str, Any]], None] | None = None
    normalize: Normalizer | None = None  # parses a rendered config back into the normal form (CN510)
    # normal-form items (keys, or prefixes ending in a space) this platform's config does not carry
    # (the host OS or the lab sets them); equivalence compares the field config's with the intent's
    outside_config: tuple[str, ...] = ()
    driver_args: Mapping[str, Any] = field(default_factory=dict)  # NAPALM optional_args in the field
    remediation_os: str | None = None  # hier_config OS: dry runs show remediation commands (deploy.remediation)

    def header(self, hostname: str) -> str:
        return f"{self.comment} countynet-rendered {hostname} ({self.name}): do not edit, run `countynet render`"


def split_frr(text: str) -> tuple[str, str]:
    """(FRR part, nftables part) of a rendered FRR file (the tc part, if any, is in neither)."""
    text = text.partition(TC_MARKER + "\n")[0]
    head, sep, tail = text.partition(NFT_MARKER + "\n")
    return head, tail if sep else ""


def split_tc(text: str) -> str:
    """The tc part of a rendered FRR file (QoS queues; empty when it has none)."""
    return text.partition(TC_MARKER + "\n")[2]
