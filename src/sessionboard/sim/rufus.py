"""The RUFUS timing API (seeds/rufus-sessions.md): sessions on timing devices that count passings.

Every answer is wrapped as `{"body": {...}}`; a refused key is a 403 envelope (the reference lists
no 401); a 500 is `{"body": null}`. An active session's `passings` grow with the clock: each session
has its own pace, so the count is a pure function of time and needs no background task.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sessionboard.sim import data
from sessionboard.sim.base import NOT_JSON, SimBase, churn_plan, keys_match, read_json
from sessionboard.sim.clock import Clock, iso, iso_of
from sessionboard.sim.layout import rufus_device_ids

Access = Literal["READ", "WRITE", "READ_WRITE"]


@dataclass
class RufusSession:
    token_session: str
    alias: str
    deviceid: str
    created: datetime
    pace: float
    """Seconds between two passings."""
    first_after: float
    """Seconds from creation to the first passing."""
    closed_at: datetime | None = None
    by_api: bool = False
    """Created over HTTP: the demo's churn never closes it."""

    @property
    def active(self) -> bool:
        return self.closed_at is None

    def passings(self, now: datetime) -> int:
        end = self.closed_at or now
        span = (end - self.created).total_seconds() - self.first_after
        return 0 if span < 0 else int(span // self.pace) + 1

    def summary(self, now: datetime) -> dict[str, Any]:
        duration = None if self.closed_at is None else round((self.closed_at - self.created).total_seconds(), 1)
        return {
            "token_session": self.token_session,
            "alias": self.alias,
            "creation_date": iso_of(self, self.created),
            "duration": duration,
            "active": self.active,
            "passings": self.passings(now),
        }

    def details(self, now: datetime) -> dict[str, Any]:
        result = self.summary(now)
        count = result["passings"]
        first = self.created + timedelta(seconds=self.first_after)
        result["first"] = iso(first) if count else None
        result["last"] = iso(first + timedelta(seconds=self.pace * (count - 1))) if count else None
        return result


class RufusSim(SimBase):
    """`devices` timing devices `RUF-001`...; at most one active session per device (else 409).

    `access` is what the API key may do: READ keys get 403 on create/close, WRITE keys on reads.
    """

    kind = "rufus"

    def __init__(
        self,
        seed: int = 1,
        sessions: int = 20,
        clock: Clock | None = None,
        api_key: str | None = None,
        devices: int | None = None,
        access: Access = "READ_WRITE",
    ) -> None:
        super().__init__(seed, clock, api_key)
        self.access: Access = access
        self.device_ids = rufus_device_ids(sessions, devices)
        self.by_device: dict[str, list[RufusSession]] = {device: [] for device in self.device_ids}
        self.sessions: dict[str, RufusSession] = {}
        self._created = 0
        self._seed_sessions(sessions)
        self.target_active = max(1, sum(1 for s in self.sessions.values() if s.active))
        self.app = self._build_app()

    # -- state ---------------------------------------------------------------------------------
    def _new(self, deviceid: str, alias: str, created: datetime, rng: random.Random) -> RufusSession:
        self._created += 1
        session = RufusSession(
            token_session=data.hex_token(rng, 32),
            alias=alias,
            deviceid=deviceid,
            created=created,
            pace=rng.uniform(4.0, 45.0),
            first_after=rng.uniform(2.0, 90.0),
        )
        self.sessions[session.token_session] = session
        return session

    def _seed_sessions(self, count: int) -> None:
        rng, now = self.rng, self.clock.now()
        per_device = {device: 0 for device in self.device_ids}
        for index in range(count):
            device = self.device_ids[index % len(self.device_ids)] if index < len(self.device_ids) else rng.choice(
                self.device_ids
            )
            per_device[device] += 1
        for device_index, (device, how_many) in enumerate(per_device.items()):
            timeline: list[RufusSession] = []
            cursor = now - timedelta(minutes=rng.uniform(3, 150))
            active_last = rng.random() < 0.75 or device_index % 2 == 0
            for position in range(how_many):
                newest = position == 0
                if newest and active_last:
                    session = self._new(device, data.alias(rng), cursor, rng)
                else:
                    length = timedelta(minutes=rng.uniform(8, 120))
                    end = cursor if not newest else now - timedelta(minutes=rng.uniform(1, 60))
                    session = self._new(device, data.alias(rng), end - length, rng)
                    session.closed_at = end
                timeline.append(session)
                cursor = session.created - timedelta(minutes=rng.uniform(5, 600))
            timeline.reverse()
            self.by_device[device] = timeline

    def active_session(self, deviceid: str) -> RufusSession | None:
        timeline = self.by_device.get(deviceid) or []
        return timeline[-1] if timeline and timeline[-1].active else None

    def create(self, deviceid: str, alias: str | None = None, by_api: bool = False) -> RufusSession:
        """Raises KeyError for an unknown device, ValueError when one is active already."""
        if deviceid not in self.by_device:
            raise KeyError(deviceid)
        if self.active_session(deviceid) is not None:
            raise ValueError(deviceid)
        session = self._new(deviceid, alias or f"session {self._created + 1}", self.clock.now(), self.rng)
        session.by_api = by_api
        self.by_device[deviceid].append(session)
        return session

    def close(self, token: str) -> RufusSession:
        """Raises KeyError when no active session has this token."""
        session = self.sessions.get(token)
        if session is None or not session.active:
            raise KeyError(token)
        session.closed_at = self.clock.now()
        return session

    def churn(self, rng: random.Random) -> None:
        active = [s for s in self.sessions.values() if s.active and not s.by_api]
        end, start = churn_plan(rng, len(active), self.target_active)
        if end and active:
            self.close(rng.choice(active).token_session)
        if start:
            free = [device for device in self.device_ids if self.active_session(device) is None]
            if free:
                self.create(rng.choice(free), data.alias(rng))
        self.prune_ended()

    def ended_count(self) -> int:
        return sum(1 for session in self.sessions.values() if not session.active)

    def drop_oldest_ended(self, how_many: int) -> None:
        closed = sorted((s for s in self.sessions.values() if s.closed_at is not None), key=lambda s: s.closed_at)  # type: ignore[arg-type,return-value]
        gone = {session.token_session for session in closed[:how_many]}
        for token in gone:
            del self.sessions[token]
        for device, timeline in self.by_device.items():
            self.by_device[device] = [session for session in timeline if session.token_session not in gone]

    # -- HTTP ----------------------------------------------------------------------------------
    def authorized(self, headers: Headers) -> bool:
        return keys_match(headers.get("x-api-key") or headers.get("api_key"), self.api_key)

    def error_response(self, status: int, message: str) -> Response:
        return JSONResponse({"body": {"description": message}}, status_code=status)

    def auth_failure_response(self) -> Response:
        return self.error_response(403, "Forbidden: invalid API key")

    def server_error_response(self, status: int = 500) -> Response:
        return JSONResponse({"body": None}, status_code=status)

    def wrong_shape_response(self) -> Response:
        return JSONResponse({"body": {"description": "Sessions found", "result": {"count": 3}}})

    def _refuse(self, write: bool) -> Response | None:
        if write and self.access == "READ":
            return self.error_response(403, "Forbidden: this API key has READ access only")
        if not write and self.access == "WRITE":
            return self.error_response(403, "Forbidden: this API key has WRITE access only")
        return None

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/sessions", self._create, methods=["POST"]),
            Route("/sessions/device/{deviceid}", self._list, methods=["GET"]),
            Route("/sessions/device/{deviceid}/active", self._list_active, methods=["GET"]),
            Route("/sessions/close/{token_session}", self._close, methods=["PATCH"]),
            Route("/sessions/{token_session}", self._get, methods=["GET"]),
        ]

    async def _list(self, request: Request) -> Response:
        if (refused := self._refuse(write=False)) is not None:
            return refused
        deviceid = request.path_params["deviceid"]
        if deviceid not in self.by_device:
            return self.error_response(404, f"Device {deviceid} not found")
        now = self.clock.now()
        result = [session.summary(now) for session in reversed(self.by_device[deviceid])]
        return JSONResponse({"body": {"description": "Sessions found", "result": result}})

    async def _list_active(self, request: Request) -> Response:
        if (refused := self._refuse(write=False)) is not None:
            return refused
        deviceid = request.path_params["deviceid"]
        if deviceid not in self.by_device:
            return self.error_response(404, f"Device {deviceid} not found")
        session = self.active_session(deviceid)
        result = [session.summary(self.clock.now())] if session else []
        description = "Active session found" if session else "No active session"
        return JSONResponse({"body": {"description": description, "result": result}})

    async def _get(self, request: Request) -> Response:
        if (refused := self._refuse(write=False)) is not None:
            return refused
        session = self.sessions.get(request.path_params["token_session"])
        if session is None:
            return self.error_response(404, "Session not found")
        return JSONResponse({"body": {"description": "Session found", "result": [session.details(self.clock.now())]}})

    async def _create(self, request: Request) -> Response:
        if (refused := self._refuse(write=True)) is not None:
            return refused
        body = await read_json(request)
        if body is NOT_JSON or not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object")
        unknown = sorted(set(body) - {"deviceid", "alias"})
        if unknown:
            return self.error_response(400, f"Unknown properties: {', '.join(unknown)}")
        deviceid, alias = body.get("deviceid"), body.get("alias")
        if not isinstance(deviceid, str) or not deviceid:
            return self.error_response(400, "deviceid is required and must be a string")
        if alias is not None and not isinstance(alias, str):
            return self.error_response(400, "alias must be a string")
        try:
            session = self.create(deviceid, alias, by_api=True)
        except KeyError:
            return self.error_response(404, f"Device {deviceid} not found")
        except ValueError:
            return JSONResponse({"body": None}, status_code=409)
        return JSONResponse(
            {"body": {"description": "Session inserted succesfully", "token_session": session.token_session}},
            status_code=201,
        )

    async def _close(self, request: Request) -> Response:
        if (refused := self._refuse(write=True)) is not None:
            return refused
        token = request.path_params["token_session"]
        try:
            self.close(token)
        except KeyError:
            known = token in self.sessions
            return self.error_response(404, "Session already closed" if known else "Session not found")
        return JSONResponse({"body": {"description": "Session closed succesfully", "token_session": token}})
