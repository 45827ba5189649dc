"""Render step: intents -> device configs through the shared Jinja environment and platform templates."""

from countynet.render.renderer import render_all, render_intents, write_rendered

__all__ = ["render_all", "render_intents", "write_rendered"]
