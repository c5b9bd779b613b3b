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
