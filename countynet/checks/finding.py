"""Findings live in countynet.findings (the loader reports them too); this name stays for rules."""

from countynet.findings import Finding, Severity

__all__ = ["Finding", "Severity"]
