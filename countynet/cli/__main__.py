"""`python -m countynet.cli`: the same as the `countynet` command."""

from countynet.cli.main import main

main()
