"""Stand-alone helpers run inside lab nodes (stdlib only, started with `python3 -I -S`)."""
