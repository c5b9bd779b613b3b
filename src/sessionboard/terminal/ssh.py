"""The SSH transport behind a terminal pane: one asyncssh connection, one session channel with a
pty running the remote login shell, bytes in and out.

What a user expects from `ssh host` holds here too: `~/.ssh/config` applies, the SSH agent is used
when `SSH_AUTH_SOCK` is set, configured keys are tried, and host keys are always checked against
the configured known_hosts file (see `hostkeys` for how unknown and changed keys are handled).
Every question (host key, password, passphrase, keyboard-interactive) goes to the `SshPrompts`
given, so the console can ask it in a dialog. Every failure ends as `TerminalClosed(reason)` with
one readable line; no password, passphrase or key material ever appears in a reason or a log."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import asyncssh

from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.hostkeys import (
    OfferedHostKey,
    append_known_host,
    changed_key_reason,
    declined_key_reason,
    known_keys_for,
    load_known_hosts,
)
from sessionboard.terminal.prompts import RejectAll, SshPrompts
from sessionboard.terminal.ssh_defaults import DEFAULT_KNOWN_HOSTS, DEFAULT_SSH_CONFIG

log = logging.getLogger(__name__)

TERM_TYPE = "xterm-256color"

# How many times a person is asked before a method is given up (OpenSSH asks three times too).
_PASSWORD_TRIES = 3
_KBDINT_ROUNDS = 5
# Output waiting in the queue beyond this many chunks pauses the channel: SSH flow control then
# slows the remote side instead of this process buffering a runaway `cat` without bound.
_PAUSE_AT_CHUNKS = 256
_READ_COALESCE_BYTES = 256 * 1024


def cipher_preference() -> list[str]:
    """asyncssh's own cipher list with AES-GCM first. The cipher runs on the console's event loop
    beside the emulator; AES-GCM (hardware AES through OpenSSL) made `cat` of 10 MB into the pane
    go from 0.59x to 0.76x of the bare emulator's rate, chacha20-poly1305 (asyncssh's first choice)
    being the slower one here. Every other default stays, so no server is turned away."""
    from asyncssh.encryption import get_default_encryption_algs

    preferred = [b"aes128-gcm@openssh.com", b"aes256-gcm@openssh.com"]
    defaults = list(get_default_encryption_algs())
    ordered = [alg for alg in preferred if alg in defaults] + [alg for alg in defaults if alg not in preferred]
    return [alg.decode() for alg in ordered]


def _config_value(paths: Sequence[str | os.PathLike[str]], option: str) -> str | None:
    """The first value of an option asyncssh does not apply itself, from the config files in
    order (OpenSSH too keeps the first value it reads). `Host`/`Match` blocks are not told apart:
    a line anywhere counts, the cautious reading for the options asked about here."""
    wanted = option.lower()
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            words = line.replace("=", " ", 1).split()
            if len(words) >= 2 and words[0].lower() == wanted:
                return words[1]
    return None


def _config_sets_ciphers(paths: list[str]) -> bool:
    """The user's `Ciphers` line wins: no preference of ours is sent when any config file has one."""
    return _config_value(paths, "Ciphers") is not None


def _config_hashes_known_hosts(paths: Sequence[str | os.PathLike[str]]) -> bool:
    """`HashKnownHosts yes`: keys accepted here are written hashed, as `ssh` would write them."""
    return (_config_value(paths, "HashKnownHosts") or "no").lower() == "yes"


class _HostKeyRecorder(asyncssh.SSHClient):
    """The asyncssh client side: records the host key the server offers (trust is decided by
    the known_hosts keys passed to asyncssh, and by `SshBackend` after a refusal), and relays
    password and keyboard-interactive questions to the prompts."""

    def __init__(self, prompts: SshPrompts, label: str) -> None:
        self._prompts = prompts
        self._label = label
        self._password_tries = 0
        self._kbdint_rounds = 0
        self.offered: OfferedHostKey | None = None

    def validate_host_public_key(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        # Called only for a key the known_hosts file does not hold. Synchronous by asyncssh's
        # design, so nobody can be asked here: refuse, and let SshBackend ask and retry.
        self.offered = OfferedHostKey(host=host, addr=addr, port=port, key=key)
        return False

    async def password_auth_requested(self) -> str | None:
        # One budget for every password question, whichever method asks it: a server that
        # offers the password by keyboard-interactive and then by "password" gets three tries
        # in all, as with OpenSSH, not three per method.
        if self._password_tries >= _PASSWORD_TRIES:
            return None
        self._password_tries += 1
        return await _ask(self._prompts.ask_password(f"Password for {self._label}: "))

    def kbdint_auth_requested(self) -> str | None:
        return ""  # let the server choose the submethods

    async def kbdint_challenge_received(
        self, name: str, instructions: str, lang: str, prompts: Sequence[tuple[str, bool]]
    ) -> list[str] | None:
        if not prompts:
            return []  # servers send empty challenges just to show a message
        questions = [(str(prompt), bool(echo)) for prompt, echo in prompts]
        if self._kbdint_rounds >= _KBDINT_ROUNDS:
            return None
        if _is_password_question(questions):
            if self._password_tries >= _PASSWORD_TRIES:
                return None
            self._password_tries += 1
        self._kbdint_rounds += 1
        answers = await _ask(self._prompts.ask_kbdint(name, instructions, questions))
        if answers is None or len(answers) != len(questions):
            return None
        return list(answers)


class _Channel(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    """Turns channel callbacks into a queue `SshBackend.read` awaits, ending in one reason."""

    def __init__(self) -> None:
        self.chunks: asyncio.Queue[bytes | TerminalClosed] = asyncio.Queue()
        self.exit_status: int | None = None
        self.exit_signal: str | None = None
        self.chan: asyncssh.SSHClientChannel | None = None  # type: ignore[type-arg]
        self.paused = False

    def connection_made(self, chan: asyncssh.SSHClientChannel) -> None:  # type: ignore[override,type-arg]
        self.chan = chan

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:  # type: ignore[override]
        # With a pty stderr is normally folded into stdout already; extended data that still
        # arrives belongs on the same screen.
        self.chunks.put_nowait(bytes(data))
        if self.chan is not None and not self.paused and self.chunks.qsize() >= _PAUSE_AT_CHUNKS:
            self.paused = True
            self.chan.pause_reading()

    def exit_status_received(self, status: int) -> None:
        self.exit_status = status

    def exit_signal_received(self, signal: str, core_dumped: bool, msg: str, lang: str) -> None:
        self.exit_signal = signal

    def connection_lost(self, exc: Exception | None) -> None:
        self.chunks.put_nowait(TerminalClosed(self._reason(exc)))

    def _reason(self, exc: Exception | None) -> str:
        if self.exit_status is not None:
            return f"exit status {self.exit_status}"
        if self.exit_signal is not None:
            return f"killed by signal {self.exit_signal}"
        if exc is not None:
            detail = _describe(exc)
            return "connection lost" if detail.lower().rstrip(".") == "connection lost" else f"connection lost: {detail}"
        return "connection closed"

    def resume_if_drained(self) -> None:
        if self.paused and self.chan is not None and self.chunks.qsize() < _PAUSE_AT_CHUNKS // 4:
            self.paused = False
            self.chan.resume_reading()


class SshBackend:
    """A `TerminalBackend` over SSH.

    `port=None` and `username=None` defer to `~/.ssh/config` (then 22 and the local user).
    `client_keys` are private key files tried in order (passphrases are asked for); when empty,
    the agent, `IdentityFile` from the config and the default `~/.ssh/id_*` keys are used, as
    `ssh` would. `ssh_config` lists OpenSSH config files to read (missing ones are skipped);
    pass `()` to read none, as the tests do. `use_agent=False` ignores `SSH_AUTH_SOCK`.
    """

    def __init__(
        self,
        host: str,
        port: int | None = None,
        username: str | None = None,
        known_hosts: str | os.PathLike[str] = DEFAULT_KNOWN_HOSTS,
        client_keys: Sequence[str | os.PathLike[str]] = (),
        prompts: SshPrompts | None = None,
        *,
        ssh_config: Sequence[str | os.PathLike[str]] = (DEFAULT_SSH_CONFIG,),
        use_agent: bool = True,
        connect_timeout: float = 15.0,
        login_timeout: float = 120.0,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.known_hosts = Path(known_hosts).expanduser()
        self.client_keys = [Path(key).expanduser() for key in client_keys]
        self.prompts: SshPrompts = prompts if prompts is not None else RejectAll()
        self.ssh_config = [Path(p).expanduser() for p in ssh_config]
        self.use_agent = use_agent
        self.connect_timeout = connect_timeout
        self.login_timeout = login_timeout
        self._conn: asyncssh.SSHClientConnection | None = None
        self._channel: _Channel | None = None
        self._chan: asyncssh.SSHClientChannel | None = None  # type: ignore[type-arg]
        self._ended: TerminalClosed | None = None

    @property
    def label(self) -> str:
        where = self.host if self.port in (None, 22) else f"{self.host}:{self.port}"
        return f"{self.username}@{where}" if self.username else where

    async def start(self, cols: int, rows: int) -> None:
        try:
            self._conn = await self._connect()
            self._chan, self._channel = await self._conn.create_session(
                _Channel,
                term_type=TERM_TYPE,
                term_size=(cols, rows),
                encoding=None,
            )
        except asyncio.CancelledError:
            self._abort()  # the pane went away mid-connect: leave nothing half open
            raise
        except TerminalClosed:
            await self.close()
            raise
        except asyncssh.ChannelOpenError as exc:
            await self.close()
            raise TerminalClosed(f"{self.label}: cannot open a session: {exc.reason}") from None
        except (asyncssh.Error, OSError) as exc:
            await self.close()
            raise TerminalClosed(f"{self.label}: {_describe(exc)}") from None

    async def read(self) -> bytes:
        if self._ended is not None:
            raise self._ended
        if self._channel is None:
            raise TerminalClosed("not connected")
        item = await self._channel.chunks.get()
        if isinstance(item, TerminalClosed):
            self._ended = item
            raise item
        # Hand over everything already waiting in one piece: fewer, larger emulator feeds.
        parts = [item]
        size = len(item)
        queue = self._channel.chunks
        while size < _READ_COALESCE_BYTES and not queue.empty():
            nxt = queue.get_nowait()
            if isinstance(nxt, TerminalClosed):
                self._ended = nxt  # delivered on the next read, after this output
                break
            parts.append(nxt)
            size += len(nxt)
        self._channel.resume_if_drained()
        return b"".join(parts)

    async def write(self, data: bytes) -> None:
        # A write racing the end is dropped: read() is where the end is reported, once.
        if self._chan is None or self._chan.is_closing():
            return
        try:
            self._chan.write(data)
        except (asyncssh.Error, OSError, BrokenPipeError):
            return

    async def resize(self, cols: int, rows: int) -> None:
        if self._chan is None or self._chan.is_closing():
            return
        try:
            self._chan.change_terminal_size(cols, rows)
        except (asyncssh.Error, OSError):
            return

    async def close(self) -> None:
        chan, conn = self._chan, self._conn
        self._chan = None
        self._conn = None
        if chan is not None:
            chan.close()
        if conn is not None:
            conn.close()
            try:
                await asyncio.wait_for(conn.wait_closed(), timeout=5)
            except (asyncio.TimeoutError, asyncssh.Error, OSError):
                pass

    def _abort(self) -> None:
        chan, conn = self._chan, self._conn
        self._chan = self._conn = None
        if chan is not None:
            chan.close()
        if conn is not None:
            conn.abort()

    # -- connecting ---------------------------------------------------------------------------

    async def _connect(self) -> asyncssh.SSHClientConnection:
        keys = await self._load_client_keys()
        # Two rounds at most: the second only after the user accepted an unknown key, which is
        # then in known_hosts and trusted by asyncssh itself.
        for _round in range(2):
            recorder = _HostKeyRecorder(self.prompts, self.label)
            try:
                conn, _client = await asyncio.wait_for(
                    asyncssh.create_connection(
                        lambda: recorder,
                        self.host,
                        self.port if self.port is not None else (),
                        **self._options(keys),
                    ),
                    timeout=self.connect_timeout + self.login_timeout,
                )
                return conn
            except asyncssh.HostKeyNotVerifiable as exc:
                offered = recorder.offered
                if offered is None:  # revoked key, bad certificate: nothing to ask about
                    raise TerminalClosed(f"{self.label}: {exc.reason}") from None
                await self._decide_on_unknown_key(offered)
            except asyncssh.KeyExchangeFailed as exc:
                raise TerminalClosed(await self._key_exchange_failure(exc)) from None
            except asyncssh.PermissionDenied:
                raise TerminalClosed(f"{self.label}: authentication failed") from None
            except asyncio.TimeoutError:
                raise TerminalClosed(f"{self.label}: connection timed out") from None
            except ConnectionRefusedError:
                raise TerminalClosed(f"{self.label}: connection refused") from None
            except OSError as exc:
                raise TerminalClosed(f"{self.label}: cannot connect: {_describe(exc)}") from None
            except (asyncssh.Error, ValueError) as exc:
                raise TerminalClosed(f"{self.label}: {_describe(exc)}") from None
        raise TerminalClosed(f"{self.label}: host key still not trusted after it was accepted")

    def _options(self, keys: list[object] | None) -> dict[str, object]:
        options: dict[str, object] = {
            "known_hosts": load_known_hosts(self.known_hosts),
            "config": [str(p) for p in self.ssh_config if p.is_file()],
            "connect_timeout": self.connect_timeout,
            "login_timeout": self.login_timeout,
        }
        if self.username:
            options["username"] = self.username
        if not _config_sets_ciphers(options["config"]):  # type: ignore[arg-type]
            options["encryption_algs"] = cipher_preference()
        if keys:
            options["client_keys"] = keys
        if not self.use_agent:
            options["agent_path"] = None
        return options

    async def _decide_on_unknown_key(self, offered: OfferedHostKey) -> None:
        """Raise for a changed key; ask about an unknown one and record it if accepted."""
        if known_keys_for(self.known_hosts, offered.host, offered.addr, offered.port):
            log.warning("host key for %s changed: %s", offered.host, offered.fingerprint)
            raise TerminalClosed(changed_key_reason(offered.host, offered.fingerprint, self.known_hosts))
        accepted = await _ask(
            self.prompts.confirm_host_key(offered.host, offered.port, offered.key_type, offered.fingerprint)
        )
        if not accepted:
            raise TerminalClosed(declined_key_reason(offered.host, offered.fingerprint))
        try:
            append_known_host(
                self.known_hosts,
                offered.host,
                offered.port,
                offered.key,
                hashed=_config_hashes_known_hosts(self.ssh_config),
            )
        except OSError as exc:
            raise TerminalClosed(f"cannot record the host key in {self.known_hosts}: {_describe(exc)}") from None

    async def _key_exchange_failure(self, exc: asyncssh.KeyExchangeFailed) -> str:
        """asyncssh offers a known host only the key types the file holds for it; a server that
        has none of them any more fails the key exchange. That is a changed key too: say so,
        with the new key's fingerprint."""
        try:
            key = await asyncio.wait_for(
                asyncssh.get_server_host_key(self.host, self.port if self.port is not None else ()),
                timeout=self.connect_timeout,
            )
        except (asyncssh.Error, OSError, asyncio.TimeoutError):
            key = None
        port = self.port if self.port is not None else 22
        if key is not None and known_keys_for(self.known_hosts, self.host, self.host, port):
            return changed_key_reason(self.host, key.get_fingerprint("sha256"), self.known_hosts)
        return f"{self.label}: key exchange failed: {exc.reason}"

    async def _load_client_keys(self) -> list[object] | None:
        """Load configured keys here rather than in asyncssh so a passphrase is asked only for a
        key that is encrypted (asyncssh would call a passphrase callback for every file)."""
        loaded: list[object] = []
        for path in self.client_keys:
            key = await self._read_key(path)
            if key is None:
                continue
            cert = Path(f"{path}-cert.pub")
            loaded.append((key, str(cert)) if cert.is_file() else key)
        return loaded or None

    async def _read_key(self, path: Path) -> asyncssh.SSHKey | None:
        passphrase: str | None = None
        for _attempt in range(_PASSWORD_TRIES + 1):
            try:
                return asyncssh.read_private_key(path, passphrase)
            except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError) as exc:
                if "passphrase" not in str(exc).lower():
                    log.warning("cannot use key %s: %s", path, exc)
                    return None
                passphrase = await _ask(self.prompts.ask_password(f"Passphrase for key {path}: "))
                if passphrase is None:
                    return None
            except OSError as exc:
                log.warning("cannot read key %s: %s", path, exc.strerror)
                return None
        return None


def _is_password_question(questions: list[tuple[str, bool]]) -> bool:
    """A keyboard-interactive round that is just the password again (PAM, asyncssh servers)."""
    return len(questions) == 1 and not questions[0][1] and "password" in questions[0][0].lower()


async def _ask(question):  # type: ignore[no-untyped-def]
    """A prompt that fails (dialog torn down, bug) counts as "no", never as a crash mid-handshake."""
    try:
        return await question
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - a broken prompt must not break the connection attempt
        log.exception("SSH prompt failed")
        return None


def _describe(exc: BaseException) -> str:
    """One line for a user: asyncssh's reason, the OS error text, else the exception's text."""
    if isinstance(exc, asyncssh.Error):
        return exc.reason or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
