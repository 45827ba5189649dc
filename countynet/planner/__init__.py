"""Site list -> proposed town file: towers, sector/PtP/relay assignment, channels and power (docs/planner.md)."""
