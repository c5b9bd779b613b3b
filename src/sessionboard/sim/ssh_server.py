"""A real SSH server on loopback for `sessionboard demo` and the tests: asyncssh with a generated
host key, one allowed user, and a real bash in a real pty behind every session.

Authentication is real too. Public keys listed with `authorize_key` / `generate_client_key` are
accepted; a password only if one was configured, compared in constant time. There is no "any
password" mode on purpose: the shell runs as the user who started the server, and any local user
can reach a loopback port, so an open door would hand them that account. The demo generates a
client key (`generate_client_key`) and points its SSH settings at it, so it needs no password.

Usable in the caller's event loop (`await start()` / `await stop()`), on a thread of its own for a
synchronous caller (`start_in_thread()` / `stop_thread()`), or as a process
(`python -m sessionboard.sim.ssh_server`, which prints one JSON line describing itself)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import hmac
import json
import logging
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import asyncssh

from sessionboard.sim.lifeline import stop_when_stdin_closes
from sessionboard.sim.loop_thread import LoopThread
from sessionboard.sim.shell import PtyShell
from sessionboard.terminal.hostkeys import known_hosts_line

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class _ShellSession(asyncssh.SSHServerSession):  # type: ignore[type-arg]
    """One session channel: a pty-backed shell (or `bash -c COMMAND` for exec requests)."""

    def __init__(self) -> None:
        self._chan: asyncssh.SSHServerChannel | None = None  # type: ignore[type-arg]
        self._term_type = "xterm-256color"
        self._size = (80, 24)
        self._command: str | None = None
        self._shell: PtyShell | None = None
        self._early_input = bytearray()
        self._can_write = asyncio.Event()
        self._can_write.set()
        self._task: asyncio.Task[None] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:  # type: ignore[override,type-arg]
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object) -> bool:
        self._term_type = term_type or self._term_type
        if term_size[0] and term_size[1]:
            self._size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._command = command
        return True

    def session_started(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        assert self._chan is not None
        chan = self._chan
        argv = ("/bin/bash", "-c", self._command) if self._command is not None else None
        try:
            shell = await PtyShell.spawn(
                *self._size, term=self._term_type, **({"argv": argv} if argv else {})
            )
        except OSError as exc:
            chan.write_stderr(f"cannot start a shell: {exc.strerror}\r\n".encode())
            chan.exit(127)
            return
        self._shell = shell
        if self._early_input:
            shell.write(bytes(self._early_input))
            self._early_input.clear()
        try:
            while data := await shell.read():
                await self._can_write.wait()
                chan.write(data)
            code = await shell.wait()
            if code < 0:
                chan.exit_with_signal(signal.Signals(-code).name.removeprefix("SIG"))
            else:
                chan.exit(code)
        except (asyncssh.Error, OSError, BrokenPipeError):
            pass  # the client went away; connection_lost cleans up
        finally:
            await shell.close()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:  # type: ignore[override]
        if self._shell is None:
            self._early_input.extend(data)
        else:
            self._shell.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._size = (width, height)
        if self._shell is not None:
            self._shell.resize(width, height)

    def eof_received(self) -> bool:
        return True  # a pty session ends when its shell does, not on a half-close

    def pause_writing(self) -> None:
        self._can_write.clear()

    def resume_writing(self) -> None:
        self._can_write.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self._can_write.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()  # its `finally` hangs the shell up


class _Server(asyncssh.SSHServer):
    def __init__(self, owner: LocalSshServer) -> None:
        self._owner = owner
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._owner._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._owner._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return self._owner._password is not None

    def validate_password(self, username: str, password: str) -> bool:
        expected = self._owner._password
        if expected is None or username != self._owner.username:
            return False
        return hmac.compare_digest(password.encode(), expected.encode())

    def kbdint_auth_supported(self) -> bool:
        return self._owner._password is not None

    def get_kbdint_challenge(
        self, username: str, lang: str, submethods: str
    ) -> tuple[str, str, str, list[tuple[str, bool]]]:
        """The password alone, or with a verification code (echoed, as PAM's OTP modules do)
        when the server has one: a challenge of two prompts in one round."""
        prompts = [("Password:", False)]
        if self._owner._code is not None:
            prompts.append(("Verification code:", True))
        return "", "", "", prompts

    def validate_kbdint_response(self, username: str, responses: Sequence[str]) -> bool:
        expected = [self._owner._password or ""]
        if self._owner._code is not None:
            expected.append(self._owner._code)
        if username != self._owner.username or len(responses) != len(expected):
            return False
        return all(hmac.compare_digest(a.encode(), b.encode()) for a, b in zip(responses, expected))

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if username != self._owner.username:
            return False
        return key.public_data in self._owner._authorized

    def session_requested(self) -> _ShellSession:
        return _ShellSession()


class LocalSshServer:
    """A loopback SSH server giving `username` a real shell.

    Files (host key, its known_hosts line, generated client keys) live in `workdir`, a fresh
    temporary directory unless one is given; a directory it created is removed by `stop()`."""

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        code: str | None = None,
        host: str = LOOPBACK,
        port: int = 0,
        workdir: str | Path | None = None,
        authorized_keys: Sequence[asyncssh.SSHKey] = (),
        host_key_type: str = "ssh-ed25519",
        sock: socket.socket | None = None,
    ) -> None:
        self.username = username or getpass.getuser()
        self._password = password
        self._code = code  # a second answer asked with the password (keyboard-interactive)
        self.host = host
        self._requested_port = port
        self._own_workdir = workdir is None
        self.workdir = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="sessionboard-ssh-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o700)
        self.host_key = asyncssh.generate_private_key(host_key_type)
        self.host_key_path = self.workdir / "ssh_host_key"
        self.host_key.write_private_key(self.host_key_path)
        self.host_key_path.chmod(0o600)
        self.host_key.write_public_key(self.workdir / "ssh_host_key.pub")
        self._authorized: set[bytes] = {key.public_data for key in authorized_keys}
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._sock = sock
        """A listening socket bound by someone else, to serve on instead of binding one (the
        demo's console binds it, so its port is in the config before this server has started)."""
        self.port = int(sock.getsockname()[1]) if sock is not None else 0
        self._runner = LoopThread("sessionboard-sshd")

    # -- keys --------------------------------------------------------------------------------

    @property
    def host_key_fingerprint(self) -> str:
        return self.host_key.get_fingerprint("sha256")

    def authorize_key(self, key: asyncssh.SSHKey) -> None:
        self._authorized.add(key.public_data)

    def generate_client_key(self, name: str = "client_key", key_type: str = "ssh-ed25519") -> Path:
        """Write a new private key (and .pub) into workdir, authorize it, return its path."""
        key = asyncssh.generate_private_key(key_type)
        path = self.workdir / name
        key.write_private_key(path)
        path.chmod(0o600)
        key.write_public_key(self.workdir / f"{name}.pub")
        self.authorize_key(key)
        return path

    def known_hosts_line(self) -> str:
        """The line a client's known_hosts needs to trust this server (requires a started port)."""
        if not self.port:
            raise RuntimeError("the server has no port until start()")
        return known_hosts_line(self.host, self.port, self.host_key)

    def write_known_hosts(self, path: str | Path | None = None) -> Path:
        """Write a known_hosts file trusting this server; defaults to workdir/known_hosts."""
        target = Path(path) if path is not None else self.workdir / "known_hosts"
        target.write_text(self.known_hosts_line() + "\n", encoding="utf-8")
        return target

    # -- life cycle --------------------------------------------------------------------------

    async def start(self) -> None:
        where: dict[str, object] = (
            {"sock": self._sock} if self._sock is not None else {"host": self.host, "port": self._requested_port}
        )
        self._acceptor = await asyncssh.create_server(
            lambda: _Server(self),
            **where,
            server_host_keys=[self.host_key],
            encoding=None,
            keepalive_interval=0,
            login_timeout=60,
        )
        sockets = self._acceptor.sockets
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and drop every connection (clients see the connection lost)."""
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None
        for conn in list(self._connections):
            conn.abort()
        self._connections.clear()
        await asyncio.sleep(0)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    async def drop_connections(self) -> None:
        """Cut every client off while staying up (tests of a lost connection)."""
        for conn in list(self._connections):
            conn.abort()

    def start_in_thread(self, timeout: float = 30.0) -> None:
        """Serve from a daemon thread with its own event loop (for synchronous callers)."""
        self._runner.start(self.start, timeout, late="the SSH server did not start in time")

    def stop_thread(self, timeout: float = 30.0) -> None:
        self._runner.stop(self.stop, timeout)

    async def __aenter__(self) -> LocalSshServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


async def _serve_forever(args: argparse.Namespace) -> None:
    sock = socket.socket(fileno=args.listen_fd) if args.listen_fd is not None else None
    server = LocalSshServer(username=args.username, port=args.port, workdir=args.workdir, sock=sock)
    client_key = server.generate_client_key()
    await server.start()
    server.write_known_hosts()
    print(
        json.dumps(
            {
                "host": server.host,
                "port": server.port,
                "username": server.username,
                "client_key": str(client_key),
                "known_hosts_line": server.known_hosts_line(),
                "fingerprint": server.host_key_fingerprint,
            }
        ),
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.parent_stdin:
        stop_when_stdin_closes(stop.set)
    await stop.wait()
    await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Run a server until SIGTERM/SIGINT (or, with --parent-stdin, until stdin closes); print one JSON line (port, user, client key, known_hosts)
    once it serves and its files (`client_key`, `known_hosts` in the workdir) are written."""
    parser = argparse.ArgumentParser(prog="python -m sessionboard.sim.ssh_server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--username", default=None)
    parser.add_argument("--workdir", default=None, help="where the keys go (default: a temporary dir, removed at exit)")
    parser.add_argument("--listen-fd", type=int, default=None, help="serve on this inherited listening socket")
    parser.add_argument("--parent-stdin", action="store_true", help="stop when stdin (a pipe from the parent) closes")
    args = parser.parse_args(argv)
    asyncio.run(_serve_forever(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
