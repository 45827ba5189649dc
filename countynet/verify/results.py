"""Verification results: one row per expectation, named so a person can act on a failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "fail", "parse-error", "not-measurable", "error"]
BAD: set[str] = {"fail", "parse-error", "error"}


@dataclass
class Check:
    town: str
    device: str  # the device or agency site the check belongs to
    kind: str  # bgp, ospf, route, interface, ping, tcp, tcp-denied, latency, radio
    target: str  # what was checked: peer, interface, prefix, service...
    status: Status = "fail"
    detail: str = ""
    site: str | None = None  # agency site, for checks run from its LAN

    @property
    def name(self) -> str:
        return f"{self.device} {self.kind} {self.target}"

    @property
    def bad(self) -> bool:
        return self.status in BAD

    def as_dict(self) -> dict[str, object]:
        return {**vars(self), "name": self.name}


@dataclass
class VerifyReport:
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0
    attempts: int = 1
    stand_ins: dict[str, str] = field(default_factory=dict)  # device -> the field platform its lab node stands in for

    def stand_in_note(self) -> str | None:
        """Which checks ran on a stand-in, and what carries them over to the field (None in the field)."""
        if not self.stand_ins:
            return None
        ran = sum(c.device in self.stand_ins for c in self.checks)
        per: dict[str, int] = {}
        for p in self.stand_ins.values():
            per[p] = per.get(p, 0) + 1
        kinds = ", ".join(f"{n} {p}" for p, n in sorted(per.items()))
        return (f"{ran} of {len(self.checks)} checks ran on FRR stand-ins ({kinds} devices); CN510 field/stand-in "
                "equivalence in `countynet render` is what carries these results over to the field configs")

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.bad]

    @property
    def ok(self) -> bool:
        return not self.failed

    def by_town(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for c in self.checks:
            row = out.setdefault(c.town, {"checks": 0, "ok": 0, "failed": 0, "sites": 0, "sites_ok": 0})
            row["checks"] += 1
            row["ok"] += c.status == "ok"
            row["failed"] += c.bad
        for town, row in out.items():
            sites = {c.site for c in self.checks if c.town == town and c.site}
            bad_sites = {c.site for c in self.checks if c.town == town and c.site and c.bad}
            bad_devices = {c.device for c in self.checks if c.town == town and c.bad}
            row["sites"] = len(sites)
            row["sites_ok"] = len({s for s in sites if s not in bad_sites and s not in bad_devices})
        return out
