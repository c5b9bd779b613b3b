"""What only the relayed transport has: a helper process, whose life must follow the pane's, and
a socket between the two that must neither lose nor hoard output. (Everything a transport does,
echo, resize, keys, host keys, prompts, runs relayed too: see the `ssh_target` fixture.)"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
from pathlib import Path

import pytest

from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.relay import RelayedSshBackend
from tests.terminal.conftest import READ_TIMEOUT, SshTarget, ready_shell, wait_until_gone


def _relayed(target: SshTarget, tmp_path: Path, **kwargs: object) -> RelayedSshBackend:
    backend = target.backend(target.write_known_hosts(tmp_path / "known_hosts"), **kwargs)
    assert isinstance(backend, RelayedSshBackend)
    return backend


@pytest.fixture
def relayed_target(asyncssh_target: SshTarget) -> SshTarget:
    return SshTarget(**{**asyncssh_target.__dict__, "relayed": True})


async def test_closing_the_pane_ends_the_helper(relayed_target: SshTarget, tmp_path: Path) -> None:
    backend = _relayed(relayed_target, tmp_path)
    await ready_shell(backend)
    assert backend.proc is not None
    pid = backend.proc.pid
    assert Path(f"/proc/{pid}").exists()
    await backend.close()
    await wait_until_gone(pid)
    assert backend.proc.returncode == 0


async def test_helper_ends_when_the_console_is_gone(relayed_target: SshTarget, tmp_path: Path) -> None:
    """A console that dies without a word (no `close`) still takes its helper with it: the
    control socket's end is the helper's signal."""
    backend = _relayed(relayed_target, tmp_path)
    await ready_shell(backend)
    assert backend.proc is not None and backend._ctl_writer is not None and backend._data_writer is not None
    pid = backend.proc.pid
    for writer in (backend._ctl_writer, backend._data_writer):
        sock = writer.get_extra_info("socket")
        sock.shutdown(socket.SHUT_RDWR)
    await wait_until_gone(pid)
    await backend.close()


async def test_a_helper_killed_mid_session_ends_the_pane_with_a_reason(
    relayed_target: SshTarget, tmp_path: Path
) -> None:
    backend = _relayed(relayed_target, tmp_path)
    shell = await ready_shell(backend)
    assert backend.proc is not None
    os.kill(backend.proc.pid, signal.SIGKILL)
    closed = await shell.until_closed()
    assert closed.reason == "the SSH helper stopped (exit status -9)"
    await backend.close()


async def test_a_helper_that_cannot_start_is_one_line(tmp_path: Path, relayed_target: SshTarget) -> None:
    backend = _relayed(relayed_target, tmp_path, python=str(tmp_path / "no-python"))
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert closed.value.reason.startswith(f"{relayed_target.username}@127.0.0.1:{relayed_target.port}: ")
    assert "cannot start the SSH helper" in closed.value.reason
    assert "\n" not in closed.value.reason


async def test_output_waits_while_the_pane_is_busy_and_none_is_lost(
    relayed_target: SshTarget, tmp_path: Path
) -> None:
    """The pane stops reading for a while during a flood (as it does while the emulator is
    behind): the remote side is held back, and every line arrives, in order, afterwards."""
    backend = _relayed(relayed_target, tmp_path)
    try:
        shell = await ready_shell(backend)
        await backend.write(b"stty -echo; seq 1 300000; echo SEQ-$((1+1))-DONE\r")
        await asyncio.sleep(1.5)  # not reading: the socket, the helper and the channel fill up
        await shell.expect(b"SEQ-2-DONE", timeout=READ_TIMEOUT * 3)
        # Between the echo of the command line and the marker: seq's lines and nothing else.
        output = bytes(shell.data).split(b"-DONE\r\n", 1)[1].split(b"SEQ-2-DONE")[0]
        numbers = [int(n) for n in re.findall(rb"(\d+)\r\n", output)]
        assert numbers == list(range(1, 300001))
    finally:
        await backend.close()


async def test_a_helper_that_crashes_loudly_ends_with_its_last_line(tmp_path: Path, relayed_target: SshTarget) -> None:
    """A helper writing more to stderr than a pipe holds (a long traceback, warnings) is read as it
    writes, so it can exit; its last line is the pane's reason."""
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nyes 'warning: noise' | head -n 20000 >&2\necho 'RuntimeError: boom' >&2\nexit 3\n")
    fake.chmod(0o755)
    backend = _relayed(relayed_target, tmp_path, python=str(fake))
    with pytest.raises(TerminalClosed) as closed:
        await asyncio.wait_for(backend.start(80, 24), READ_TIMEOUT)  # it hung when stderr was read at the end
    assert closed.value.reason == "the SSH helper stopped (exit status 3): RuntimeError: boom"
    await backend.close()
