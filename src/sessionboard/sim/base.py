"""What the five simulators share: the clock, the seeded generator, the API key check, the fault
and request log, the `/__sim__` control routes, and the app assembly. Each API module fills in its
routes, its error envelope and its auth rule."""

from __future__ import annotations

import hmac
import json
import random
import secrets
from typing import Any, ClassVar

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sessionboard.sim.clock import Clock, SystemClock, iso
from sessionboard.sim.faults import COMMON_MODES, Fault, FaultRequest, SimMiddleware

ENDED_KEPT = 200
"""Ended sessions a simulator keeps beyond those it was seeded with: the live demo's churn ends a
session every few seconds, and kept forever they made the simulators (and every poll's answer)
grow without end. The oldest ended go first; the seeded history stays until that many more ended."""
REQUEST_LOG = 1000
"""Requests the log keeps (the newest; the tests read the last few)."""

NOT_JSON = object()
"""What `read_json` answers for a body that is not JSON, so a handler can send its own 400."""


async def read_json(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return NOT_JSON


def keys_match(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def bearer(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class SimBase:
    """One simulated API. Subclasses set `kind`, build their state in `__init__` before calling
    `_build_app()`, and override the hooks below."""

    kind: ClassVar[str] = ""
    extra_faults: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, seed: int = 1, clock: Clock | None = None, api_key: str | None = None) -> None:
        self.seed = seed
        self.rng = random.Random(f"{self.kind}:{seed}")
        self.clock: Clock = clock or SystemClock()
        self.api_key: str = api_key or secrets.token_urlsafe(18)
        self._fault = Fault()
        self.requests: list[tuple[str, str]] = []
        self.in_flight = 0
        """HTTP requests being answered now, and the most at once (`peak_in_flight`): how a test
        sees that a client bounds its concurrency."""
        self.peak_in_flight = 0
        self.ended_limit: int | None = None
        """Ended sessions kept at most (`prune_ended`); set by each simulator once it is seeded."""

    def log_request(self, method: str, path: str) -> None:
        """Append to `requests`, dropping the older half past twice `REQUEST_LOG` (a live demo
        serves a request a second for as long as it runs)."""
        self.requests.append((method, path))
        if len(self.requests) > 2 * REQUEST_LOG:
            del self.requests[:-REQUEST_LOG]

    # -- faults --------------------------------------------------------------------------------
    @property
    def fault(self) -> Fault:
        return self._fault

    @fault.setter
    def fault(self, value: Fault) -> None:
        if value.mode not in COMMON_MODES | self.extra_faults:
            raise ValueError(f"the {self.kind} simulator has no {value.mode!r} fault")
        self._fault = value

    def take_fault(self) -> Fault:
        """The fault for this request, counting down a limited one."""
        fault = self._fault
        if fault.active and fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                self._fault = Fault()
        return fault

    # -- hooks ---------------------------------------------------------------------------------
    def authorized(self, headers: Headers) -> bool:
        return keys_match(bearer(headers), self.api_key)

    def error_response(self, status: int, message: str) -> Response:
        return JSONResponse({"error": message}, status_code=status)

    def auth_failure_response(self) -> Response:
        return self.error_response(401, "Unauthorized: missing or invalid API key")

    def server_error_response(self, status: int = 500) -> Response:
        return self.error_response(status, "Internal server error")

    def wrong_shape_response(self) -> Response:
        return JSONResponse({"status": "ok", "items": "see /v2 for the new format"})

    def routes(self) -> list[BaseRoute]:
        raise NotImplementedError

    def churn(self, rng: random.Random) -> None:
        """End one random active session and/or start a new one (the live demo calls this), then
        `prune_ended`."""
        raise NotImplementedError

    def ended_count(self) -> int:
        """How many ended sessions the simulator holds."""
        raise NotImplementedError

    def drop_oldest_ended(self, how_many: int) -> None:
        """Forget the `how_many` ended sessions that ended first."""
        raise NotImplementedError

    def prune_ended(self) -> None:
        """Keep at most `ended_limit` ended sessions (the ones that ended last)."""
        if self.ended_limit is None:
            self.ended_limit = self.ended_count() + ENDED_KEPT
        excess = self.ended_count() - self.ended_limit
        if excess > 0:
            self.drop_oldest_ended(excess)

    def now_iso(self) -> str:
        return iso(self.clock.now())

    # -- assembly ------------------------------------------------------------------------------
    def _build_app(self) -> Starlette:
        async def not_found(request: Request, exc: Exception) -> Response:
            status = exc.status_code if isinstance(exc, HTTPException) else 404
            return self.error_response(status, "Not found" if status == 404 else "Method not allowed")

        return Starlette(
            routes=self._control_routes() + self.routes(),
            middleware=[Middleware(SimMiddleware, sim=self)],
            exception_handlers={404: not_found, 405: not_found},
        )

    def _control_routes(self) -> list[BaseRoute]:
        async def get_fault(request: Request) -> Response:
            fault = self._fault
            return JSONResponse(
                {"mode": fault.mode, "delay": fault.delay, "times": fault.times, "status": fault.status}
            )

        async def set_fault(request: Request) -> Response:
            data = await read_json(request)
            try:
                parsed = FaultRequest.model_validate(data)
                self.fault = Fault(parsed.mode, parsed.delay, parsed.times, parsed.status)
            except ValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
                return JSONResponse({"error": problems}, status_code=400)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return await get_fault(request)

        async def get_requests(request: Request) -> Response:
            return JSONResponse([[method, path] for method, path in self.requests])

        async def clear_requests(request: Request) -> Response:
            self.requests.clear()
            return Response(status_code=204)

        return [
            Route("/__sim__/fault", get_fault, methods=["GET"]),
            Route("/__sim__/fault", set_fault, methods=["POST"]),
            Route("/__sim__/requests", get_requests, methods=["GET"]),
            Route("/__sim__/requests", clear_requests, methods=["DELETE"]),
        ]


def churn_plan(rng: random.Random, active: int, target: int) -> tuple[bool, bool]:
    """(end one, start one): random, but pulled back toward `target` active sessions so a demo left
    running for an hour neither empties nor floods."""
    if active == 0:
        return False, True
    if active > target * 1.25:
        return True, rng.random() < 0.3
    if active < target * 0.75:
        return rng.random() < 0.3, True
    roll = rng.random()
    return roll < 0.6, roll > 0.4
