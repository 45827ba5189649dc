"""The offline documentation site: maps, topology diagrams, per-town and per-device pages, the rollout dashboard."""

from countynet.docsite.build import BuildResult, build_site

__all__ = ["BuildResult", "build_site"]
