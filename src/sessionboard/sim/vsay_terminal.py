"""The server end of a vsay session WebSocket: authenticate, then bridge a real shell in a pty.

The vsay simulator mounts this on `/sessions/{id}/ws` after accepting the socket; the tests mount
it on a tiny Starlette app of their own. Protocol as in seeds/vsay-sessions.md: `auth` first
(a wrong token gets `{"type":"error","message":"authentication failed"}` and a close), then
`input` and `resize` in, `output` out, and `disconnect` with "exit status N" when the shell ends.

Output is text on this wire, so pty bytes go through an incremental UTF-8 decoder: a character
split across two reads is held back until its last byte arrives instead of being mangled."""

from __future__ import annotations

import asyncio
import codecs
import hmac
import json
import logging
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from sessionboard.sim.shell import PtyShell, exit_reason

log = logging.getLogger(__name__)

AUTH_FAILED = "authentication failed"
_POLICY_VIOLATION = 1008


async def serve_terminal(
    websocket: WebSocket,
    expected_token: str,
    *,
    auth_timeout: float = 10.0,
    cols: int = 80,
    rows: int = 24,
) -> None:
    """Serve one terminal on an accepted WebSocket until the shell exits or the client leaves."""
    if not await _authenticate(websocket, expected_token, auth_timeout):
        return
    shell = await PtyShell.spawn(cols, rows)
    to_client = asyncio.ensure_future(_pump_output(websocket, shell))
    from_client = asyncio.ensure_future(_pump_input(websocket, shell))
    try:
        await asyncio.wait({to_client, from_client}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        from_client.cancel()
        if not to_client.done():
            to_client.cancel()
        await asyncio.gather(to_client, from_client, return_exceptions=True)
        await shell.close()
        await _close(websocket)


async def _authenticate(websocket: WebSocket, expected_token: str, timeout: float) -> bool:
    try:
        message = await asyncio.wait_for(_receive_json(websocket), timeout=timeout)
    except asyncio.TimeoutError:
        await _refuse(websocket, "authentication timed out")
        return False
    except WebSocketDisconnect:
        return False
    token = message.get("token") if message and message.get("type") == "auth" else None
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), expected_token.encode()):
        await _refuse(websocket, AUTH_FAILED)
        return False
    return True


async def _refuse(websocket: WebSocket, message: str) -> None:
    await _send(websocket, {"type": "error", "message": message})
    await _close(websocket, code=_POLICY_VIOLATION)


async def _pump_output(websocket: WebSocket, shell: PtyShell) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while data := await shell.read():
        text = decoder.decode(data)
        if text and not await _send(websocket, {"type": "output", "data": text}):
            return
    tail = decoder.decode(b"", final=True)
    if tail:
        await _send(websocket, {"type": "output", "data": tail})
    code = await shell.wait()
    await _send(websocket, {"type": "disconnect", "reason": exit_reason(code)})


async def _pump_input(websocket: WebSocket, shell: PtyShell) -> None:
    while True:
        try:
            message = await _receive_json(websocket)
        except WebSocketDisconnect:
            return
        if message is None:
            continue
        kind = message.get("type")
        if kind == "input" and isinstance(message.get("data"), str):
            shell.write(message["data"].encode("utf-8"))
        elif kind == "resize":
            cols, rows = message.get("cols"), message.get("rows")
            if isinstance(cols, int) and isinstance(rows, int) and 0 < cols <= 1000 and 0 < rows <= 1000:
                shell.resize(cols, rows)


async def _receive_json(websocket: WebSocket) -> dict[str, Any] | None:
    """The next message as a JSON object; None for anything else (ignored, not fatal)."""
    event = await websocket.receive()
    if event["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(event.get("code", 1000))
    text = event.get("text")
    if text is None and event.get("bytes") is not None:
        text = event["bytes"].decode("utf-8", errors="replace")
    try:
        message = json.loads(text) if text else None
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


async def _send(websocket: WebSocket, message: dict[str, Any]) -> bool:
    if websocket.application_state != WebSocketState.CONNECTED:
        return False
    try:
        await websocket.send_text(json.dumps(message))
        return True
    except (WebSocketDisconnect, RuntimeError, OSError):
        return False


async def _close(websocket: WebSocket, code: int = 1000) -> None:
    if websocket.application_state != WebSocketState.CONNECTED:
        return
    try:
        await websocket.close(code=code)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass  # the client is already gone
