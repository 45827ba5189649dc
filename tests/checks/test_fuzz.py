"""Bad input never produces a traceback: mutate the mini inventory and run `countynet validate`.

Property: whatever we do to the files (drop keys, wrong types, random text, duplicate keys,
huge numbers, unicode, deleted or truncated files), the command ends with exit 1 or 2 and at
least one finding or error line, or exit 0 with zero errors when the mutation was harmless.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from countynet.cli.main import app

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
FILES = ["network.yml", "nofbi.yml", "towns/ruiru.yml", "allocations.yml"]
RAW = {f: (MINI / f).read_text() for f in FILES}
DATA = {f: yaml.safe_load(RAW[f]) for f in FILES}


def _scalars(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [x for v in data.values() for x in _scalars(v)] + [k for k in data if isinstance(k, str)]
    if isinstance(data, list):
        return [x for v in data for x in _scalars(v)]
    return [data]


SCALARS = sorted({repr(x): x for d in DATA.values() for x in _scalars(d)}.values(), key=repr)
WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "ÿ\u202e\U0001f4a1", "10.0.0.0/33", "999.1.1.1", "rru-hub", "a" * 300, "{env: X}"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a parsed YAML document (cut off deep down: anchors can make cycles)."""
    out = [path] if path else []
    if len(path) > 12:
        return out
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*path, i))
    return out


def _set(data: Any, path: tuple[Any, ...], value: Any, drop: bool = False) -> None:
    for part in path[:-1]:
        data = data[part]
    if drop:
        del data[path[-1]]
    else:
        data[path[-1]] = value


@st.composite
def mutation(draw: st.DrawFn) -> dict[str, str | None]:
    """A dict file -> new text (None = delete the file); one to three mutations in one go."""
    out: dict[str, str | None] = {}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(FILES))
        text = out.get(name, RAW[name])
        kind = draw(
            st.sampled_from(
                ["drop", "retype", "swap", "swap", "random", "dupkey", "delete", "truncate", "unicode", "huge"]
            )
        )
        if text is None:
            continue
        if kind in ("drop", "retype", "huge", "swap"):
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                continue  # an earlier mutation already broke the syntax
            paths = _paths(data)
            if not paths:
                continue
            path = draw(st.sampled_from(paths))
            if kind == "swap":  # a plausible value from elsewhere: keeps the schema, breaks references
                value = draw(st.sampled_from(SCALARS))
            else:
                value = draw(st.integers(10**12, 10**30)) if kind == "huge" else draw(WEIRD)
            _set(data, path, value, drop=kind == "drop")
            text = yaml.safe_dump(data, allow_unicode=True)
        elif kind == "random":
            text = draw(
                st.one_of(
                    st.text(max_size=200), st.sampled_from(["- a\n- b\n", "key: [unclosed\n", "\t: x", "&a [*a]"])
                )
            )
        elif kind == "dupkey":
            lines = text.splitlines() or [""]
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines) + "\n"
        elif kind == "delete":
            out[name] = None
            continue
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        elif kind == "unicode":
            pos = draw(st.integers(0, len(text)))
            text = text[:pos] + draw(st.text(min_size=1, max_size=5)) + text[pos:]
        out[name] = text
    return out


runner = CliRunner()
FINDING = re.compile(r"(: CN\d{3} (error|warning): )|(^|: )error: ")


@settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutation())
def test_validate_never_crashes(changes: dict[str, str | None]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inv = Path(tmp) / "inv"
        shutil.copytree(MINI, inv)
        for name, text in changes.items():
            if text is None:
                (inv / name).unlink()
            else:
                (inv / name).write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["--inventory", str(inv), "validate"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        raise AssertionError(
            "validate crashed on:\n"
            + "\n".join(f"--- {n}\n{t}" for n, t in changes.items())
            + "\n"
            + "".join(traceback.format_exception(result.exception))
        )
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    assert result.exit_code in (0, 1, 2), output
    if result.exit_code == 0:
        assert " 0 errors" in output, output  # a harmless mutation (e.g. a dropped optional key)
    else:
        assert any(FINDING.search(line) for line in output.splitlines()), output


def test_every_mutation_kind_is_reachable() -> None:
    """Guard against a strategy that silently generates nothing: a deleted file is an input error."""
    with tempfile.TemporaryDirectory() as tmp:
        inv = Path(tmp) / "inv"
        shutil.copytree(MINI, inv)
        (inv / "network.yml").unlink()
        result = runner.invoke(app, ["--inventory", str(inv), "validate"])
    assert result.exit_code == 2
    assert "network.yml" in result.output + result.stderr
