"""Fuzzing of the loader and the rules: the corpus and found crashes replayed, structured YAML from
hypothesis, and a bounded coverage-guided atheris run (FUZZ_SECONDS, default 60) as CI runs it.

A crash found by the bounded run fails this test with the input in base64; keep it in
tests/fuzz/regressions/ (a file per crash, named for what it is) once the bug is fixed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_harness import BUDGET, check

from countynet.inventory.limits import InputRefused
from countynet.inventory.yaml_source import SourceMap, parse_yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEEDS = sorted((HERE / "corpus").iterdir()) + sorted((HERE / "regressions").iterdir())


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_corpus_and_regressions_end_in_a_finding_or_a_model(path: Path) -> None:
    start = time.perf_counter()
    check(path.read_bytes())
    assert time.perf_counter() - start < 5


# ---------------------------------------------------------------- structured YAML from hypothesis
NAMES = st.sampled_from(["a", "b", "c"])
PLAIN = st.one_of(
    st.sampled_from(["ruiru", "65190", "0x1F", "1:2:3", "2026-12-01", "yes", "~", ".nan", "-.inf", "1e999", "''"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.integers(0, 5000).map(lambda n: "x" * n),  # up to and past the scalar budget
)
TAGS = st.sampled_from(["", "!!str ", "!!int ", "!!float ", "!!binary ", "!!timestamp ", "!!bool ", "!!null ", "!local ", "!!python/object:os.system "])


@st.composite
def node(draw: st.DrawFn, depth: int = 0) -> str:
    """One flow-style YAML node: scalars, sequences, mappings, anchors, aliases and merge keys."""
    kind = draw(st.sampled_from(["scalar", "alias", "seq", "map", "merge", "deep"] if depth < 4 else ["scalar", "alias"]))
    anchor = f"&{draw(NAMES)} " if draw(st.booleans()) else ""
    if kind == "scalar":
        return anchor + draw(TAGS) + draw(PLAIN)
    if kind == "alias":
        return f"*{draw(NAMES)}"
    if kind == "deep":
        n = draw(st.integers(1, 60))
        return anchor + "[" * n + "]" * n
    items = draw(st.lists(node(depth + 1), max_size=4))
    if kind == "seq":
        return anchor + "[" + ", ".join(items) + "]"
    pairs = [f"k{i}: {v}" for i, v in enumerate(items)]
    if kind == "merge":
        pairs.append(f"<<: {draw(st.sampled_from(['*a', '[*a, *b]', '{m: 1}', '*c']))}")
    return anchor + "{" + ", ".join(pairs) + "}"


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"])


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(st.lists(node(), min_size=1, max_size=6), ENCODINGS)
def test_structured_yaml_loads_or_is_refused_within_budget(docs: list[str], encoding: str) -> None:
    text = "name: ruiru\n" + "".join(f"f{i}: {d}\n" for i, d in enumerate(docs))
    data = text.encode(encoding, errors="replace")
    start = time.perf_counter()
    with contextlib.suppress(InputRefused, UnicodeDecodeError):
        parse_yaml(data.decode("utf-8"), "h.yml", SourceMap(), BUDGET)
    check(data)  # the whole loader and every rule on it
    assert time.perf_counter() - start < 5


# ---------------------------------------------------------------- the bounded coverage-guided run
@pytest.mark.slow
def test_bounded_atheris_run(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    seconds = int(os.environ.get("FUZZ_SECONDS", "60"))
    found = tmp_path / "found"  # libFuzzer writes new inputs to the first folder: never the repo's corpus
    found.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}  # its scratch inventory too
    proc = subprocess.run(
        [sys.executable, str(HERE / "fuzz_loader.py"), f"-max_total_time={seconds}", "-rss_limit_mb=1024",
         "-timeout=10", "-print_final_stats=1", f"-dict={HERE / 'yaml.dict'}", f"-artifact_prefix={tmp_path}/",
         str(found), str(HERE / "corpus")],
        capture_output=True, text=True, timeout=seconds + 240, env=env, cwd=tmp_path,
    )  # fmt: skip
    crashes = sorted(tmp_path.glob("crash-*")) + sorted(tmp_path.glob("timeout-*")) + sorted(tmp_path.glob("oom-*"))
    if proc.returncode != 0 or crashes:
        keep = Path(os.environ.get("FUZZ_KEEP", tmp_path))
        for c in crashes:
            shutil.copy(c, keep / c.name)
        tail = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("INFO: Instrumenting"))[-4000:]
        pytest.fail(f"fuzzing found a crash (inputs kept in {keep}; add them to tests/fuzz/regressions):\n{tail}")
    assert "Done" in proc.stderr
