"""countynet: infrastructure-as-code rollout toolkit for the county connectivity network."""

__version__ = "0.1.0"
