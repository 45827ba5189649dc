"""A page per rule: what it checks, why, an example finding and the fix (`countynet rules ID`, docs/rules.md).

The rationale is the rule function's docstring (LOADER_WHY for the loader's findings; the family
text when neither has one); the example is the finding the rule's golden error case produces
(tests/golden/errors), shipped in examples.json by `scripts/gen-rule-docs` and kept in sync by a test.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from countynet.checks.registry import BUILTIN, RULES, load_rules
from countynet.errors import CountynetError

FAMILIES = {
    "CN0": "The files must load before anything else can be checked: a broken file stops every later step.",
    "CN1": "Names must point at things that exist, once: a dangling or duplicate reference would render a "
    "config that routes to nowhere or to the wrong device.",
    "CN2": "Addresses come from pools through the allocation lock: overlaps or moved addresses renumber "
    "live devices and break routing between towns and to NOFBI.",
    "CN3": "A radio hop that does not close its link budget, breaks Kenyan spectrum rules or interferes with "
    "another will not carry the agency's traffic in the field, however correct the config.",
    "CN4": "Secrets and management access: a credential in clear in a reviewed repository is a credential "
    "published; management must stay reachable only from where it should.",
    "CN5": "Checked on the rendered config itself: what reaches a device must meet the security baseline and "
    "be accepted by the platform's own rules.",
    "CN6": "Capacity: the agencies behind a hop must fit in what the hop can carry.",
}

# Why the loader's own findings (registry.BUILTIN) matter; they have no rule function to carry a docstring.
LOADER_WHY = {
    "CN000": "A file that is not valid YAML cannot be read at all, so nothing in it or depending on it can be "
    "checked or rendered.",
    "CN001": "The typed model is the one source every later step trusts; a missing, unknown or mistyped key is "
    "caught here, at its line, instead of as a wrong config on a device.",
    "CN002": "YAML keeps only the last of two equal keys, so the first value a reviewer reads is silently ignored "
    "and the device gets the other one.",
    "CN003": 'Aliases can expand a small file into billions of values (a "billion laughs" document); the loader '
    "bounds them so a hostile or broken file cannot exhaust memory.",
    "CN004": "Deep nesting can exhaust the parser's stack; no inventory needs it, so the loader bounds depth "
    "before parsing further.",
    "CN005": "A file with an enormous number of values would make loading and checking slow enough to stall CI; "
    "the loader bounds it.",
    "CN006": "A single huge value is never a real inventory field and can exhaust memory in later steps; the "
    "loader bounds it.",
    "CN007": "Huge files or inventories are never legitimate and can exhaust memory in the loader; the byte budget"
    " stops them before parsing.",
    "CN008": "A folder or revision with very many files makes loading slow enough to stall review and CI; the "
    "loader bounds the count.",
    "CN009": "A symlink or path leading outside the inventory folder could read files that are not part of the "
    "reviewed inventory (keys, system files); only regular files inside it are loaded.",
}


@dataclass(frozen=True)
class RulePage:
    id: str
    name: str
    severity: str
    scope: str
    description: str
    rationale: str
    example: str
    fix: str

    def markdown(self) -> str:
        out = [f"## {self.id} {self.name}", "", f"*{self.severity}, checked on the {self.scope}*", "",
               self.description[:1].upper() + self.description[1:] + ".", "", f"**Why:** {self.rationale}", ""]  # fmt: skip
        if self.example:
            out += ["**Example:**", "", "```", self.example, "```", ""]
        if self.fix:
            out += [f"**Fix:** {self.fix}", ""]
        return "\n".join(out)


@lru_cache(maxsize=1)
def examples() -> dict[str, str]:
    try:
        text = resources.files("countynet.checks").joinpath("examples.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    data = json.loads(text)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


_HINT = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$")


def page(rule_id: str) -> RulePage:
    load_rules()
    rid = rule_id.upper()
    scope = "model"
    if rid in RULES:
        r = RULES[rid]
        name, severity, description, scope = r.name, r.severity, r.description, r.scope
        doc = inspect.getdoc(r.func) or ""
    elif rid in BUILTIN:
        name, builtin_severity, description = BUILTIN[rid]
        severity = builtin_severity  # type: ignore[assignment]
        scope, doc = "load", LOADER_WHY.get(rid, "")
    else:
        known = sorted([*RULES, *BUILTIN])
        raise CountynetError(f"no rule {rule_id!r}", f"see `countynet rules` ({known[0]}..{known[-1]})")
    example = examples().get(rid, "")
    m = _HINT.search(example)
    rationale = doc.split("\n\n")[0].replace("\n", " ") if doc else FAMILIES.get(rid[:3], description)
    fix = m.group(1) if m else ""
    return RulePage(rid, name, severity, "rendered config" if scope == "rendered" else scope + " step" if scope ==
                    "load" else "inventory model", description, rationale, example, fix)  # fmt: skip


def all_pages() -> list[RulePage]:
    load_rules()
    return [page(rid) for rid in sorted([*RULES, *BUILTIN])]


def markdown_all() -> str:
    head = ["# countynet rules", "", "Generated by `countynet rules --markdown` from the rule registry; do not edit.",
            "Each finding prints as `file:line:col: ID severity: message (fix)`.", ""]  # fmt: skip
    return "\n".join(head + [p.markdown() for p in all_pages()])


def examples_from_goldens(golden_root: Any) -> dict[str, str]:
    """The first expected finding of each rule's golden error case (for examples.json)."""
    out: dict[str, str] = {}
    for case in sorted(golden_root.iterdir()):
        expected = case / "expected.txt"
        if not expected.is_file():
            continue
        rid = case.name.split("-", 1)[0]
        for line in expected.read_text(encoding="utf-8").splitlines():
            if f" {rid} " in line and rid not in out:
                out[rid] = line
    return out
