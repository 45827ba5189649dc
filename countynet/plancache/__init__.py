"""The plan cache: each town's validation, allocation, radio plan and intents, kept on disk by content hash.

A one-site change then recomputes one town; everything else is read back. It is an optimisation
only: `--no-cache` (or COUNTYNET_NO_CACHE=1) gives the same results the long way, and any doubt
(a cross-town finding, a damaged entry) falls back to judging the inventory as one.
"""
