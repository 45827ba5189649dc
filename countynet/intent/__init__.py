"""Device intent: the fully-resolved per-device data every template, lab and deploy step reads."""

from countynet.intent.build import build_intents
from countynet.intent.secrets import redact, redactor, resolve_secrets

__all__ = ["build_intents", "redact", "redactor", "resolve_secrets"]
