"""The byte source behind a terminal pane: SSH channel, vsay WebSocket, or anything else that can
read, write, resize and close. The widget and the emulator know only this interface."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class TerminalClosed(Exception):
    """The remote side ended. `reason` is shown in the pane ("exit status 0", "connection lost")."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@runtime_checkable
class TerminalBackend(Protocol):
    async def start(self, cols: int, rows: int) -> None:
        """Connect and open a pty of this size. Raises `TerminalClosed` with a reason on failure."""

    async def read(self) -> bytes:
        """The next chunk of output; raises `TerminalClosed` once the remote side has ended."""

    async def write(self, data: bytes) -> None:
        """Send keystrokes / pasted text as bytes."""

    async def resize(self, cols: int, rows: int) -> None:
        """Resize the remote pty."""

    async def close(self) -> None:
        """Idempotent; ends the connection."""
