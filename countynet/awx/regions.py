"""Kenya's 47 counties by region (the former provinces), so each town's AWX jobs can run on the
execution nodes of the region whose management network reaches it (docs/reach-plan.md)."""

from __future__ import annotations

import re

REGIONS: dict[str, tuple[str, ...]] = {
    "nairobi": ("Nairobi",),
    "central": ("Nyandarua", "Nyeri", "Kirinyaga", "Murang'a", "Kiambu"),
    "coast": ("Mombasa", "Kwale", "Kilifi", "Tana River", "Lamu", "Taita-Taveta"),
    "eastern": ("Marsabit", "Isiolo", "Meru", "Tharaka-Nithi", "Embu", "Kitui", "Machakos", "Makueni"),
    "north-eastern": ("Garissa", "Wajir", "Mandera"),
    "nyanza": ("Siaya", "Kisumu", "Homa Bay", "Migori", "Kisii", "Nyamira"),
    "rift-valley": (
        "Turkana", "West Pokot", "Samburu", "Trans Nzoia", "Uasin Gishu", "Elgeyo-Marakwet", "Nandi",
        "Baringo", "Laikipia", "Nakuru", "Narok", "Kajiado", "Kericho", "Bomet",
    ),
    "western": ("Kakamega", "Vihiga", "Bungoma", "Busia"),
}
OTHER = "other"  # a county not in the table (e.g. the synthetic benchmark's): the default instance group


def _key(county: str) -> str:
    return re.sub(r"[^a-z]", "", county.lower())


_BY_COUNTY = {_key(c): region for region, counties in REGIONS.items() for c in counties}


def region_of(county: str) -> str:
    """The region a county belongs to ('Taita Taveta', 'taita-taveta' and 'Muranga' all match)."""
    return _BY_COUNTY.get(_key(county), OTHER)
