"""Hostile inventory files and a runner that measures what reading them costs.

`run_measured` runs the countynet CLI in a fresh Python process and reports its exit code,
output, wall time and how much its peak RSS grew past the point where countynet's modules were
imported (resource.getrusage(RUSAGE_SELF).ru_maxrss before and after the command), so a test can
assert that a hostile file ends within seconds and a few tens of MB with one finding line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20

# Eleven lines that would expand to 10^9 values: the "billion laughs".
ALIAS_BOMB = "name: ruiru\n" + 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
MERGE_LOOP = "name: ruiru\ndefaults: &d\n  county: Kiambu\n  <<: *d\n"
DEEP = "name: ruiru\ncounty: " + "[" * 100_000 + "]" * 100_000 + "\n"
NOT_UTF8 = b"name: ruiru\ncounty: Kiambu\nnote: caf\xe9 (latin-1)\n"

_DRIVER = r"""
import json, resource, sys, time, io, contextlib
from countynet.cli.main import app
import countynet.checks.engine, countynet.checks.registry, countynet.review.plan
countynet.checks.registry.load_rules()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
out, err = io.StringIO(), io.StringIO()
code = 0
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        app(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                  "seconds": time.perf_counter() - start, "grew_kb": after - before}))
"""


@dataclass
class Measured:
    code: int
    output: str
    seconds: float
    grew_mb: float

    def lines(self, rule: str) -> list[str]:
        return [line for line in self.output.splitlines() if f" {rule} error: " in line]


def run_measured(args: list[str], cwd: Path, timeout: float = 60, env: dict[str, str] | None = None) -> Measured:
    """Run `countynet ARGS` in a new process; the timeout is a backstop, tests assert much less."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "400", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "Traceback" not in data["out"] + data["err"], data["err"][-3000:]
    return Measured(data["code"], data["out"] + data["err"], data["seconds"], data["grew_kb"] / 1024)


def write_big_scalar(path: Path, size: int = 100 * MB) -> None:
    """A town file whose one value is `size` bytes, written in chunks (never held in memory)."""
    with path.open("wb") as fh:
        fh.write(b"name: ruiru\ncounty: ")
        chunk = b"a" * MB
        for _ in range(size // MB):
            fh.write(chunk)
        fh.write(b"\n")
