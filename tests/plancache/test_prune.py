"""The plan cache stays under its size cap, least recently used first, and says when it cannot be used.

Entries here are written through the store as a run writes them (only their payloads are
made-up bytes of a known size), so the folder holds what a user's would.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from countynet.plancache import prune, store

ROOT = Path(__file__).resolve().parents[2]
KIB = 1024
DAY = 86400.0


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTYNET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COUNTYNET_NO_CACHE", raising=False)
    monkeypatch.delenv(prune.MAX_ENV, raising=False)
    monkeypatch.setattr(store, "_budget", prune.Budget())  # a fresh process's view of the folder
    monkeypatch.setattr(store, "_warned", False)
    store.disable(False)
    return tmp_path / "cache" / "towns"


def put(key: str, kib: int = 100, age_days: float = 0.0) -> Path:
    """Write an entry of about `kib` KiB, last used `age_days` ago."""
    assert store.write("findings", key, b"x" * (kib * KIB))
    path = store._path("findings", key)
    when = time.time() - age_days * DAY
    os.utime(path, (when, when))
    return path


def keys(n: int) -> list[str]:
    return [f"{i:02x}" + "ab" * 31 for i in range(n)]


def test_over_the_cap_the_oldest_go_and_a_recent_read_keeps_an_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(prune.MAX_ENV, "1")  # 1 MiB: nine 100 KiB entries fit, eleven do not
    names = keys(12)
    paths = [put(k, age_days=20 - i) for i, k in enumerate(names[:9])]  # names[0] is the oldest
    assert store.read("findings", names[0]) == b"x" * (100 * KIB)  # used just now: no longer the oldest
    put(names[9])
    put(names[10])  # past 1 MiB: pruned to 80 % of it
    _folder, entries, size = store.stats()
    assert size <= 0.8 * prune.MIB and entries == 8
    assert paths[0].exists(), "the entry read a moment ago was evicted"
    assert not paths[1].exists() and not paths[2].exists() and not paths[3].exists(), "the oldest stayed"
    assert store.read("findings", names[10]) is not None, "the entry just written was evicted"


def test_under_the_cap_nothing_is_removed(cache: Path) -> None:
    for k in keys(5):
        put(k, age_days=400)  # old but the folder is far under 512 MiB
    assert store.stats()[1] == 5


def test_the_size_estimate_a_write_makes_is_close_and_a_full_folder_is_pruned(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    names = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(3000)]
    for name in names:
        store.write("findings", name, b"x" * 300)
    true_size = store.stats()[2]
    guesses = sorted(prune.estimate(cache, f"{s:02x}") / true_size for s in range(256))
    assert 0.9 < guesses[128] < 1.1 and guesses[0] > 0.6 and guesses[-1] < 1.4, guesses
    monkeypatch.setenv(prune.MAX_ENV, "1")
    monkeypatch.setattr(store, "_budget", prune.Budget())  # the next run: over the cap from its first write
    store.write("findings", "ff" * 32, b"y" * 300)
    assert store.stats()[2] <= 0.8 * prune.MIB
    assert store.read("findings", "ff" * 32) == b"y" * 300
    assert store.read("findings", names[0]) is None  # the first written, least recently used


def test_prune_command_and_info_show_the_cap(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i, k in enumerate(keys(6)):
        put(k, kib=200, age_days=10 - i)
    env = {**os.environ, "PYTHONPATH": str(ROOT), prune.MAX_ENV: "2"}
    info = run(["cache", "info"], env)
    assert info.stdout.strip() == f"plan cache {cache}: 6 entries, 1.2 MiB of 2.0 MiB (COUNTYNET_CACHE_MAX_MB); on"
    done = run(["cache", "prune", "--max-mb", "0"], env)
    assert done.stdout.strip() == f"removed 6 entries (1.2 MiB) from {cache}; 0.0 MiB left of 0.0 MiB"
    assert store.stats()[1] == 0


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_bad_cap_is_a_clear_error(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), prune.MAX_ENV: value}
    res = run(["cache", "info"], env, check=False)
    assert res.returncode == 2
    assert res.stderr.strip() == (
        f"error: COUNTYNET_CACHE_MAX_MB={value!r} is not a size in MiB (write a whole number above 0, e.g. "
        "COUNTYNET_CACHE_MAX_MB=512, or unset it for the default)"
    )


def test_an_entry_deleted_by_another_process_mid_read_is_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    name = keys(1)[0]
    path = put(name, age_days=3)  # old enough that the read marks it used
    real_load = pickle.load

    def load_then_vanish(fh: Any) -> Any:
        got = real_load(fh)
        path.unlink()  # another process's prune removes it while this one reads
        return got

    monkeypatch.setattr(pickle, "load", load_then_vanish)
    assert store.read("findings", name) == b"x" * (100 * KIB)
    monkeypatch.setattr(pickle, "load", real_load)
    assert store.read("findings", name) is None  # gone: a miss, recomputed by the caller


def test_a_prune_that_races_another_prune_skips_what_vanished(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i, k in enumerate(keys(5)):
        put(k, age_days=5 - i)
    entries, _stale = prune.scan(cache)
    for e in entries:  # the other process got there first
        e.path.unlink()
    monkeypatch.setattr(prune, "scan", lambda root: (entries, []))
    assert prune.prune(cache, 0) == (0, 0, 0)


WORKER = """
import random, sys
from countynet.plancache import store
rng = random.Random(int(sys.argv[1]))
keys = [f"{rng.randrange(256):02x}" + "cd" * 31 for _ in range(300)]
for i, key in enumerate(keys):
    store.write("findings", key, b"z" * 20000)
    got = store.read("findings", keys[rng.randrange(i + 1)])
    assert got is None or got == b"z" * 20000
print("ok")
"""


def test_processes_sharing_one_folder_past_its_cap_all_finish(cache: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), prune.MAX_ENV: "1"}
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(seed)], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for seed in range(3)
    ]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert (proc.returncode, out.strip(), err) == (0, "ok", "")
    assert store.stats()[2] <= 2 * prune.MIB  # a soft cap: each process pruned what it saw


def test_an_untrusted_folder_is_not_read_and_says_so_once(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = keys(1)[0]
    put(name)
    cache.chmod(0o777)
    assert store.read("findings", name) is None
    assert store.read("findings", name) is None
    assert store.write("findings", keys(2)[1], b"y") is False
    err = capsys.readouterr().err
    assert err == (
        f"{cache}: warning: plan cache not used: the folder can be written by group or others, so its entries "
        f"could come from someone else (run `chmod go-w {cache}` if it is yours, or set COUNTYNET_CACHE_DIR to a "
        "folder of your own; results are the same, only slower)\n"
    )
    info = run(["cache", "info"], {**os.environ, "PYTHONPATH": str(ROOT)})
    assert info.stdout.strip().endswith(
        f"; not used: the folder can be written by group or others (chmod go-w {cache}, or set COUNTYNET_CACHE_DIR)"
    )
    cache.chmod(0o700)
    assert store.read("findings", name) == b"x" * (100 * KIB)


def test_validate_gives_the_same_findings_with_an_untrusted_cache(tmp_path: Path, cache: Path) -> None:
    inv = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv, ignore=shutil.ignore_patterns("*.bak"))
    (inv / "towns/thika.yml").write_text((inv / "towns/thika.yml").read_text().replace("\n", "\n\n", 1))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COUNTYNET_CACHE_DIR": str(cache.parent)}
    plain = run(["--inventory", str(inv), "--no-cache", "validate", "--json"], env, check=False)
    run(["--inventory", str(inv), "validate", "--json"], env, check=False)  # fills the cache
    cache.chmod(0o770)
    untrusted = run(["--inventory", str(inv), "validate", "--json"], env, check=False)
    assert untrusted.returncode == plain.returncode
    assert strip_seconds(untrusted.stdout) == strip_seconds(plain.stdout)
    assert untrusted.stderr.count("warning: plan cache not used") == 1
    assert "Traceback" not in untrusted.stderr


def strip_seconds(text: str) -> str:
    import json

    data = json.loads(text)
    if isinstance(data, dict):
        data.pop("seconds", None)
    return json.dumps(data, sort_keys=True)


def run(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    res = subprocess.run([sys.executable, "-m", "countynet.cli", *args], env=env, capture_output=True, text=True)
    if check:
        assert res.returncode == 0, res.stderr
    return res
