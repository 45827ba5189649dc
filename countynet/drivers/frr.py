"""NAPALM driver for FRRouting 8.4 on Linux (lab namespaces and white-box routers).

The contract is NAPALM's `NetworkDriver` (napalm/base/base.py); where we differ, it says so.
How it works: SSH exec channels (paramiko) into the box; every change is computed and applied
ON the device with FRR's own `frr-reload.py` (`--test` to diff, `--reload` to apply), because
frr-reload must read the device's own /etc/frr and running daemons. frr-reload is not atomic,
so the commit script keeps the previous running config and reloads it if anything fails.
Commit-confirm (`revert_in`) is a detached timer process on the device that restores the
previous config unless confirmed, so it works even if the controller dies.
frr-reload runs vtysh through a small shim (its own `--bindir` option, frr_scripts.VTYSH_SHIM):
a candidate already marked (`vtysh -m`) is not marked again, and frr-reload's own `write` is left
to the commit script, which keeps the previous frr.conf until the change is confirmed. A restore
(rollback, a failed apply, the timer) runs frr-reload as shipped.

optional_args: port (22), key_file, known_hosts, ssh_strict (True: unknown host keys are
refused, unlike netmiko's default), allow_agent (False), sudo (False: prefix device commands
with `sudo -n`), frr_reload (/usr/lib/frr/frr-reload.py), state_dir (/etc/frr/countynet: the
device-side backups, pending marker and timer; must be per device), frr_conf (/etc/frr/frr.conf),
require_converge (True: after the reload, frr-reload --test must find nothing left to do, else
the commit counts as failed and is undone).
"""

# size: the NAPALM driver contract is one class (its methods are the spec); parsing is in frr_parse.py and the device-side scripts in frr_scripts.py

from __future__ import annotations

import contextlib
import json
import shlex
import time
import uuid
from pathlib import Path
from typing import Any

from napalm.base import NetworkDriver
from napalm.base import constants as c
from napalm.base.exceptions import (
    CommandErrorException,
    CommitConfirmException,
    CommitError,
    ConnectionClosedException,
    ConnectionException,
    MergeConfigException,
    ReplaceConfigException,
)

from countynet.drivers import frr_parse as parse
from countynet.drivers import frr_scripts as scripts
from countynet.drivers.ssh import ExecResult, SSHError, SSHExec
from countynet.platforms import split_frr, split_tc

DEFAULT_RELOAD = "/usr/lib/frr/frr-reload.py"
DEFAULT_STATE_DIR = "/etc/frr/countynet"
DEFAULT_FRR_CONF = "/etc/frr/frr.conf"
RUNNING_REUSE_S = 30.0  # compare_config diffs against a running config get_config read this recently


_BGP_CMDS = ["show bgp vrf all summary json", "show bgp vrf all neighbors json"]


def _with_json(command: str) -> str:
    return command if command.rstrip().endswith(" json") else f"{command.rstrip()} json"


class FRRDriver(NetworkDriver):
    """FRRouting over SSH; see the module docstring for optional_args."""

    platform = "frr"

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        args = dict(optional_args or {})
        self.hostname = hostname
        self.username = username
        self.password = password
        self.timeout = timeout
        self.port = int(args.get("port", 22) or 22)
        self.key_file: str | None = args.get("key_file")
        self.known_hosts: str | None = args.get("known_hosts")
        self.ssh_strict = bool(args.get("ssh_strict", True))
        self.allow_agent = bool(args.get("allow_agent", False))
        self.sudo = "sudo -n " if args.get("sudo") else ""
        self.reload_path = str(args.get("frr_reload", DEFAULT_RELOAD))
        self.state_dir = str(args.get("state_dir", DEFAULT_STATE_DIR))
        self.frr_conf = str(args.get("frr_conf", DEFAULT_FRR_CONF))
        self.converge = 1 if args.get("require_converge", True) else 0
        self.session = uuid.uuid4().hex[:12]
        self._ssh: SSHExec | None = None
        self._candidate: str | None = None
        self._candidate_path = f"{self.state_dir}/candidate.{self.session}.conf"
        self._snippet_path = f"{self.state_dir}/candidate.{self.session}.snippet.conf"
        self._nft_path = f"{self.state_dir}/candidate.{self.session}.nft"
        self._nft: str | None = None  # the nftables part of the candidate (after NFT_MARKER)
        self._tc_path = f"{self.state_dir}/candidate.{self.session}.tc"
        self._tc: str | None = None  # the tc part (QoS queues, after TC_MARKER)
        self._merge = False
        self._staged = False  # candidate files of this session may be on the device
        self.last_commit_token: str | None = None  # the pending marker's token of our last commit
        # the running config as get_config last read it in this session (monotonic time, text):
        # compare_config shows its diff against it instead of reading it again right away
        self._running_seen: tuple[float, str] | None = None

    # -- connection ------------------------------------------------------------------------

    def open(self) -> None:
        ssh = SSHExec(
            self.hostname,
            self.username,
            self.password,
            port=self.port,
            timeout=self.timeout,
            key_file=self.key_file,
            known_hosts=self.known_hosts,
            strict=self.ssh_strict,
            allow_agent=self.allow_agent,
        )
        try:
            ssh.connect()
        except SSHError as exc:
            raise ConnectionException(str(exc)) from exc
        self._ssh = ssh

    def close(self) -> None:
        if self._ssh is not None:
            with contextlib.suppress(Exception):
                self.discard_config()
            self._ssh.close()
            self._ssh = None

    def is_alive(self) -> dict[str, bool]:
        return {"is_alive": bool(self._ssh and self._ssh.alive)}

    def _run(self, command: str, stdin: str | None = None, timeout: float | None = None) -> ExecResult:
        if self._ssh is None:
            raise ConnectionClosedException("connection is not open; call open() first")
        try:
            return self._ssh.run(command, stdin=stdin, timeout=timeout)
        except SSHError as exc:
            raise ConnectionClosedException(str(exc)) from exc

    def _script(self, body: str, timeout: float | None = None, **extra: str | int) -> ExecResult:
        """Run a device-side script with the driver's environment."""
        envs = scripts.env(SD=self.state_dir, RELOAD=self.reload_path, CONF=self.frr_conf, **extra)
        return self._run(f"{self.sudo}env {envs} sh -s", stdin=body, timeout=timeout)

    def _vtysh(self, *commands: str) -> str:
        cmd = " ".join(f"-c {shlex.quote(c)}" for c in commands)
        return self._run(f"{self.sudo}vtysh {cmd}").out

    # -- candidate ---------------------------------------------------------------------------

    def _load(self, filename: str | None, config: str | None, merge: bool) -> None:
        exc_type = MergeConfigException if merge else ReplaceConfigException
        if filename is not None:
            config = Path(filename).read_text()
        if config is None:
            raise exc_type("give a filename or a config string")
        self._forget()
        tc = split_tc(config)  # and a tc part for the QoS queues
        config, nft = split_frr(config)  # countynet's FRR files carry an nftables part for ACLs
        snippet = None
        if merge:
            base = self._script(scripts.MERGE_BASE)
            if not base.ok:
                raise exc_type(f"cannot read running config: {base.err.strip()}")
            snippet, config = config, parse.merge_config(base.out, config)
        files = {self._candidate_path: config}
        files |= {self._nft_path: nft} if nft.strip() else {}
        files |= {self._tc_path: tc} if tc.strip() else {}
        files |= {self._snippet_path: snippet} if snippet is not None else {}
        # old candidate files go, the new ones are written and checked: all in one round trip
        self._staged = True
        check = self._script(
            scripts.stage(files, self._paths()) + scripts.CHECK,
            VTYSH_SHIM=scripts.VTYSH_SHIM,
            CAND=self._snippet_path if merge else self._candidate_path,
            NFT=self._nft_path if nft.strip() else "",
        )
        if check.rc in (10, 15):  # the state dir, the shim or a candidate file could not be written
            self.discard_config()
            raise exc_type(f"cannot upload candidate: {check.err.strip()}")
        if not check.ok:
            self.discard_config()
            raise exc_type(f"candidate refused by vtysh syntax check: {check.err.strip() or check.out.strip()}")
        self._candidate = config
        self._nft = nft if nft.strip() else None
        self._tc = tc if tc.strip() else None
        self._merge = merge

    def _paths(self) -> list[str]:
        """This session's candidate files on the device."""
        return [
            p
            for p in (self._candidate_path, self._snippet_path, self._nft_path, self._tc_path)
            for p in (p, f"{p}.checked")
        ]

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Stage a full config; syntax-checked on the device now (`vtysh -m -f`), applied on commit."""
        self._load(filename, config, merge=False)

    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Merge: commit applies the snippet with `vtysh -f` (FRR's additive semantics: nothing is
        removed, a repeated single-valued line overrides). compare_config diffs the running config
        against the running config with the snippet folded in block by block; where the snippet
        overrides a single-valued line the diff shows both lines (only FRR knows which are such).
        """
        self._load(filename, config, merge=True)

    def compare_config(self) -> str:
        """Empty when frr-reload would change nothing; otherwise a unified diff of the normalised
        running vs candidate config (or frr-reload's delete/add plan when only it sees the change)."""
        if self._candidate is None:
            return ""
        seen = self._running_seen
        seen = seen if seen is not None and time.monotonic() - seen[0] < RUNNING_REUSE_S else None
        res = self._script(
            scripts.COMPARE,
            RUNNER=scripts.RELOAD_RUNNER,
            VTYSH_SHIM=scripts.VTYSH_SHIM,
            RUNNING="skip" if seen else "read",
            CAND=self._candidate_path,
            NFT=self._nft_path if self._nft else "",
            TC=self._tc_path if self._tc else "",
        )
        sec = parse.split_sections(res.out)
        if sec.get("rc", "1").strip() != "0":
            raise CommandErrorException(f"frr-reload --test failed: {res.err.strip()}")
        deletes, adds = parse.parse_reload_test(sec.get("test", ""))
        diff = (
            parse.render_diff(seen[1] if seen else sec.get("running", ""), self._candidate, sec.get("test", ""))
            if deletes or adds
            else ""
        )
        if sec.get("nft", "same").strip() != "same":
            diff += parse.nft_diff(sec.get("nft_applied", ""), self._nft or "")
        if sec.get("tc", "same").strip() != "same":
            diff += parse.nft_diff(sec.get("tc_applied", ""), self._tc or "", "tc")
        return diff

    def discard_config(self) -> None:
        if self._staged and self._ssh is not None and self._ssh.alive:
            self._run(f"{self.sudo}rm -f {' '.join(shlex.quote(p) for p in self._paths())}")
            self._staged = False
        self._forget()

    def _forget(self) -> None:
        self._candidate = None
        self._nft = None
        self._tc = None
        self._merge = False

    # -- commit / confirm / rollback ----------------------------------------------------------

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        """Apply the candidate with frr-reload on the device; on any failure the device restores
        the previous config itself and we raise (Replace/MergeConfigException when the candidate
        was refused or failed to apply and was undone, CommitError otherwise). With revert_in, a device-side timer reverts unless confirmed;
        without, the result is written to frr.conf at once. `message` is only logged on the device."""
        if self._candidate is None:
            raise CommitError("no candidate loaded")
        if revert_in is not None and int(revert_in) <= 0:
            raise CommitError("revert_in must be a positive number of seconds")
        token = uuid.uuid4().hex[:12]
        self.last_commit_token = token
        self._running_seen = None
        res = self._script(
            scripts.COMMIT,
            timeout=max(self.timeout, 120),
            CAND=self._candidate_path,
            NFT=self._nft_path if self._nft else "",
            TC=self._tc_path if self._tc else "",
            REVERT=int(revert_in or 0),
            TOKEN=token,
            CONVERGE=self.converge,
            SNIPPET=self._snippet_path if self._merge else "",
            REVERT_SCRIPT=scripts.REVERT_SH,
            RUNNER=scripts.RELOAD_RUNNER,
            VTYSH_SHIM=scripts.VTYSH_SHIM,
        )
        detail = (res.err or res.out).strip()
        if res.rc == 12:
            raise CommitError(detail)
        refused = MergeConfigException if self._merge else ReplaceConfigException
        if res.rc == 13:
            raise refused(f"candidate refused by vtysh syntax check: {detail}")
        if res.rc == 20:
            raise refused(f"apply failed; previous config restored: {detail}")
        if res.rc == 22:
            raise CommitError(f"apply failed AND restore incomplete; device needs attention: {detail}")
        if not res.ok:
            raise CommitError(f"commit failed (rc {res.rc}): {detail}")
        self._staged = False  # the commit script removed the candidate files
        self._forget()
        if message:
            with contextlib.suppress(Exception):
                self._run(
                    f"{self.sudo}sh -c {shlex.quote(f'echo {shlex.quote(message)} >> {self.state_dir}/commit.log')}"
                )

    def has_pending_commit(self) -> bool:
        """Read from the device, so a new session (or another controller) sees a pending commit."""
        return self.pending_commit() is not None

    def pending_commit(self) -> dict[str, Any] | None:
        """The device-side pending marker: {"token", "revert_at" (device epoch seconds)}, or None.
        Not in NAPALM's contract: countynet uses it to tell its own pending commit from another
        run's and to say when the device will revert."""
        res = self._script(scripts.PENDING)
        text = res.out.strip()
        if not res.ok or text in ("", "none"):
            return None
        token, _, rest = text.partition(" ")
        revert_at = float(rest.split()[0]) if rest.split() and rest.split()[0].isdigit() else None
        return {"token": token, "revert_at": revert_at}

    def confirm_commit(self) -> None:
        self._running_seen = None
        res = self._script(scripts.CONFIRM)
        if res.rc == 30:
            raise CommitConfirmException("no commit is pending confirmation")
        if not res.ok:
            raise CommitConfirmException(f"confirm failed (rc {res.rc}): {(res.err or res.out).strip()}")

    def rollback(self) -> None:
        """Restore the config from before the last commit (cancelling a pending confirm)."""
        self._running_seen = None
        res = self._script(scripts.ROLLBACK, timeout=max(self.timeout, 120))
        if not res.ok:
            raise CommitError(f"rollback failed (rc {res.rc}): {(res.err or res.out).strip()}")

    # -- getters ------------------------------------------------------------------------------

    def _batch(self, parts: dict[str, str]) -> dict[str, str]:
        """Run several commands in one round trip; returns each one's stdout by name."""
        body = "".join(f"echo '@@CN@@ {name}'\n{cmd} 2>/dev/null\n" for name, cmd in parts.items())
        return parse.split_sections(self._run(f"{self.sudo}sh -s", stdin=body).out)

    def get_facts(self) -> dict[str, Any]:
        s = self._batch(
            {
                "hostname": "hostname",
                "fqdn": "hostname -f",
                "uptime": "cat /proc/uptime",
                "version": "vtysh -c 'show version'",
                "links": "ip -j link show",
                "model": "cat /sys/class/dmi/id/product_name",
                "serial": "cat /sys/class/dmi/id/product_serial",
            }
        )
        return parse.facts(
            s.get("hostname", ""),
            s.get("fqdn", ""),
            s.get("uptime", ""),
            s.get("version", ""),
            parse.loads(s.get("links", ""), []),
            s.get("model", ""),
            s.get("serial", ""),
        )

    def get_interfaces(self) -> dict[str, dict[str, Any]]:
        s = self._batch({"links": "ip -j -d link show", "frr": "vtysh -c 'show interface json'"})
        return parse.interfaces(parse.loads(s.get("links", ""), []), parse.loads(s.get("frr", ""), {}))

    def get_interfaces_ip(self) -> dict[str, Any]:
        return parse.interfaces_ip(parse.loads(self._run("ip -j addr show").out, []))

    def get_bgp_neighbors(self) -> dict[str, Any]:
        cmds = _BGP_CMDS
        summary, neighbors = self._vtysh_many(cmds)[0]
        if summary is None or neighbors is None:  # vtysh stopped at the first (bgpd not running?): each alone
            s = self._batch({"summary": f"vtysh -c '{cmds[0]}'", "neighbors": f"vtysh -c '{cmds[1]}'"})
            summary, neighbors = s.get("summary", ""), s.get("neighbors", "")
        return parse.bgp_neighbors(parse.loads(summary, {}), parse.loads(neighbors, {}))

    def get_many(self, getters: list[str], commands: list[str] | None = None) -> dict[str, Any]:
        """get_bgp_neighbors, get_interfaces, get_config (the running config only) and vtysh
        `commands` in one round trip and one vtysh run, for callers that ask for the same set again
        and again (the health gate's polls, the deploy's backup with its first snapshot; not
        NAPALM's contract). {getter or command: what the getter, or cli(), returns}; when vtysh
        stops early (a command it rejects, a daemon not running) each is asked again alone."""
        commands = list(commands or [])
        vty = {
            "get_bgp_neighbors": _BGP_CMDS,
            "get_interfaces": ["show interface json"],
            "get_config": ["show running-config"],  # as get_config(retrieve="running") answers
        }
        if set(getters) - set(vty):
            raise NotImplementedError(f"get_many: {sorted(set(getters) - set(vty))}")
        # the running config last: free text, so no later command's echo is looked for inside it
        last = vty["get_config"] if "get_config" in getters else []
        cmds = [c for g in getters if g != "get_config" for c in vty[g]] + commands + last
        body = "echo '@@CN@@ links'\nip -j -d link show 2>/dev/null\n" if "get_interfaces" in getters else ""
        body += f"echo '@@CN@@ vtysh'\nvtysh -E {' '.join(f'-c {shlex.quote(c)}' for c in cmds)}\n"
        s = parse.split_sections(self._run(f"{self.sudo}sh -s", stdin=body + "echo '@@CN@@ rc'\necho $?\n").out)
        texts = parse.split_echoed(s.get("vtysh", "") + "\n", cmds)
        if s.get("rc", "").strip() != "0" or None in texts:
            out: dict[str, Any] = {g: self._getter(g) for g in getters}
            return out | (self.cli(commands) if commands else {})
        by = dict(zip(cmds, [t or "" for t in texts], strict=True))
        out = {}
        if "get_bgp_neighbors" in getters:
            out["get_bgp_neighbors"] = parse.bgp_neighbors(
                parse.loads(by[_BGP_CMDS[0]], {}), parse.loads(by[_BGP_CMDS[1]], {})
            )
        if "get_interfaces" in getters:
            out["get_interfaces"] = parse.interfaces(
                parse.loads(s.get("links", ""), []), parse.loads(by["show interface json"], {})
            )
        if "get_config" in getters:
            running = self._seen_running(by["show running-config"])
            out["get_config"] = {"running": running, "startup": "", "candidate": ""}
        for command in commands:
            if by[command].lstrip().startswith("% Unknown command"):
                raise CommandErrorException(f"{command!r}: {by[command].strip()}")
            out[command] = by[command]
        return out

    def _seen_running(self, shown: str) -> str:
        """`show running-config` without its banner, kept for compare_config to diff against."""
        running = parse.clean_running(shown)
        self._running_seen = (time.monotonic(), running)
        return running

    def _getter(self, name: str) -> Any:
        return self.get_config(retrieve="running") if name == "get_config" else getattr(self, name)()

    def get_route_to(self, destination: str = "", protocol: str = "", longer: bool = False) -> dict[str, Any]:
        """`show ip[v6] route DEST json`: an address gives the longest match, a prefix the exact
        prefix (FRR semantics); `longer` adds more-specifics. Empty dict when there is no route."""
        v6 = ":" in destination
        fam = "ipv6" if v6 else "ip"
        if not destination:
            cmd = f"show {fam} route json"
        elif longer:
            cmd = f"show {fam} route {destination} longer-prefixes json"
        else:
            cmd = f"show {fam} route {destination} json"
        table = parse.loads(self._vtysh(cmd), {}) or {}
        bgp_attrs: dict[str, dict[str, Any]] = {}
        bgp_prefixes = [p for p, rs in table.items() if any(r.get("protocol") == "bgp" for r in rs or [])]
        if bgp_prefixes and protocol.lower() in ("", "bgp"):
            afi = "ipv6" if v6 else "ipv4"
            s = self._batch(
                {"asn": "vtysh -c 'show bgp summary json'"}
                | {f"p{i}": f"vtysh -c 'show bgp {afi} unicast {p} json'" for i, p in enumerate(bgp_prefixes)}
            )
            asn_json = parse.loads(s.get("asn", ""), {}) or {}
            local_as = int((asn_json.get(f"{afi}Unicast") or asn_json).get("as", 0) or 0)
            for i, p in enumerate(bgp_prefixes):
                bgp_attrs[p] = parse.bgp_route_attrs(parse.loads(s.get(f"p{i}", ""), {}) or {}, local_as)
        return parse.routes(table, protocol, bgp_attrs)

    def ping(
        self,
        destination: str,
        source: str = c.PING_SOURCE,
        ttl: int = c.PING_TTL,
        timeout: int = c.PING_TIMEOUT,
        size: int = c.PING_SIZE,
        count: int = c.PING_COUNT,
        vrf: str = c.PING_VRF,
        source_interface: str = c.PING_SOURCE_INTERFACE,
    ) -> dict[str, Any]:
        """Linux ping on the device. `vrf` is not supported (this kernel has no VRF devices)."""
        if vrf:
            return {"error": "vrf is not supported by the FRR driver"}
        cmd = ["ping", "-n", "-c", str(int(count)), "-W", str(int(timeout)), "-s", str(int(size)), "-t", str(int(ttl))]
        if source or source_interface:
            cmd += ["-I", source or source_interface]
        cmd.append(destination)
        per_probe = max(1, int(timeout)) + 1
        res = self._run(" ".join(shlex.quote(c) for c in cmd), timeout=count * per_probe + 10)
        return parse.ping(res.out, res.err)

    def get_config(
        self, retrieve: str = "all", full: bool = False, sanitized: bool = False, format: str = "text"
    ) -> dict[str, str]:
        """running = `show running-config` (banner stripped), startup = frr.conf, candidate = the
        staged candidate. `full` is ignored: FRR 8.4 has no "show running-config all"."""
        if format != "text":
            raise NotImplementedError("FRR config is text only")
        out = {"running": "", "startup": "", "candidate": ""}
        if retrieve in ("all", "running"):
            out["running"] = self._seen_running(self._vtysh("show running-config"))
        if retrieve in ("all", "startup"):
            out["startup"] = self._run(f"{self.sudo}cat {shlex.quote(self.frr_conf)}").out
        if retrieve in ("all", "candidate"):
            out["candidate"] = self._candidate or ""
        if sanitized:
            out = {k: parse.sanitise(v) for k, v in out.items()}
        return out

    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, Any]:
        """Run vtysh commands, all in one vtysh run (one round trip, one vtysh start-up).
        encoding="json" appends `json` where missing and parses the reply. A command vtysh
        rejects raises CommandErrorException naming it (NAPALM's EOS/Junos behaviour). The
        commands share one vtysh session, so a mode change (`configure terminal`) carries over."""
        if encoding not in ("text", "json"):
            raise NotImplementedError(f"encoding {encoding!r} is not supported")
        sent = [_with_json(c) if encoding == "json" else c for c in commands]
        texts, res = self._vtysh_many(sent) if sent else ([], None)
        if res is not None and (res.rc != 0 or None in texts):
            # vtysh stopped at a command it rejected: run them one by one for that command's own error
            texts = [self._vtysh_one(command, cmd) for command, cmd in zip(commands, sent, strict=True)]
        out: dict[str, Any] = {}
        for command, text in zip(commands, texts, strict=True):
            assert text is not None
            if text.lstrip().startswith("% Unknown command"):
                raise CommandErrorException(f"{command!r}: {text.strip()}")
            if encoding == "json":
                try:
                    out[command] = json.loads(text)
                except ValueError as exc:
                    raise CommandErrorException(f"{command!r} gave no JSON: {text[:200]}") from exc
            else:
                out[command] = text
        return out

    def _vtysh_many(self, commands: list[str]) -> tuple[list[str | None], ExecResult]:
        """Several commands in one vtysh run; `-E` echoes each one, which splits the output."""
        args = " ".join(f"-c {shlex.quote(c)}" for c in commands)
        res = self._run(f"{self.sudo}vtysh -E {args}")
        return parse.split_echoed(res.out, commands), res

    def _vtysh_one(self, command: str, sent: str) -> str:
        res = self._run(f"{self.sudo}vtysh -c {shlex.quote(sent)}")
        if res.rc != 0:
            raise CommandErrorException(f"{command!r}: {(res.err or res.out).strip()}")
        return res.out

    # -- helpers for tests and deploy ---------------------------------------------------------

    def wait_pending_cleared(self, timeout: float) -> bool:
        """Poll until no commit is pending (the device timer fired or someone confirmed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.has_pending_commit():
                return True
            time.sleep(0.5)
        return not self.has_pending_commit()
