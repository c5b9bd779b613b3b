"""Fault injection shared by every simulator: the ways a real provider misbehaves (a 500, an HTML
login page, truncated JSON, an unexpected shape, a slow answer, a revoked key, a pager that never
ends), switchable from Python or over HTTP so a test can break one provider of a running cluster."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import Headers
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from sessionboard.sim.base import SimBase

FaultMode = Literal[
    "none", "500", "html", "invalid_json", "wrong_shape", "slow", "refuse_auth", "repeat_cursor", "endless_pages"
]
COMMON_MODES: frozenset[str] = frozenset({"none", "500", "html", "invalid_json", "wrong_shape", "slow", "refuse_auth"})
PAGING_MODES: frozenset[str] = frozenset({"repeat_cursor", "endless_pages"})
ALL_MODES = COMMON_MODES | PAGING_MODES

HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Sign in - Corporate SSO</title></head>\n"
    "<body><h1>Your session has expired</h1><form method=\"post\" action=\"/login\">"
    "<input name=\"user\"><input type=\"password\" name=\"password\"></form></body></html>\n"
)
TRUNCATED_JSON = b'{"sessions": [{"id": "3f0c2a9e-1b7d-4c3e-9a61-0f'


@dataclass
class Fault:
    """What the simulator does to the next requests.

    `delay` is for `slow` (seconds before the normal answer). `times` limits the fault to that many
    requests, after which the simulator heals itself (None: until changed), so a test can check that
    a provider recovers. `status` overrides the status code of `500` and `html` answers.
    """

    mode: str = "none"
    delay: float = 2.0
    times: int | None = None
    status: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in ALL_MODES:
            raise ValueError(f"unknown fault mode {self.mode!r}; use one of: {', '.join(sorted(ALL_MODES))}")
        if not 0 <= self.delay <= 600:
            raise ValueError("delay must be between 0 and 600 seconds")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or absent for 'until changed')")

    @property
    def active(self) -> bool:
        return self.mode != "none"


class FaultRequest(BaseModel):
    """The body of `POST {mount}/__sim__/fault`."""

    model_config = ConfigDict(extra="forbid")
    mode: str
    delay: float = Field(2.0, ge=0, le=600)
    times: int | None = Field(None, ge=1)
    status: int | None = Field(None, ge=100, le=599)


def route_path(scope: Scope) -> str:
    """The path as the API reference writes it: without the mount prefix of the cluster."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path


def generic_fault_response(sim: SimBase, fault: Fault) -> Response | None:
    """The answer a fault replaces the normal one with, or None when the request goes through."""
    if fault.mode == "500":
        return sim.server_error_response(fault.status or 500)
    if fault.mode == "html":
        return HTMLResponse(HTML_PAGE, status_code=fault.status or 200)
    if fault.mode == "invalid_json":
        return Response(TRUNCATED_JSON, status_code=200, media_type="application/json")
    if fault.mode == "wrong_shape":
        return sim.wrong_shape_response()
    if fault.mode == "refuse_auth":
        return sim.auth_failure_response()
    return None


class SimMiddleware:
    """Logs each request, applies the fault of the moment, then checks the API key.

    `/__sim__/...` control routes skip all three; WebSocket connections are logged (method
    `WEBSOCKET`) and otherwise left to their route, which authenticates by its own message.
    """

    def __init__(self, app: ASGIApp, sim: SimBase) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        if path.startswith("/__sim__"):
            await self.app(scope, receive, send)
            return
        self.sim.log_request(scope.get("method", "WEBSOCKET") if scope["type"] == "http" else "WEBSOCKET", path)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        self.sim.in_flight += 1
        self.sim.peak_in_flight = max(self.sim.peak_in_flight, self.sim.in_flight)
        try:
            await self._answer(scope, receive, send)
        finally:
            self.sim.in_flight -= 1

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        fault = self.sim.take_fault()
        state: dict[str, Any] = scope.setdefault("state", {})
        state["sim_fault"] = fault
        if fault.mode == "slow":
            await asyncio.sleep(fault.delay)
        else:
            response = generic_fault_response(self.sim, fault)
            if response is not None:
                await response(scope, receive, send)
                return
        if not self.sim.authorized(Headers(scope=scope)):
            await self.sim.auth_failure_response()(scope, receive, send)
            return
        await self.app(scope, receive, send)
