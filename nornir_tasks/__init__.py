"""Nornir tasks of countynet: one device each, composed by countynet.deploy and countynet.verify."""
