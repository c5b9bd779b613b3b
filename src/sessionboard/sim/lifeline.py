"""A child server that ends with the process that started it.

The demo's children run in sessions of their own (the terminal's signals are the console's), so
when the console dies without cleaning up (its terminal window closed, a SIGKILL) nothing would
tell them. Their stdin is a pipe the console holds open and never writes: the kernel closes it
when the console goes, however it goes, and the child stops on the end-of-file."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable


def stop_when_stdin_closes(stop: Callable[[], None]) -> None:
    """Call `stop` on the running loop once stdin reaches end-of-file (or fails)."""
    loop = asyncio.get_running_loop()
    fd = sys.stdin.fileno()

    def readable() -> None:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(fd)
            stop()

    loop.add_reader(fd, readable)


ORPHAN_CHECK_SECONDS = 0.5


def stop_when_orphaned(stop: Callable[[], None], interval: float = ORPHAN_CHECK_SECONDS) -> None:
    """Call `stop` on the running loop once the process that started this one is gone.

    For `sessionboard simulate`, whose stdin is the user's (a terminal, /dev/null), so no pipe
    can tell: when the parent dies the kernel gives the child a new parent (init or a subreaper),
    and `getppid()` changes. Checked twice a second; a process started by PID 1 itself is never
    an orphan. Without this a killed test runner or script would leave the simulators serving,
    and their key files on disk, forever."""
    loop = asyncio.get_running_loop()
    parent = os.getppid()
    if parent == 1:
        return

    def check() -> None:
        if os.getppid() != parent:
            stop()
        else:
            loop.call_later(interval, check)

    loop.call_later(interval, check)
