"""The SSH transport alone (no widget) against real servers: the project's asyncssh server and
OpenSSH's sshd. Bytes go in through `write`, the assertions read what the remote pty sent back."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from sessionboard.terminal.backend import TerminalBackend
from tests.terminal.conftest import READ_TIMEOUT, SshTarget, ready_shell


async def test_echo_round_trip(ssh_target: SshTarget, known_hosts: Path) -> None:
    backend = ssh_target.backend(known_hosts)
    try:
        assert isinstance(backend, TerminalBackend)
        shell = await ready_shell(backend)
        await shell.run("echo hello-$((6*7))", b"hello-42")
    finally:
        await backend.close()


async def test_pty_size_follows_resize(ssh_target: SshTarget, known_hosts: Path) -> None:
    backend = ssh_target.backend(known_hosts)
    try:
        shell = await ready_shell(backend, cols=80, rows=24)
        await shell.run("echo SIZE$(tput cols)x$(tput lines)", b"SIZE80x24")
        await backend.resize(123, 41)
        await shell.run("echo SIZE$(tput cols)x$(tput lines)", b"SIZE123x41")
        # `tput` asks the kernel; `$TERM` came from the pty request.
        await shell.run("echo T-$TERM", b"T-xterm-256color")
    finally:
        await backend.close()


async def test_keys_reach_the_remote_side_as_bytes(ssh_target: SshTarget, known_hosts: Path) -> None:
    """Arrow up, ctrl-c and F5 arrive byte for byte: the remote tty is put in raw mode (so ctrl-c
    is not turned into SIGINT) and `head | od` prints exactly what it received."""
    backend = ssh_target.backend(known_hosts)
    try:
        shell = await ready_shell(backend)
        await shell.run("stty raw -echo; echo RAW$((1+1)); head -c 10 | od -An -tx1; stty sane", b"RAW2")
        await backend.write(b"\x1b[A")  # arrow up
        await backend.write(b"\x03")  # ctrl-c
        await backend.write(b"\x1b[15~")  # F5
        await backend.write(b"q")
        await shell.expect(re.compile(rb"1b\s+5b\s+41\s+03\s+1b\s+5b\s+31\s+35\s+7e\s+71"))
        await shell.run("echo BACK$((2+2))", b"BACK4")
    finally:
        await backend.close()


async def test_ctrl_c_interrupts_a_running_command(ssh_target: SshTarget, known_hosts: Path) -> None:
    backend = ssh_target.backend(known_hosts)
    try:
        shell = await ready_shell(backend)
        # The marker is printed by the job itself, once it owns the terminal: a ctrl-c sent
        # earlier could reach the shell between its fork and the job taking the foreground.
        await shell.run("bash -c 'echo SLEEPING$((3+4)); exec sleep 600'; echo NOT$((1+1))REACHED", b"SLEEPING7")
        await backend.write(b"\x03")
        # Only an interrupted sleep lets the next command run within the read timeout.
        await shell.run("echo AFTER$((5+5))", b"AFTER10")
        assert b"NOT2REACHED" not in shell.data
    finally:
        await backend.close()


@pytest.mark.parametrize(
    ("command", "leave"),
    [("less /etc/passwd", b"q"), ("vim -u NONE -N /etc/passwd", b"\x1b:q!\r")],
    ids=["less", "vim"],
)
async def test_full_screen_programs_enter_and_leave_the_alternate_screen(
    ssh_target: SshTarget, known_hosts: Path, command: str, leave: bytes
) -> None:
    backend = ssh_target.backend(known_hosts)
    try:
        shell = await ready_shell(backend)
        await shell.run(f"LESS= {command}", b"\x1b[?1049h")
        await shell.expect(b"root:")  # the file is on screen
        await backend.write(leave)
        await shell.expect(b"\x1b[?1049l")
        await shell.run("echo DONE$((9+9))", b"DONE18")
    finally:
        await backend.close()


async def test_shell_exit_ends_read_with_its_status(ssh_target: SshTarget, known_hosts: Path) -> None:
    backend = ssh_target.backend(known_hosts)
    try:
        shell = await ready_shell(backend)
        await backend.write(b"exit 3\r")
        closed = await shell.until_closed()
        assert closed.reason == "exit status 3"
        # The end is sticky, and writing after it is harmless.
        await backend.write(b"echo late\r")
        with pytest.raises(type(closed)) as again:
            await backend.read()
        assert again.value.reason == "exit status 3"
    finally:
        await backend.close()
        await backend.close()  # idempotent


async def test_large_paste_arrives_whole(ssh_target: SshTarget, known_hosts: Path) -> None:
    """200 KB in one write: more than a pty or an SSH window takes at once, so it exercises the
    channel's flow control and the server's buffered writes into the pty."""
    backend = ssh_target.backend(known_hosts)
    try:
        shell = await ready_shell(backend)
        await shell.run("stty raw -echo; echo PASTE$((1+1)); head -c 200000 | wc -c; stty sane", b"PASTE2")
        await backend.write(b"0123456789" * 20000)
        await shell.expect(re.compile(rb"\b200000\b"))
    finally:
        await backend.close()


async def test_close_ends_a_pending_read(ssh_target: SshTarget, known_hosts: Path) -> None:
    """The pane closing while its reader waits: the reader gets TerminalClosed, not a hang."""
    backend = ssh_target.backend(known_hosts)
    shell = await ready_shell(backend)
    reader = asyncio.ensure_future(shell.until_closed())
    await asyncio.sleep(0)
    await backend.close()
    closed = await asyncio.wait_for(reader, READ_TIMEOUT)
    assert closed.reason.startswith(("connection closed", "connection lost", "exit status"))
