"""Field config == its lab stand-in, per device: what lets lab results speak for the field.

The virtual lab runs FRR in place of IOS-XE and RouterOS, so everything the lab verifies is the
FRR rendering of a device's intent. This check parses both renderings back (each platform row's
`normalize`) into one normal form (countynet.platforms.base_normalize) and compares them item by
item: hostname, interfaces with role and address, OSPF per interface, BGP sessions with what they
accept and announce, static routes, per-service filter rules and the management ACL. Items a
stand-in's config does not carry (its `outside_config`: FRR leaves the management address to the
host OS and has no radios) are compared with the intent instead, which is what the lab sets them
from. It proves the two configs *say* the same; it cannot prove the two OSes *do* the same with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from countynet import platforms
from countynet.platforms.base_normalize import Items, host, number, wireless_value

Intent = Mapping[str, Any]
CHECK = "CN510"  # the rule id under which render reports it (countynet/checks/rules/equivalence.py)
WHAT = f"{CHECK} field/stand-in equivalence"


@dataclass(frozen=True)
class Difference:
    """One item on which a field config and its stand-in (or the intent) disagree."""

    device: str
    item: str
    platform: str
    value: str | None
    stand_in: str
    stand_in_value: str | None
    against_intent: bool = False

    def message(self) -> str:
        other = (
            f"the intent (which the {self.stand_in} stand-in leaves to the lab) has {_say(self.stand_in_value)}"
            if self.against_intent
            else f"its {self.stand_in} stand-in has {_say(self.stand_in_value)}"
        )
        return f"{self.device}: {self.item}: {self.platform} config has {_say(self.value)}, {other}"


def _say(value: str | None) -> str:
    return "nothing" if value is None else f"'{value}'"


def names_of(intent: Intent) -> dict[str, tuple[str, str]]:
    """{platform interface name: (logical name, role)}: the platform's interface mapping, reversed."""
    return {e["name"]: (e["logical"], e["kind"]) for e in intent["interfaces"]}


def normal_form(text: str, intent: Intent) -> Items:
    """The normal form of `text`, rendered from `intent` for the intent's platform."""
    plat = platforms.get(intent["platform"])
    if plat.normalize is None:
        raise ValueError(f"platform {plat.name} has no normalizer")
    return plat.normalize(text, names_of(intent))


def outside(key: str, patterns: Iterable[str]) -> bool:
    return any(key == p or (p.endswith(" ") and key.startswith(p)) for p in patterns)


def intent_items(intent: Intent) -> Items:
    """The normal-form items that stand-ins leave out of their config, computed from the intent."""
    items: Items = {}
    for e in intent["interfaces"]:
        if e["kind"] == "management":
            items["management address"] = f"{e['logical']} {host(e['address'])}"
    for w in intent["wireless"]["sectors"] + intent["wireless"]["stations"]:
        items[f"wireless {w['logical']}"] = wireless_value(
            w["mode"], w["ssid"], number(w["frequency_mhz"]), str(w["width_mhz"]), number(w["tx_power_dbm"]),
            w["security"],
        )  # fmt: skip
    return items


def _side(text: str, intent: Intent, lacks: tuple[str, ...]) -> tuple[Items, set[str]]:
    """A config's items with the ones outside its config taken from the intent (and their keys)."""
    try:
        items = normal_form(text, intent)
    except (ValueError, KeyError, IndexError) as exc:  # a config the parser cannot read differs everywhere
        return {"config": f"unreadable ({type(exc).__name__}: {exc})"}, set()
    from_intent = {k: v for k, v in intent_items(intent).items() if outside(k, lacks)}
    items = {k: v for k, v in items.items() if not outside(k, lacks)}
    return {**items, **from_intent}, set(from_intent)


def compare(device: str, text: str, intent: Intent, stand_text: str, stand_intent: Intent) -> list[Difference]:
    """Every item on which the field config `text` and its stand-in's `stand_text` differ."""
    plat, stand = platforms.get(intent["platform"]), platforms.get(stand_intent["platform"])
    mine, _ = _side(text, intent, plat.outside_config)
    theirs, via_intent = _side(stand_text, stand_intent, stand.outside_config)
    if "config" in mine or "config" in theirs:  # unreadable: one difference, not one per item
        return [Difference(device, "config", plat.name, mine.get("config"), stand.name, theirs.get("config"))]
    return [
        Difference(device, k, plat.name, mine.get(k), stand.name, theirs.get(k), k in via_intent)
        for k in sorted(mine.keys() | theirs.keys())
        if mine.get(k) != theirs.get(k)
    ]


def stand_in_of(intent: Intent) -> str | None:
    """The platform the lab runs in place of this device's, or None when it runs the device's own."""
    return platforms.get(intent["platform"]).lab_stand_in


@dataclass
class Report:
    checked: int = 0  # devices whose field config was compared with a stand-in
    same_platform: int = 0  # devices the lab runs on their own platform (nothing to carry over)
    differences: list[Difference] | None = None

    @property
    def ok(self) -> bool:
        return not self.differences


def check(
    texts: Mapping[str, str],
    intents: Mapping[str, Intent],
    stand_texts: Mapping[str, str],
    stand_intents: Mapping[str, Intent],
) -> Report:
    """Compare every device of `texts` that has a stand-in rendering in `stand_texts`."""
    report = Report(differences=[])
    assert report.differences is not None
    for device in sorted(texts):
        if device not in stand_texts:
            report.same_platform += 1
            continue
        report.checked += 1
        report.differences += compare(device, texts[device], intents[device], stand_texts[device], stand_intents[device])
    return report


def render_stand_ins(
    intents_as: Callable[[list[str], str], Mapping[str, Intent]],
    intents: Mapping[str, Intent],
    templates: str | None = None,
) -> dict[str, tuple[str, Intent]]:
    """{host: (stand-in text, stand-in intent)} for every device of `intents` the lab stands in for.

    `intents_as(hosts, platform)` gives the hosts' intents rendered as `platform` (the Model's
    `intents`, which caches them for the lab deploy that renders the same stand-ins).
    """
    from countynet.render.renderer import render_intents

    groups: dict[str, list[str]] = {}
    for host_name, intent in intents.items():
        stand = stand_in_of(intent)
        if stand is not None:
            groups.setdefault(stand, []).append(host_name)
    out: dict[str, tuple[str, Intent]] = {}
    for stand, hosts in sorted(groups.items()):
        stand_intents = intents_as(hosts, stand)
        texts = render_intents(stand_intents, templates)
        out.update({h: (texts[h], stand_intents[h]) for h in hosts})
    return out
