"""Shell scripts the FRR driver runs ON the device (POSIX sh, fed through `sh -s`).

Everything that must hold even if the controller vanishes mid-way lives here, on the device:
the backup, the apply-or-restore sequence and the commit-confirm timer. All scripts take the
same environment (SD state dir, RELOAD path to frr-reload.py, CONF the persisted frr.conf) and
serialise on one flock, so a confirm and a firing timer can never interleave.

Exit codes: 10 state dir or vtysh shim not writable, 11 busy, 12 commit pending, 13 syntax
error, 14 cannot read running config, 15 candidate not staged,
20 apply failed (previous config restored), 21 write failed, 22 restore incomplete,
30 nothing pending, 31 nothing to roll back to.
"""

from __future__ import annotations

import base64
import shlex
import textwrap

# frr-reload.py run from its compiled code, cached in the state dir (keyed by the script's path,
# mtime, size and the Python version), so a run costs no compile of its 2,200 lines; with
# `--and-test OUT` the same process then runs `--test FILE` (stdout to OUT, stderr dropped), which
# saves a whole Python start-up on every converge check. The runs themselves are frr-reload's own.
RELOAD_RUNNER = r"""
import marshal, os, sys


def code_of(src, cache):
    st = os.stat(src)
    key = ("%s %d %d %s" % (src, st.st_mtime_ns, st.st_size, sys.version)).encode()
    try:
        with open(cache, "rb") as fh:
            if fh.readline().rstrip(b"\n") == key:
                return marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    with open(src, "rb") as fh:
        code = compile(fh.read(), src, "exec")
    tmp = "%s.%d" % (cache, os.getpid())
    try:
        with open(tmp, "wb") as fh:
            fh.write(key + b"\n")
            marshal.dump(code, fh)
        os.replace(tmp, cache)
    except OSError:
        pass
    return code


def run(code, src, argv):
    sys.argv = [src] + argv
    try:
        exec(code, {"__name__": "__main__", "__file__": src, "__builtins__": __builtins__})
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


args = sys.argv[1:]
out = None
if "--and-test" in args:
    i = args.index("--and-test")
    out = args[i + 1]
    del args[i : i + 2]
src = os.environ["RELOAD"]
code = code_of(src, os.path.join(os.environ["SD"], "frr-reload.code"))
bindir = ["--bindir", os.environ["CN_BINDIR"]] if os.environ.get("CN_BINDIR") else []
rc = run(code, src, bindir + args)
if out is not None:
    sys.stdout.flush()
    sys.stderr.flush()
    keep = os.dup(1), os.dup(2)
    with open(out, "w") as fh, open(os.devnull, "w") as null:
        os.dup2(fh.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            run(code, src, bindir + ["--test", args[-1]])
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(keep[0], 1)
            os.dup2(keep[1], 2)
sys.exit(rc)
"""

# The vtysh frr-reload runs when countynet calls it (its own `--bindir` option points at this):
# vtysh costs ~35 ms of CPU per start (it builds its whole command graph), and a commit asked it to
# mark (`-m -f`) the same candidate four times: at the syntax check, in the compare, in the reload
# and in the converge check. A mark of content already marked by this vtysh binary comes from
# $SD/marks instead (only successful marks are kept; the output depends on nothing else). And a
# lone `write` does nothing: the commit script keeps frr.conf itself (the previous one until the
# change is confirmed, then `write memory`), so frr-reload's own write was always undone.
# Everything else goes to the real vtysh ($VTYSH) unchanged.
VTYSH_SHIM = r"""#!/bin/sh
# countynet: vtysh for frr-reload (see countynet/drivers/frr_scripts.py); the real one is $VTYSH
m= f= w= n=0 prev=
for a in "$@"; do
  case "$prev" in -f) f=$a ;; -c) n=$((n + 1)); [ "$a" = write ] && w=1 ;; esac
  [ "$a" = -m ] && m=1
  prev=$a
done
[ -n "$w" ] && [ "$n" = 1 ] && exit 0
if [ -n "$m" ] && [ -n "$f" ] && [ "$f" != - ] && [ -r "$f" ]; then
  k=$({ stat -L -c '%Y %s %i' "$VTYSH"; cat "$f"; } | sha256sum | cut -c1-64)
  if [ -f "$SD/marks/$k" ]; then cat "$SD/marks/$k"; exit 0; fi
  mkdir -p "$SD/marks"
  "$VTYSH" "$@" > "$SD/marks/$k.$$"
  rc=$?
  if [ $rc -eq 0 ]; then mv "$SD/marks/$k.$$" "$SD/marks/$k" && cat "$SD/marks/$k"; else cat "$SD/marks/$k.$$"; rm -f "$SD/marks/$k.$$"; fi
  exit $rc
fi
exec "$VTYSH" "$@"
"""

# Puts the shim above in place (when it differs) and exports what it and the runner read.
SHIM_FN = r"""
VTYSH=$(command -v vtysh || echo /usr/bin/vtysh)
CN_BINDIR="$SD/bin"
export VTYSH CN_BINDIR SD
if [ ! -x "$CN_BINDIR/vtysh" ] || [ "$(cat "$CN_BINDIR/vtysh")" != "$(printf '%s' "$VTYSH_SHIM")" ]; then
  mkdir -p "$CN_BINDIR" && printf '%s\n' "$VTYSH_SHIM" > "$CN_BINDIR/vtysh.$$" && chmod 700 "$CN_BINDIR/vtysh.$$" \
    && mv "$CN_BINDIR/vtysh.$$" "$CN_BINDIR/vtysh" || exit 10
fi
"""

# `frr_reload ARGS... [--and-test OUT]`: frr-reload.py through the runner above with the vtysh
# shim (frr-reload.py is a python3 script, so python3 is there wherever it is).
RELOAD_FN = (
    SHIM_FN
    + r"""
frr_reload() { python3 -c "$RUNNER" "$@"; }
"""
)

TC_FUNCS = r"""
# The tc part (QoS queues, `tc -batch` lines) is countynet's HTB qdisc with handle 1: on each
# interface it names. `root` in it means "below the interface's own shaper when it has one": a
# radio's rate limit in front of the router (the virtual lab's tbf), so the queue builds in our
# classes and the radio's rate still holds. Swapping removes ours wherever it hangs, then applies.
tc_clear() {
  for d in $(awk '$3=="dev"{print $4}' "$1" | sort -u); do
    at=$(tc qdisc show dev "$d" 2>/dev/null | awk '$2=="htb" && $3=="1:" {if ($4=="root") print "root"; else print "parent " $5; exit}')
    if [ "$at" = root ]; then tc qdisc del dev "$d" root || return 1
    elif [ -n "$at" ]; then
      # deleting a tbf's child leaves it a noop (drop-all) child: re-state the tbf, which gives it its own fifo back
      spec=$(tc qdisc show dev "$d" root | sed -n 's/^qdisc tbf [0-9a-f]*: root .*\(rate [^ ]* burst [^ ]*\) lat \([^ ]*\).*/\1 latency \2/p')
      tc qdisc del dev "$d" $at || return 1
      if [ -n "$spec" ]; then tc qdisc change dev "$d" root tbf $spec || return 1; fi
    fi
  done
  return 0
}
tc_apply() {
  [ -s "$1" ] || return 0
  cp "$1" "$SD/tc.batch"
  for d in $(awk '$3=="dev"{print $4}' "$1" | sort -u); do
    h=$(tc qdisc show dev "$d" root 2>/dev/null | awk '$2=="tbf"{print $3; exit}')
    if [ -n "$h" ]; then sed -i "s/^qdisc replace dev $d root /qdisc replace dev $d parent ${h}1 /" "$SD/tc.batch"; fi
  done
  tc -batch "$SD/tc.batch"
}
tc_swap() {  # $1: the tc part to have (empty or /dev/null: none)
  if [ -e "$SD/tc.applied" ]; then tc_clear "$SD/tc.applied" || return 1; fi
  if [ -s "$1" ]; then tc_clear "$1" || return 1; fi
  tc_apply "$1" || return 1
  if [ -s "$1" ]; then cp "$1" "$SD/tc.applied.new" && mv "$SD/tc.applied.new" "$SD/tc.applied"; else rm -f "$SD/tc.applied"; fi
}
restore_tc() {  # the pre-commit queues back (only when countynet manages them)
  [ -e "$SD/tc.rollback" ] || return 0
  tc_swap "$SD/tc.rollback" >> "$SD/restore.log" 2>&1
}
"""

COMMON = (
    TC_FUNCS
    + r"""
set -u
mkdir -p "$SD" && chmod 700 "$SD" || exit 10
exec 9>>"$SD/lock"
flock -w 60 9 || { echo "countynet: device busy (another change holds $SD/lock)" >&2; exit 11; }
# frr-reload --test lists lines FRR never echoes back the same way (its own version, an empty
# `line vty`): they are not differences, and counting them would fail every commit.
pending_lines() { "$RELOAD" --test "$1" 2>/dev/null | grep -vE '^(Lines To (Add|Delete)|=+|frr version .*|line vty|exit|!|end|)$'; }
running() { vtysh -c 'show running-config' | sed -e '/^Building configuration/d' -e '/^Current configuration:/d'; }
keep_startup() { if [ -e "$CONF" ]; then cp -p "$CONF" "$SD/startup.conf"; else rm -f "$SD/startup.conf"; fi; }
put_startup_back() { if [ -e "$SD/startup.conf" ]; then cp -p "$SD/startup.conf" "$CONF"; fi; }
stop_timer() {
  if [ -s "$SD/timer.pid" ]; then
    p=$(cat "$SD/timer.pid")
    if grep -q countynet-revert "/proc/$p/cmdline" 2>/dev/null; then kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; fi
  fi
  rm -f "$SD/timer.pid"
}
restore_nft() {  # put the pre-commit nftables table back (only when countynet manages one)
  [ -e "$SD/nft.rollback" ] || return 0
  nft -f "$SD/nft.rollback" >> "$SD/restore.log" 2>&1 || return 1
  if grep -q '{' "$SD/nft.rollback"; then cp "$SD/nft.rollback" "$SD/nft.applied"; nft list table inet countynet > "$SD/nft.live" 2>/dev/null; else rm -f "$SD/nft.applied" "$SD/nft.live"; fi
}
restore() {  # reload the pre-commit config; verify nothing is left over
  restore_nft || echo "countynet: nftables restore failed" >&2
  restore_tc || echo "countynet: tc (QoS queues) restore failed" >&2
  "$RELOAD" --reload --stdout "$SD/rollback.conf" > "$SD/restore.log" 2>&1
  r=$?
  left=$(pending_lines "$SD/rollback.conf")
  if [ $r -ne 0 ] || [ -n "$left" ]; then
    "$RELOAD" --reload --stdout "$SD/rollback.conf" >> "$SD/restore.log" 2>&1
    left=$(pending_lines "$SD/rollback.conf")
  fi
  [ -z "$left" ] && return 0
  echo "countynet: RESTORE INCOMPLETE; still differs from the previous config:" >&2
  echo "$left" >&2
  return 1
}
"""
)

# The timer: a detached session leader (setsid), so it outlives the SSH session and the
# controller. It only acts if the pending marker still carries its own token.
REVERT_SH = (
    r"""#!/bin/sh
# countynet-revert: FRR commit-confirm timer (started by the countynet FRR driver)
"""
    + TC_FUNCS
    + r"""
TOKEN=$1; sleep "$2"
exec 9>>"$SD/lock"; flock 9
read t rest < "$SD/pending" 2>/dev/null || exit 0
[ "$t" = "$TOKEN" ] || exit 0
echo "$(date -u +%FT%TZ) timer $TOKEN expired: restoring previous config" >> "$SD/revert.log"
if [ -e "$SD/nft.rollback" ]; then
  nft -f "$SD/nft.rollback" >> "$SD/revert.log" 2>&1
  if grep -q '{' "$SD/nft.rollback"; then cp "$SD/nft.rollback" "$SD/nft.applied"; nft list table inet countynet > "$SD/nft.live" 2>/dev/null; else rm -f "$SD/nft.applied" "$SD/nft.live"; fi
fi
if [ -e "$SD/tc.rollback" ]; then tc_swap "$SD/tc.rollback" >> "$SD/revert.log" 2>&1; fi
"$RELOAD" --reload --stdout "$SD/rollback.conf" >> "$SD/revert.log" 2>&1
"$RELOAD" --reload --stdout "$SD/rollback.conf" >> "$SD/revert.log" 2>&1 || true
vtysh -c 'write memory' >> "$SD/revert.log" 2>&1
rm -f "$SD/pending" "$SD/timer.pid"
echo "$(date -u +%FT%TZ) reverted $TOKEN" >> "$SD/revert.log"
"""
)

CHECK = (
    SHIM_FN
    + r"""
set -u
"$CN_BINDIR/vtysh" -m -f "$CAND" > /dev/null 2> "$CAND.err" || { cat "$CAND.err" >&2; rm -f "$CAND.err"; exit 13; }
if [ -n "${NFT:-}" ]; then nft -c -f "$NFT" > /dev/null 2> "$CAND.err" || { cat "$CAND.err" >&2; rm -f "$CAND.err"; exit 13; }; fi
rm -f "$CAND.err"
cksum < "$CAND" > "$CAND.checked"  # the commit need not check this file again while it is unchanged
"""
)


def stage(files: dict[str, str], stale: list[str]) -> str:
    """Script lines that remove `stale` and write each file (mode 600) byte for byte: base64 in a
    here-document, so a candidate travels with the script that checks it (one round trip)."""
    lines = ["umask 077", f"rm -f {' '.join(shlex.quote(p) for p in stale)}" if stale else ":"]
    lines.append('mkdir -p "$SD" || exit 15')
    for path, text in files.items():
        lines.append(f"base64 -d > {shlex.quote(path)} <<'CN_END_OF_FILE' || exit 15")
        lines += textwrap.wrap(base64.b64encode(text.encode()).decode(), 76) or [""]
        lines.append("CN_END_OF_FILE")
    return "\n".join(lines) + "\n"


COMPARE = (
    RELOAD_FN
    + r"""
set -u
echo "@@CN@@ running"
if [ "${RUNNING:-read}" != skip ]; then  # skip: the driver read it moments ago (the deploy's backup)
  vtysh -c 'show running-config' | sed -e '/^Building configuration/d' -e '/^Current configuration:/d'
fi
echo "@@CN@@ test"
frr_reload --test "$CAND" 2> "$CAND.testerr"
rc=$?
echo "@@CN@@ rc"
echo $rc
if [ $rc -ne 0 ]; then cat "$CAND.testerr" >&2; fi
rm -f "$CAND.testerr"
echo "@@CN@@ nft"
if [ -n "${NFT:-}" ]; then
  # same file as applied AND the live table as it was right after applying (catches drift)
  if cmp -s "$NFT" "$SD/nft.applied" && nft list table inet countynet 2>/dev/null | cmp -s - "$SD/nft.live"; then
    echo same
  else
    echo differs
  fi
elif [ -e "$SD/nft.applied" ]; then echo remove; else echo same; fi
echo "@@CN@@ nft_applied"
cat "$SD/nft.applied" 2>/dev/null
echo "@@CN@@ tc"
if [ -n "${TC:-}" ]; then
  if cmp -s "$TC" "$SD/tc.applied"; then echo same; else echo differs; fi
elif [ -e "$SD/tc.applied" ]; then echo remove; else echo same; fi
echo "@@CN@@ tc_applied"
cat "$SD/tc.applied" 2>/dev/null
"""
)

MERGE_BASE = r"""
set -u
vtysh -c 'show running-config' | sed -e '/^Building configuration/d' -e '/^Current configuration:/d'
"""

COMMIT = (
    COMMON
    + RELOAD_FN
    + r"""
[ -e "$SD/pending" ] && { echo "countynet: a commit is pending confirmation; confirm or roll back first" >&2; exit 12; }
if [ ! -s "$CAND.checked" ] || [ "$(cksum < "$CAND")" != "$(cat "$CAND.checked")" ]; then
  "$CN_BINDIR/vtysh" -m -f "$CAND" > /dev/null 2> "$SD/syntax.err" || { cat "$SD/syntax.err" >&2; exit 13; }
fi
running > "$SD/rollback.new" && [ -s "$SD/rollback.new" ] || { echo "countynet: cannot read running config" >&2; exit 14; }
mv "$SD/rollback.new" "$SD/rollback.conf"
keep_startup
if [ -n "${NFT:-}" ] || [ -e "$SD/nft.applied" ]; then  # countynet manages the `inet countynet` table
  if [ -e "$SD/nft.applied" ]; then cp "$SD/nft.applied" "$SD/nft.rollback"
  else printf 'table inet countynet\ndelete table inet countynet\n' > "$SD/nft.rollback"; fi
else
  rm -f "$SD/nft.rollback"
fi
if [ -n "${TC:-}" ] || [ -e "$SD/tc.applied" ]; then  # countynet manages the QoS queues (tc part)
  if [ -e "$SD/tc.applied" ]; then cp "$SD/tc.applied" "$SD/tc.rollback"; else : > "$SD/tc.rollback"; fi
else
  rm -f "$SD/tc.rollback"
fi
cp "$CAND" "$SD/committed.conf"
find "$SD" \( -name 'candidate.*.conf' -o -name 'candidate.*.checked' \) -mmin +1440 -delete 2>/dev/null  # left by controllers that died
find "$SD/marks" -type f -mmin +1440 -delete 2>/dev/null  # marks of candidates deployed long ago
fail() {  # undo a failed or partial apply, leave frr.conf as it was, report
  restore || { put_startup_back; exit 22; }
  put_startup_back
  exit 20
}
LEFT="$SD/left.txt"  # frr-reload --test right after the reload, in the same process (RELOAD_RUNNER)
left_lines() { grep -vE '^(Lines To (Add|Delete)|=+|frr version .*|line vty|exit|!|end|)$' "$LEFT" 2>/dev/null; }
if [ -n "${SNIPPET:-}" ]; then
  # merge: FRR's own additive semantics (later lines override, nothing is removed)
  apply() { vtysh -f "$SNIPPET" > "$SD/apply.log" 2>&1; }
  CONVERGE=0
elif [ "$CONVERGE" = 1 ]; then
  apply() { frr_reload --reload --stdout "$SD/committed.conf" --and-test "$LEFT" > "$SD/apply.log" 2>&1; }
else
  apply() { frr_reload --reload --stdout "$SD/committed.conf" > "$SD/apply.log" 2>&1; }
fi
rm -f "$LEFT"
if ! apply; then
  grep -E '^%|line [0-9]+:|ERROR|failed' "$SD/apply.log" | sed -e 's/\x1b\[[0-9;]*m//g' | head -20 >&2
  fail
fi
# frr-reload can exit 0 and still leave lines unapplied; a second pass settles ordering issues,
# anything left after that is an apply that did not take.
if [ "$CONVERGE" = 1 ] && [ -n "$(left_lines)" ]; then
  frr_reload --reload --stdout "$SD/committed.conf" --and-test "$LEFT" >> "$SD/apply.log" 2>&1
  left=$(left_lines)
  if [ -n "$left" ]; then
    echo "countynet: config did not take; still to apply after two passes:" >&2
    echo "$left" | head -20 >&2
    fail
  fi
fi
if [ -n "${NFT:-}" ]; then  # nft -f is atomic: the whole table or nothing
  nft -f "$NFT" > "$SD/nft.log" 2>&1 || { cat "$SD/nft.log" >&2; fail; }
  cp "$NFT" "$SD/nft.applied"
  nft list table inet countynet > "$SD/nft.live"
elif [ -e "$SD/nft.applied" ]; then
  nft delete table inet countynet 2> /dev/null; rm -f "$SD/nft.applied" "$SD/nft.live"
fi
if [ -n "${TC:-}" ] || [ -e "$SD/tc.applied" ]; then
  tc_swap "${TC:-/dev/null}" > "$SD/tc.log" 2>&1 || { cat "$SD/tc.log" >&2; fail; }
fi
if [ "$REVERT" -gt 0 ]; then
  put_startup_back  # frr-reload wrote frr.conf; the old one stays until confirmed (a reboot reverts too)
  printf '%s\n' "$REVERT_SCRIPT" > "$SD/revert.sh"
  echo "$TOKEN $(( $(date +%s) + REVERT ))" > "$SD/pending"
  setsid nohup sh "$SD/revert.sh" "$TOKEN" "$REVERT" countynet-revert > /dev/null 2>&1 < /dev/null 9>&- &
  echo $! > "$SD/timer.pid"
else
  vtysh -c 'write memory' > /dev/null || exit 21
fi
for f in "$CAND" "${NFT:-}" "${TC:-}" "${SNIPPET:-}"; do  # the session's candidate files are spent
  if [ -n "$f" ]; then rm -f "$f" "$f.checked"; fi
done
echo OK
"""
)

CONFIRM = (
    COMMON
    + r"""
[ -e "$SD/pending" ] || { echo "countynet: no commit is pending confirmation" >&2; exit 30; }
stop_timer
rm -f "$SD/pending"
vtysh -c 'write memory' > /dev/null || exit 21
echo OK
"""
)

ROLLBACK = (
    COMMON
    + r"""
[ -s "$SD/rollback.conf" ] || { echo "countynet: no previous config to roll back to" >&2; exit 31; }
stop_timer
restore || exit 22
vtysh -c 'write memory' > /dev/null || exit 21
rm -f "$SD/pending"
echo OK
"""
)

PENDING = r"""
if [ -e "$SD/pending" ]; then cat "$SD/pending"; else echo none; fi
"""


def env(**values: str | int) -> str:
    """`K=V ...` prefix exporting the script's environment (values shell-quoted)."""
    return " ".join(f"{k}={shlex.quote(str(v))}" for k, v in values.items())
