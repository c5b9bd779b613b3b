"""The vsay WebSocket transport: a terminal pane on a vsay session's `/sessions/:id/ws`.

Wire format (seeds/vsay-sessions.md): after connecting the client sends
`{"type":"auth","token":...}`, then `input` (`data`: text) and `resize` (`cols`, `rows`);
the server sends `output` (`data`: text), `error` (`message`) and `disconnect` (`reason`).

The session token is a credential: it goes into the auth frame and nowhere else. Reasons built
from anything the server sent are scrubbed of it too, in case a server echoes it back."""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from sessionboard.terminal.backend import TerminalClosed

log = logging.getLogger(__name__)

_MAX_FRAME = 4 * 1024 * 1024


class _NoFrameLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """The logger handed to websockets. At DEBUG websockets logs every frame it sends, the auth
    frame (and so the token) included; this logger never admits to DEBUG, so frames are never
    logged, whatever level the user sets. Connection events above DEBUG still get through."""

    def isEnabledFor(self, level: int) -> bool:
        return level > logging.DEBUG and self.logger.isEnabledFor(level)


_ws_log = _NoFrameLog(logging.getLogger(f"{__name__}.websocket"), {})


class VsayWebSocketBackend:
    """A `TerminalBackend` over a vsay session WebSocket.

    There is no auth acknowledgement in the protocol, so a bad token shows up as the first
    `read()` raising `TerminalClosed("error: authentication failed")` (the server's message)."""

    def __init__(self, websocket_url: str, token: str, *, open_timeout: float = 15.0) -> None:
        self.websocket_url = websocket_url
        self._token = token
        self.open_timeout = open_timeout
        self._ws: ClientConnection | None = None
        self._ended: TerminalClosed | None = None

    @property
    def label(self) -> str:
        """Where we connect, without query string or userinfo (either could carry a secret)."""
        parts = urlsplit(self.websocket_url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"

    def __repr__(self) -> str:
        return f"VsayWebSocketBackend({self.label!r}, token=***)"

    async def start(self, cols: int, rows: int) -> None:
        try:
            self._ws = await connect(
                self.websocket_url,
                open_timeout=self.open_timeout,
                max_size=_MAX_FRAME,
                compression=None,  # keystroke-sized frames: deflate costs latency, saves nothing
                logger=_ws_log,
            )
        except InvalidStatus as exc:
            raise TerminalClosed(
                f"{self.label}: websocket refused: HTTP {exc.response.status_code}"
            ) from None
        except InvalidURI:
            raise TerminalClosed(f"{self.label}: not a websocket URL") from None
        except InvalidHandshake as exc:
            raise TerminalClosed(f"{self.label}: websocket handshake failed: {self._scrub(str(exc))}") from None
        except asyncio.TimeoutError:
            raise TerminalClosed(f"{self.label}: connection timed out") from None
        except ConnectionRefusedError:
            raise TerminalClosed(f"{self.label}: connection refused") from None
        except OSError as exc:
            raise TerminalClosed(f"{self.label}: cannot connect: {exc.strerror or type(exc).__name__}") from None
        await self._send({"type": "auth", "token": self._token})
        await self._send({"type": "resize", "cols": cols, "rows": rows})

    async def read(self) -> bytes:
        if self._ended is not None:
            raise self._ended
        if self._ws is None:
            raise TerminalClosed("not connected")
        while True:
            try:
                frame = await self._ws.recv()
            except ConnectionClosed:
                raise self._end("connection closed") from None
            if isinstance(frame, bytes):
                return frame  # not in the protocol, but unambiguous: raw terminal output
            data = self._output_of(frame)
            if data:
                return data

    def _output_of(self, frame: str) -> bytes | None:
        """Output bytes for an `output` frame; raises at `error`/`disconnect`; None otherwise."""
        try:
            message = json.loads(frame)
        except ValueError:
            log.debug("vsay terminal: ignoring a frame that is not JSON")
            return None
        if not isinstance(message, dict):
            return None
        kind = message.get("type")
        if kind == "output":
            data = message.get("data")
            return data.encode("utf-8", errors="replace") if isinstance(data, str) else None
        if kind == "error":
            text = message.get("message")
            raise self._end(f"error: {self._scrub(str(text)) if text else 'unspecified'}")
        if kind == "disconnect":
            text = message.get("reason")
            raise self._end(self._scrub(str(text)) if text else "disconnected")
        return None  # an unknown message type is not a reason to drop the session

    def _end(self, reason: str) -> TerminalClosed:
        self._ended = TerminalClosed(reason)
        return self._ended

    async def write(self, data: bytes) -> None:
        # Input is text on this wire; invalid UTF-8 (a stray byte) is replaced, not fatal.
        await self._send({"type": "input", "data": data.decode("utf-8", errors="replace")})

    async def resize(self, cols: int, rows: int) -> None:
        await self._send({"type": "resize", "cols": cols, "rows": rows})

    async def close(self) -> None:
        ws, self._ws = self._ws, None
        if self._ended is None and ws is not None:
            self._ended = TerminalClosed("connection closed")
        if ws is not None:
            try:
                await asyncio.wait_for(ws.close(), timeout=5)
            except (asyncio.TimeoutError, OSError, ConnectionClosed):
                pass

    async def _send(self, message: dict[str, object]) -> None:
        # Like the SSH transport, a write racing the end is dropped; read() reports the end.
        if self._ws is None:
            return
        try:
            await self._ws.send(json.dumps(message))
        except (ConnectionClosed, OSError):
            return

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

