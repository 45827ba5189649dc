"""Shim so `napalm.get_network_driver("frr")` finds countynet's FRR driver.

napalm 5.2 ignores the `napalm.drivers` entry point: it imports `custom_napalm.frr`,
`napalm.frr`, then `napalm_frr`, and returns the first NetworkDriver subclass it finds.
"""

from countynet.drivers.frr import FRRDriver

__all__ = ["FRRDriver"]
