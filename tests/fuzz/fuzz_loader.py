#!/usr/bin/env python3
"""Coverage-guided fuzzing of the YAML loader and the rules (atheris, libFuzzer underneath).

Each input is one town file. It is parsed within a small budget and, when it parses to a mapping,
loaded as towns/ruiru.yml of the mini inventory and validated with every rule. Invariant: the only
exception that may come out is CountynetError (a one-line finding or error); anything else is a
crash, and libFuzzer's -rss_limit_mb / -timeout catch memory and hangs.

    python3 tests/fuzz/fuzz_loader.py -max_total_time=60 -dict=tests/fuzz/yaml.dict NEW_CORPUS tests/fuzz/corpus

The seed corpus (tests/fuzz/corpus) holds valid town files and hostile structure: anchors,
aliases, merge keys, tags, deep nesting, huge values, odd encodings; yaml.dict gives libFuzzer
YAML's tokens. Inputs that ever crashed are kept in tests/fuzz/regressions and replayed by pytest.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["countynet", "yaml"]):
    import loader_harness

    from countynet.checks.registry import load_rules

    load_rules()  # the rule modules too, so their branches guide the fuzzer


def main() -> None:
    atheris.Setup(sys.argv, loader_harness.check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
