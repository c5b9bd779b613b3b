"""Real SSH servers for the transport tests: the project's asyncssh `LocalSshServer` and OpenSSH's
`sshd`, both on loopback, plus helpers that read a transport until the expected output arrives.

Keys for sshd are made with `ssh-keygen` and its fingerprint read back with `ssh-keygen -l`, so
the fingerprint the SSH backend reports is checked against OpenSSH's own, not against itself."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sessionboard.sim.openssh import OpenSshError, OpenSshServer
from sessionboard.sim.ssh_server import LocalSshServer
from sessionboard.terminal.backend import TerminalBackend, TerminalClosed
from sessionboard.terminal.relay import RelayedSshBackend
from sessionboard.terminal.ssh import SshBackend

READ_TIMEOUT = 10.0  # generous: a loaded 2-core machine, never a speed assertion


@dataclass
class SshTarget:
    """One running SSH server and what a client needs to reach it."""

    name: str
    host: str
    port: int
    username: str
    client_key: Path
    known_hosts_line: str
    fingerprint: str  # "SHA256:..." of the server's host key
    pidfile: Path | None = None  # sshd's listener pid (OpenSSH only)
    relayed: bool = False  # the transport in a helper process, as the console runs it

    def write_known_hosts(self, path: Path) -> Path:
        path.write_text(self.known_hosts_line + "\n", encoding="utf-8")
        return path

    def backend(self, known_hosts: Path, **kwargs: object) -> SshBackend | RelayedSshBackend:
        """A backend isolated from this machine's ~/.ssh/config and agent."""
        options: dict[str, object] = {"ssh_config": (), "use_agent": False}
        options.update(kwargs)
        client_keys = options.pop("client_keys", [self.client_key])
        kind = RelayedSshBackend if self.relayed else SshBackend
        return kind(
            self.host,
            self.port,
            self.username,
            known_hosts,
            client_keys,  # type: ignore[arg-type]
            options.pop("prompts", None),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )


@dataclass
class Transcript:
    """Everything a backend sent so far; `expect` reads on until a pattern shows up in it."""

    backend: TerminalBackend
    data: bytearray = field(default_factory=bytearray)
    closed: TerminalClosed | None = None
    mark: int = 0  # where the previous match ended; the next search starts there

    async def expect(self, pattern: bytes | re.Pattern[bytes], timeout: float = READ_TIMEOUT) -> bytes:
        """Read until `pattern` occurs after the point of the previous match; return that match.
        Fails with the tail of the output (not a bare timeout) when it never comes."""
        start = self.mark
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = regex.search(self.data, start)
            if found:
                self.mark = found.end()
                return found.group(0)
            if self.closed is not None:
                pytest.fail(f"closed ({self.closed.reason}) before {regex.pattern!r}; got {self.tail()!r}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                pytest.fail(f"no {regex.pattern!r} within {timeout}s; got {self.tail()!r}")
            try:
                self.data += await asyncio.wait_for(self.backend.read(), remaining)
            except asyncio.TimeoutError:
                continue
            except TerminalClosed as exc:
                self.closed = exc

    async def until_closed(self, timeout: float = READ_TIMEOUT) -> TerminalClosed:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.closed is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                pytest.fail(f"still open after {timeout}s; got {self.tail()!r}")
            try:
                self.data += await asyncio.wait_for(self.backend.read(), remaining)
            except asyncio.TimeoutError:
                continue
            except TerminalClosed as exc:
                self.closed = exc
        return self.closed

    async def run(self, command: str, marker: bytes | re.Pattern[bytes]) -> bytes:
        await self.backend.write(command.encode() + b"\r")
        return await self.expect(marker)

    def tail(self, size: int = 600) -> bytes:
        return bytes(self.data[-size:])


async def ready_shell(backend: TerminalBackend, cols: int = 80, rows: int = 24) -> Transcript:
    """Start the backend and wait until its shell answers a command (past banners and rc files).
    The marker is computed by the shell, so the echo of the typed command never matches it."""
    await backend.start(cols, rows)
    transcript = Transcript(backend)
    await transcript.run("echo READY$((20+22))", b"READY42")
    return transcript


async def wait_until_gone(pid: int, timeout: float = READ_TIMEOUT) -> None:
    """Wait for a process to exit and be reaped; fail if it is still there after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while Path(f"/proc/{pid}").exists():
        if loop.time() > deadline:
            pytest.fail(f"process {pid} still there {timeout}s after its terminal closed")
        await asyncio.sleep(0.05)


# -- the asyncssh server -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def asyncssh_server() -> Iterator[LocalSshServer]:
    """The project's own server, on its own thread as the demo runs it."""
    server = LocalSshServer()
    server.generate_client_key()
    server.start_in_thread()
    yield server
    server.stop_thread()


@pytest.fixture(scope="session")
def asyncssh_target(asyncssh_server: LocalSshServer) -> SshTarget:
    return SshTarget(
        name="asyncssh",
        host=asyncssh_server.host,
        port=asyncssh_server.port,
        username=asyncssh_server.username,
        client_key=asyncssh_server.workdir / "client_key",
        known_hosts_line=asyncssh_server.known_hosts_line(),
        fingerprint=asyncssh_server.host_key_fingerprint,
    )


# -- OpenSSH's sshd ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def openssh_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshTarget]:
    """`sshd -D -e -f CONFIG` on 127.0.0.1, root login by a generated key. A missing sshd is a
    failure, not a skip: `.ci/run` installs openssh-server."""
    try:
        server = OpenSshServer.start(tmp_path_factory.mktemp("sshd"))
    except OpenSshError as exc:
        pytest.fail(f"the SSH tests need a real sshd: {exc}")
    try:
        yield SshTarget(
            name="openssh",
            host=server.host,
            port=server.port,
            username=server.username,
            client_key=server.client_key,
            known_hosts_line=server.known_hosts_line,
            fingerprint=server.fingerprint,
            pidfile=server.pidfile,
        )
    finally:
        server.stop()


@pytest.fixture(params=["asyncssh", "openssh", "asyncssh-relayed", "openssh-relayed"])
def ssh_target(request: pytest.FixtureRequest) -> SshTarget:
    """Each SSH test runs against both servers, with the transport in this process
    (`SshBackend`) and in a helper process (`RelayedSshBackend`, what the console uses)."""
    server, _, relayed = str(request.param).partition("-")
    target: SshTarget = request.getfixturevalue(f"{server}_target")
    return dataclasses.replace(target, relayed=bool(relayed))


@pytest.fixture
def known_hosts(tmp_path: Path, ssh_target: SshTarget) -> Path:
    """A known_hosts file that already trusts the target."""
    return ssh_target.write_known_hosts(tmp_path / "known_hosts")
