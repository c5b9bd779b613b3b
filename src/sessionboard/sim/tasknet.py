"""The tasknet browser-session API (seeds/tasknet-sessions.md): sessions under `/{mode}/v1/sessions`,
`X-Api-Key` auth, `BaseError` `{message, code, details}` errors.

A lease runs from `updatedAt` for `currentLeaseTime` minutes (PROVIDERS.md); a running session
whose lease has passed is `terminated` at the next request, so a FixedClock moved past it is all a
test needs. The list holds terminated sessions too (their `status` says so). DELETE and expiry
leave `updatedAt` as it was, so the lease end a client computes stays where it was.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sessionboard.sim import data
from sessionboard.sim.base import NOT_JSON, SimBase, churn_plan, keys_match, read_json
from sessionboard.sim.clock import Clock, iso_of
from sessionboard.sim.layout import TASKNET_MODES

CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 500: "INTERNAL_ERROR"}
LEASES = (5, 10, 15, 20, 30, 45, 60)
CREATE_HEADERS = ("x-fingerprint-secret", "x-environment-id", "x-environment-secret")


@dataclass
class BrowserSession:
    session_uuid: str
    fingerprint_uuid: str
    lease: int
    vnc_enabled: bool
    vnc_password: str | None
    vnc_mode: str
    driver: str
    created: datetime
    updated: datetime
    status: str = "running"
    show_mouse: bool = False
    proxy: bool = False
    by_api: bool = False
    """Created over HTTP: the demo's churn never terminates it (its lease still runs out)."""

    @property
    def expires(self) -> datetime:
        return self.updated + timedelta(minutes=self.lease)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "sessionUUID": self.session_uuid,
            "fingerprintUUID": self.fingerprint_uuid,
            "currentLeaseTime": self.lease,
            "isVncEnabled": self.vnc_enabled,
            "createdAt": iso_of(self, self.created),
            "updatedAt": iso_of(self, self.updated),
            "driver": self.driver,
            "status": self.status,
            "vncMode": self.vnc_mode,
        }
        if self.vnc_password is not None:
            result["vncPassword"] = self.vnc_password
        return result


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class TasknetSim(SimBase):
    """`modes` are the valid `{mode}` path segments; the first holds `sessions` sessions, the others
    a few each. `create_headers` records the fingerprint/environment headers each create carried."""

    kind = "tasknet"

    def __init__(
        self,
        seed: int = 1,
        sessions: int = 20,
        clock: Clock | None = None,
        api_key: str | None = None,
        modes: tuple[str, ...] = TASKNET_MODES,
    ) -> None:
        super().__init__(seed, clock, api_key)
        if not modes:
            raise ValueError("at least one mode is needed")
        self.modes: dict[str, dict[str, BrowserSession]] = {mode: {} for mode in modes}
        self.create_headers: list[dict[str, str]] = []
        for index, mode in enumerate(modes):
            self._seed_mode(mode, sessions if index == 0 else min(3, sessions))
        first = self.modes[modes[0]]
        self.target_active = max(1, sum(1 for s in first.values() if s.status == "running"))
        self.app = self._build_app()

    # -- state ---------------------------------------------------------------------------------
    def _new(self, rng: random.Random, created: datetime, lease: int, vnc: bool, vnc_mode: str, driver: str,
             fingerprint: str | None = None) -> BrowserSession:
        return BrowserSession(
            session_uuid=data.uuid4(rng),
            fingerprint_uuid=fingerprint or data.uuid4(rng),
            lease=lease,
            vnc_enabled=vnc,
            vnc_password=data.word_token(rng, 10) if vnc else None,
            vnc_mode=vnc_mode,
            driver=driver,
            created=created.replace(microsecond=0),
            updated=created.replace(microsecond=0),
        )

    def _random(self, rng: random.Random, created: datetime) -> BrowserSession:
        return self._new(
            rng,
            created,
            rng.choice(LEASES),
            rng.random() < 0.6,
            "rw" if rng.random() < 0.7 else "ro",
            "puppeteer" if rng.random() < 0.65 else "api",
        )

    def _seed_mode(self, mode: str, count: int) -> None:
        rng, now = self.rng, self.clock.now()
        store = self.modes[mode]
        plans: list[tuple[datetime, BrowserSession]] = []
        for _ in range(count):
            if rng.random() < 0.55:
                session = self._random(rng, now)
                # At least three minutes left, so a test run never sees a seeded lease run out.
                updated = now - timedelta(minutes=rng.uniform(0.1, max(0.2, session.lease - 3)))
                session.updated = updated.replace(microsecond=0)
                created = session.updated - timedelta(minutes=rng.choice((0, 0, rng.uniform(1, 40))))
                session.created = created.replace(microsecond=0)
            else:
                session = self._random(rng, now)
                session.created = (now - timedelta(minutes=rng.uniform(70, 24 * 60))).replace(microsecond=0)
                updated = session.created + timedelta(minutes=rng.choice((0, rng.uniform(1, 30))))
                session.updated = updated.replace(microsecond=0)
                session.status = "terminated"
            plans.append((session.created, session))
        for _created, session in sorted(plans, key=lambda item: item[0]):
            store[session.session_uuid] = session

    def expire(self) -> None:
        """Terminate every running session whose lease has passed."""
        now = self.clock.now()
        for store in self.modes.values():
            for session in store.values():
                if session.status == "running" and session.expires <= now:
                    session.status = "terminated"

    def create(self, mode: str, lease: int, vnc: bool = True, vnc_mode: str = "rw", driver: str = "puppeteer",
               fingerprint: str | None = None, show_mouse: bool = False, proxy: bool = False) -> BrowserSession:
        session = self._new(self.rng, self.clock.now(), lease, vnc, vnc_mode, driver, fingerprint)
        session.show_mouse, session.proxy, session.by_api = show_mouse, proxy, True
        self.modes[mode][session.session_uuid] = session
        return session

    def churn(self, rng: random.Random) -> None:
        self.expire()
        store = next(iter(self.modes.values()))
        running = [s for s in store.values() if s.status == "running" and not s.by_api]
        end, start = churn_plan(rng, len(running), self.target_active)
        if end and running:
            rng.choice(running).status = "terminated"
        if start:
            session = self._random(rng, self.clock.now())
            store[session.session_uuid] = session
        self.prune_ended()

    def ended_count(self) -> int:
        return sum(1 for store in self.modes.values() for s in store.values() if s.status != "running")

    def drop_oldest_ended(self, how_many: int) -> None:
        ended = sorted(
            ((mode, s) for mode, store in self.modes.items() for s in store.values() if s.status != "running"),
            key=lambda item: (item[1].updated, item[1].created),  # the end itself is not recorded
        )
        for mode, session in ended[:how_many]:
            del self.modes[mode][session.session_uuid]

    # -- HTTP ----------------------------------------------------------------------------------
    def authorized(self, headers: Headers) -> bool:
        return keys_match(headers.get("x-api-key"), self.api_key)

    def error_response(self, status: int, message: str, code: str | None = None, details: Any = None) -> Response:
        body = {"message": message, "code": code or CODES.get(status, "ERROR"), "details": details}
        return JSONResponse(body, status_code=status)

    def auth_failure_response(self) -> Response:
        return self.error_response(401, "Invalid or missing API key")

    def wrong_shape_response(self) -> Response:
        return JSONResponse({"sessions": {"running": 3, "terminated": 1}})

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/{mode}/v1/sessions", self._list, methods=["GET"]),
            Route("/{mode}/v1/sessions", self._create, methods=["POST"]),
            Route("/{mode}/v1/sessions/{session_uuid}", self._get, methods=["GET"]),
            Route("/{mode}/v1/sessions/{session_uuid}", self._delete, methods=["DELETE"]),
            Route("/{mode}/v1/sessions/{session_uuid}", self._patch, methods=["PATCH"]),
        ]

    def _store(self, request: Request) -> dict[str, BrowserSession] | Response:
        mode = request.path_params["mode"]
        if mode not in self.modes:
            return self.error_response(404, f"Unknown mode '{mode}'; use one of: {', '.join(self.modes)}")
        self.expire()
        return self.modes[mode]

    def _session(self, request: Request) -> BrowserSession | Response:
        store = self._store(request)
        if isinstance(store, Response):
            return store
        session_uuid = request.path_params["session_uuid"]
        try:
            uuid.UUID(session_uuid)
        except ValueError:
            return self.error_response(400, "sessionUUID must be a UUID", "INVALID_UUID")
        session = store.get(session_uuid)
        if session is None:
            return self.error_response(404, "Session not found")
        return session

    async def _list(self, request: Request) -> Response:
        store = self._store(request)
        if isinstance(store, Response):
            return store
        return JSONResponse({"sessions": [s.to_json() for s in store.values()]})

    async def _get(self, request: Request) -> Response:
        session = self._session(request)
        return session if isinstance(session, Response) else JSONResponse(session.to_json())

    async def _create(self, request: Request) -> Response:
        store = self._store(request)
        if isinstance(store, Response):
            return store
        body = await read_json(request)
        if body is NOT_JSON or not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object", "VALIDATION_ERROR")
        problems: list[dict[str, str]] = []
        lease = body.get("leaseTime")
        if not _is_int(lease) or not 1 <= lease <= 60:
            problems.append({"field": "leaseTime", "message": "required, an integer from 1 to 60 (minutes)"})
        if not isinstance(body.get("isVncEnabled"), bool):
            problems.append({"field": "isVncEnabled", "message": "required, a boolean"})
        if body.get("vncMode") not in ("rw", "ro"):
            problems.append({"field": "vncMode", "message": "required, one of rw, ro"})
        if body.get("driver") not in ("puppeteer", "api"):
            problems.append({"field": "driver", "message": "required, one of puppeteer, api"})
        fingerprint = body.get("fingerprintUUID")
        if fingerprint is not None:
            try:
                uuid.UUID(str(fingerprint))
            except ValueError:
                problems.append({"field": "fingerprintUUID", "message": "must be a UUID"})
        for flag in ("showMouse", "isProxyEnabled"):
            if flag in body and not isinstance(body[flag], bool):
                problems.append({"field": flag, "message": "must be a boolean"})
        if problems:
            return self.error_response(400, "Invalid request body", "VALIDATION_ERROR", problems)
        self.create_headers.append({name: request.headers[name] for name in CREATE_HEADERS if name in request.headers})
        session = self.create(
            request.path_params["mode"],
            lease,
            body["isVncEnabled"],
            body["vncMode"],
            body["driver"],
            str(fingerprint) if fingerprint is not None else None,
            bool(body.get("showMouse", False)),
            bool(body.get("isProxyEnabled", False)),
        )
        return JSONResponse(session.to_json())

    async def _delete(self, request: Request) -> Response:
        session = self._session(request)
        if isinstance(session, Response):
            return session
        if session.status != "running":
            return self.error_response(400, "Session is already terminated", "SESSION_TERMINATED")
        session.status = "terminated"
        return JSONResponse({})

    async def _patch(self, request: Request) -> Response:
        session = self._session(request)
        if isinstance(session, Response):
            return session
        body = await read_json(request)
        if body is NOT_JSON or not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object", "VALIDATION_ERROR")
        lease = body.get("newLeaseTime")
        if not _is_int(lease) or not 1 <= lease <= 60:
            return self.error_response(
                400, "Invalid request body", "VALIDATION_ERROR",
                [{"field": "newLeaseTime", "message": "required, an integer from 1 to 60 (minutes)"}],
            )
        if session.status != "running":
            return self.error_response(400, "Session is terminated; its lease cannot change", "SESSION_TERMINATED")
        session.lease = lease
        session.updated = self.clock.now().replace(microsecond=0)
        return JSONResponse({})
