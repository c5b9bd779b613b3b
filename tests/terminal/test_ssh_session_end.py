"""How an SSH terminal ends when the other side goes away: read() raises `TerminalClosed` with a
reason instead of hanging or crashing."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

from sessionboard.sim.ssh_server import LocalSshServer
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.ssh import SshBackend
from tests.terminal.conftest import SshTarget, ready_shell, wait_until_gone


def _local_backend(server: LocalSshServer, client_key: Path) -> SshBackend:
    return SshBackend(
        server.host, server.port, server.username, server.write_known_hosts(), [client_key],
        ssh_config=(), use_agent=False,
    )


async def test_server_stopping_ends_read_with_connection_lost() -> None:
    server = LocalSshServer()
    client_key = server.generate_client_key()
    await server.start()
    backend = _local_backend(server, client_key)
    try:
        shell = await ready_shell(backend)
        await server.stop()
        closed = await shell.until_closed()
        assert closed.reason.startswith("connection lost")
    finally:
        await backend.close()
        await server.stop()


async def test_connection_dropped_while_the_server_stays_up() -> None:
    async with LocalSshServer() as server:
        client_key = server.generate_client_key()
        backend = _local_backend(server, client_key)
        try:
            shell = await ready_shell(backend)
            await server.drop_connections()
            closed = await shell.until_closed()
            assert closed.reason.startswith("connection lost")
            # A new connection works: the end was this session's, not the server's.
            fresh = _local_backend(server, client_key)
            try:
                await ready_shell(fresh)
            finally:
                await fresh.close()
        finally:
            await backend.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name in parentheses may hold spaces; the ppid is the 2nd field after it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry))
    return found


async def test_openssh_session_process_killed_ends_read(openssh_target: SshTarget, tmp_path: Path) -> None:
    """The sshd process serving this connection dies (what a server crash or reboot looks like)."""
    backend = openssh_target.backend(openssh_target.write_known_hosts(tmp_path / "known_hosts"))
    try:
        shell = await ready_shell(backend)
        listener = int(Path(openssh_target.pidfile).read_text().split()[0])
        per_connection = _children(listener)
        assert per_connection, "no per-connection sshd found"
        for pid in per_connection:
            os.kill(pid, signal.SIGKILL)
        closed = await shell.until_closed()
        assert closed.reason.startswith(("connection lost", "connection closed"))
    finally:
        await backend.close()


async def test_nothing_listening_is_a_clear_refusal(tmp_path: Path) -> None:
    server = LocalSshServer()
    await server.start()
    port = server.port
    await server.stop()
    backend = SshBackend("127.0.0.1", port, "nobody", tmp_path / "known_hosts", ssh_config=(), use_agent=False)
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert closed.value.reason == f"nobody@127.0.0.1:{port}: connection refused"
    await backend.close()


async def test_client_closing_hangs_the_remote_shell_up(asyncssh_target: SshTarget, tmp_path: Path) -> None:
    """The local server leaves no shell behind when its client goes."""
    backend = asyncssh_target.backend(asyncssh_target.write_known_hosts(tmp_path / "known_hosts"))
    try:
        shell = await ready_shell(backend)
        found = await shell.run("echo PID=$$=", re.compile(rb"PID=(\d+)="))
    finally:
        await backend.close()
    await wait_until_gone(int(found[4:-1]))
