"""The vsay WebSocket transport against `serve_terminal` mounted on a tiny Starlette app served by
a real uvicorn socket on loopback (the vsay simulator mounts the same function)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from sessionboard.sim.vsay_terminal import serve_terminal
from sessionboard.terminal.backend import TerminalBackend, TerminalClosed
from sessionboard.terminal.vsay_ws import VsayWebSocketBackend
from tests.terminal.conftest import Transcript, ready_shell, wait_until_gone

TOKEN = "ws-token-3f9a7c0e"


async def _terminal(websocket: WebSocket) -> None:
    await websocket.accept()
    await serve_terminal(websocket, TOKEN)


@pytest.fixture
async def ws_base() -> AsyncIterator[str]:
    """`ws://127.0.0.1:PORT/v1/sessions` served by uvicorn for this test."""
    app = Starlette(routes=[WebSocketRoute("/v1/sessions/{session_id}/ws", _terminal)])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"ws://127.0.0.1:{port}/v1/sessions"
    server.should_exit = True
    await asyncio.wait_for(task, timeout=10)


async def test_auth_then_echo_round_trip(ws_base: str) -> None:
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    try:
        assert isinstance(backend, TerminalBackend)
        shell = await ready_shell(backend)
        await shell.run("echo hello-$((6*7))", b"hello-42")
    finally:
        await backend.close()


async def test_size_on_start_and_resize(ws_base: str) -> None:
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    try:
        shell = await ready_shell(backend, cols=100, rows=30)
        await shell.run("echo SIZE$(tput cols)x$(tput lines)", b"SIZE100x30")
        await backend.resize(132, 43)
        await shell.run("echo SIZE$(tput cols)x$(tput lines)", b"SIZE132x43")
    finally:
        await backend.close()


async def test_keys_arrive_as_bytes(ws_base: str) -> None:
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    try:
        shell = await ready_shell(backend)
        await shell.run("stty raw -echo; echo RAW$((1+1)); head -c 10 | od -An -tx1; stty sane", b"RAW2")
        await backend.write(b"\x1b[A\x03\x1b[15~q")
        await shell.expect(re.compile(rb"1b\s+5b\s+41\s+03\s+1b\s+5b\s+31\s+35\s+7e\s+71"))
    finally:
        await backend.close()


async def test_bad_token_is_refused_with_a_reason_that_hides_it(
    ws_base: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-token-51b2"
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", wrong)
    await backend.start(80, 24)
    closed = await Transcript(backend).until_closed()
    assert closed.reason == "error: authentication failed"
    assert wrong not in caplog.text and TOKEN not in caplog.text
    assert wrong not in repr(backend)
    with pytest.raises(TerminalClosed):
        await backend.read()  # the end is sticky
    await backend.close()


async def test_shell_exit_sends_disconnect_with_its_status(ws_base: str) -> None:
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    try:
        shell = await ready_shell(backend)
        await backend.write(b"exit 5\r")
        closed = await shell.until_closed()
        assert closed.reason == "exit status 5"
    finally:
        await backend.close()


async def test_multibyte_characters_split_across_reads_survive(ws_base: str) -> None:
    """6000 two- and three-byte characters (12-18 KB) cross many pty read boundaries; an
    incremental decoder on the server keeps every one whole (a naive decode would leave U+FFFD)."""
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    try:
        shell = await ready_shell(backend)
        await shell.run(
            "echo BEGIN$((1+1)); printf 'é€%.0s' $(seq 3000); echo; echo END$((1+2))",
            b"END3",
        )
        text = bytes(shell.data).decode("utf-8")
        output = text[text.rindex("BEGIN2") : text.rindex("END3")]  # computed markers: output only
        assert "\ufffd" not in output
        assert output.count("é€") == 3000
    finally:
        await backend.close()


async def test_unreachable_server_is_a_clear_refusal() -> None:
    backend = VsayWebSocketBackend("ws://127.0.0.1:9/v1/sessions/sess_1/ws?sig=abc", TOKEN)
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert closed.value.reason == "ws://127.0.0.1:9/v1/sessions/sess_1/ws: connection refused"
    await backend.close()


async def test_wrong_path_is_reported_by_status(ws_base: str) -> None:
    backend = VsayWebSocketBackend(ws_base.replace("/v1/sessions", "/nowhere"), TOKEN)
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert closed.value.reason.endswith("websocket refused: HTTP 403")  # Starlette: no such route
    assert TOKEN not in closed.value.reason
    await backend.close()


async def test_client_leaving_hangs_the_shell_up(ws_base: str) -> None:
    """No shell outlives its WebSocket: closing the client ends the remote bash."""
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    try:
        shell = await ready_shell(backend)
        found = await shell.run("echo PID=$$=", re.compile(rb"PID=(\d+)="))
    finally:
        await backend.close()
    pid = int(found[4:-1])
    await wait_until_gone(pid)


async def test_large_paste_arrives_whole(ws_base: str) -> None:
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    try:
        shell = await ready_shell(backend)
        await shell.run("stty raw -echo; echo PASTE$((1+1)); head -c 200000 | wc -c; stty sane", b"PASTE2")
        await backend.write(b"0123456789" * 20000)
        await shell.expect(re.compile(rb"\b200000\b"))
    finally:
        await backend.close()


async def test_close_ends_a_pending_read(ws_base: str) -> None:
    backend = VsayWebSocketBackend(f"{ws_base}/sess_1/ws", TOKEN)
    shell = await ready_shell(backend)
    reader = asyncio.ensure_future(shell.until_closed())
    await asyncio.sleep(0)
    await backend.close()
    closed = await asyncio.wait_for(reader, 10)
    assert closed.reason == "connection closed"
