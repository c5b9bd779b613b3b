"""A tiny provider server for the CLI's trust-boundary tests: real HTTP on loopback, each kind's
real envelope, and every string a person could be shown made of terminal controls (OSC 0 title,
OSC 52 clipboard, a screen wipe, CR, BS, C1 CSI, DEL, BEL) and Rich markup.

Mounts: `/vsay/v1` (list, get, logs in both formats, stats, create, close), `/agents` (list,
create, heartbeat), `/tasknet` (list, create, extend, close), `/broken` (every request a 500 whose
message is hostile). No auth check: these tests are about what comes back, not who asks.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from sessionboard.sim.layout import HOST, listening_socket
from sessionboard.sim.loop_thread import LoopThread

EVIL = "\x1b]0;PWNED\x07|\x1b]52;c;UFdO\x07|\x1b[2J|cr\r|bs\x08|c1\x9b31m|del\x7f|[@click=app.quit]Q[/]"
"""Every control a provider could use on an operator's terminal, and markup for good measure."""

FORBIDDEN = frozenset(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]) - {"\n", "\t"}
"""What may never reach stdout or stderr raw: C0 but newline and tab, DEL, C1."""

UUID_ID = "0b6f6a3e-8d2c-4a8e-9f10-3c4d5e6f7a8b"
URL_SAFE_EVIL = "task:\x9b31m|\u202e|[@click=app.quit]Q[/]"
"""Hostile, yet a string httpx puts in a URL path as it is today (it refuses raw C0 and DEL):
the agents heartbeat's path carries the session's task id."""


def evil(tag: str) -> str:
    return f"{tag}:{EVIL}"


def _vsay_session(sid: str) -> dict[str, Any]:
    return {
        "id": sid,
        "user": {"id": evil("uid"), "name": evil("user")},
        "machine": {"id": evil("mid"), "name": evil("machine"), "host": "127.0.0.1"},
        "status": "active",
        "started_at": "2026-01-15T12:00:00Z",
        "last_activity": evil("when"),
        "ip_address": evil("ip"),
    }


def _ok(data: Any) -> JSONResponse:
    return JSONResponse({"success": True, "data": data})


def vsay_app() -> Starlette:
    sid = evil("vsay-id")

    async def sessions(request: Request) -> Response:
        return _ok({"sessions": [_vsay_session(sid), {**_vsay_session("plain"), "started_at": evil("t")}]})

    async def one(request: Request) -> Response:
        return _ok(_vsay_session(request.path_params["sid"]))

    async def logs(request: Request) -> Response:
        # session "entries" answers as a server that ignores format=text would: entries, always
        if request.query_params.get("format") == "text" and request.path_params["sid"] != "entries":
            return _ok(f"2026-01-15T12:00:01Z command {EVIL}\n2026-01-15T12:00:02Z output line\r\nx{EVIL}")
        entries = [
            {"timestamp": evil("ts"), "type": evil("type"), "content": f"multi\nline {EVIL}"},
            {"timestamp": "2026-01-15T12:00:02Z", "type": "output", "content": EVIL},
        ]
        return _ok({"session_id": sid, "logs": entries})

    async def stats(request: Request) -> Response:
        return _ok(
            {
                "total_sessions": 3,
                "active_sessions": 1,
                "total_duration_hours": 1.5,
                "unique_users": 2,
                "top_machines": [
                    {"machine_id": evil("m1"), "name": evil("top"), "sessions_count": 3},
                    {"machine_id": evil("m2"), "name": None, "sessions_count": -4},
                ],
            }
        )

    async def create(request: Request) -> Response:
        return _ok({"session_id": sid, "websocket_url": "ws://127.0.0.1:9/ws", "token": "tok", "expires_at": evil("exp")})

    async def close(request: Request) -> Response:
        return JSONResponse({"success": True, "message": evil("closed")})

    return Starlette(
        routes=[
            Route("/sessions", sessions, methods=["GET"]),
            Route("/sessions", create, methods=["POST"]),
            Route("/sessions/stats", stats, methods=["GET"]),
            Route("/sessions/{sid:path}/logs", logs, methods=["GET"]),
            Route("/sessions/{sid:path}", one, methods=["GET"]),
            Route("/sessions/{sid:path}", close, methods=["DELETE"]),
        ]
    )


def _agent(sid: str, task: str | None = None) -> dict[str, Any]:
    return {
        "id": sid,
        "agentId": evil("agent"),
        "taskId": task or evil("task"),
        "triggerType": evil("trigger"),
        "providerSessionId": None,
        "createdAt": "2026-01-15T12:00:00Z",
        "lastHeartbeatAt": None,
    }


def agents_app() -> Starlette:
    async def listing(request: Request) -> Response:
        return JSONResponse([_agent("agent-run-1", URL_SAFE_EVIL), _agent(evil("agents-id"))])

    async def create(request: Request) -> Response:
        return JSONResponse(_agent(evil("new-agent")), status_code=201)

    async def heartbeat(request: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/api/active-sessions", listing, methods=["GET"]),
            Route("/api/active-sessions", create, methods=["POST"]),
            Route("/api/active-sessions/heartbeat/{task:path}", heartbeat, methods=["PUT"]),
        ]
    )


def _browser(sid: str) -> dict[str, Any]:
    return {
        "sessionUUID": sid,
        "fingerprintUUID": evil("fp"),
        "currentLeaseTime": 30,
        "isVncEnabled": True,
        "vncPassword": "hunter2",
        "createdAt": "2026-01-15T12:00:00Z",
        "updatedAt": "2026-01-15T12:00:00Z",
        "driver": evil("driver"),
        "status": "running",
        "vncMode": "rw",
    }


def tasknet_app() -> Starlette:
    async def listing(request: Request) -> Response:
        return JSONResponse({"sessions": [_browser(UUID_ID), _browser(evil("tasknet-id"))]})

    async def create(request: Request) -> Response:
        return JSONResponse(_browser(evil("created")))

    async def one(request: Request) -> Response:
        return JSONResponse(_browser(request.path_params["sid"]))

    async def extend(request: Request) -> Response:
        return JSONResponse(_browser(request.path_params["sid"]))

    async def close(request: Request) -> Response:
        return JSONResponse({"message": evil("terminated"), "code": "NOPE", "details": {}}, status_code=409)

    return Starlette(
        routes=[
            Route("/{mode}/v1/sessions", listing, methods=["GET"]),
            Route("/{mode}/v1/sessions", create, methods=["POST"]),
            Route("/{mode}/v1/sessions/{sid:path}", one, methods=["GET"]),
            Route("/{mode}/v1/sessions/{sid:path}", extend, methods=["PATCH"]),
            Route("/{mode}/v1/sessions/{sid:path}", close, methods=["DELETE"]),
        ]
    )


HUGE = 1_000_000
"""Characters of the error message `/huge` answers with."""


def broken_app(size: int = 0) -> Starlette:
    async def fail(request: Request) -> Response:
        return JSONResponse({"error": evil("error body") + "x" * size}, status_code=500)

    return Starlette(routes=[Route("/{rest:path}", fail, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])


def hostile_app() -> Starlette:
    return Starlette(
        routes=[
            Mount("/vsay/v1", app=vsay_app()),
            Mount("/agents", app=agents_app()),
            Mount("/tasknet", app=tasknet_app()),
            Mount("/broken", app=broken_app()),
            Mount("/huge", app=broken_app(HUGE)),
        ]
    )


class _Server(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextmanager
def serving() -> Iterator[int]:
    """The hostile server on a free loopback port, from a thread of this process; yields the port."""
    sock: socket.socket = listening_socket(0)
    port = int(sock.getsockname()[1])
    server = _Server(uvicorn.Config(hostile_app(), lifespan="off", log_level="warning", access_log=False))
    runner = LoopThread("hostile-cli")
    task: list[Any] = []

    async def start() -> None:
        import asyncio

        task.append(asyncio.create_task(server.serve(sockets=[sock])))
        while not server.started:
            await asyncio.sleep(0.01)

    async def stop() -> None:
        server.should_exit = True
        await task[0]

    runner.start(start, 10, late="the hostile server did not start")
    try:
        yield port
    finally:
        runner.stop(stop, 10)
        sock.close()


def config_text(port: int) -> str:
    base = f"http://{HOST}:{port}"
    return f"""
[app]
timeout = 5.0

[[providers]]
name = "ssh"
kind = "vsay"
base_url = "{base}/vsay/v1"
api_key = "k-vsay"
status = "all"

[[providers]]
name = "agents"
kind = "agents"
base_url = "{base}/agents"
api_key = "k-agents"

[[providers]]
name = "browsers"
kind = "tasknet"
base_url = "{base}/tasknet"
api_key = "k-tasknet"
mode = "live"

[[providers]]
name = "broken"
kind = "devices"
base_url = "{base}/broken"
api_key = "k-devices"

[[providers]]
name = "huge"
kind = "devices"
base_url = "{base}/huge"
api_key = "k-devices"
"""
