"""The devices API (seeds/devices-sessions.md): read-only, per organization, newest first, with a
`before` cursor.

Sessions are kept as ready-to-send dicts in creation order with a parallel list of instants, so a
page is one bisect and one slice: cheap even with thousands of sessions. An unknown
`X-Organization-Id` is a 403 `{"error": ...}`; the paging faults (`repeat_cursor`,
`endless_pages`) exist only here.
"""

from __future__ import annotations

import bisect
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sessionboard.sim import data
from sessionboard.sim.base import SimBase, churn_plan
from sessionboard.sim.clock import Clock, iso, parse_iso
from sessionboard.sim.faults import PAGING_MODES, Fault
from sessionboard.sim.layout import ORGANIZATIONS

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class Organization:
    """One organization's users, devices and sessions (oldest first)."""

    def __init__(self, org_id: str) -> None:
        self.id = org_id
        self.users: list[tuple[str, str]] = []
        """(user uuid, first name)."""
        self.devices: list[dict[str, str]] = []
        self.sessions: list[dict[str, Any]] = []
        self.created: list[datetime] = []
        self.by_id: dict[str, dict[str, Any]] = {}

    def append(self, session: dict[str, Any], created: datetime) -> None:
        self.sessions.append(session)
        self.created.append(created)
        self.by_id[session["id"]] = session

    def active(self) -> list[dict[str, Any]]:
        return [s for s in self.sessions if s["releasedAt"] is None]


class DevicesSim(SimBase):
    """`organizations` lists the org ids; the first is the default and holds `sessions` sessions,
    the others about a third as many each."""

    kind = "devices"
    extra_faults = PAGING_MODES

    def __init__(
        self,
        seed: int = 1,
        sessions: int = 20,
        clock: Clock | None = None,
        api_key: str | None = None,
        organizations: tuple[str, ...] = ORGANIZATIONS,
    ) -> None:
        super().__init__(seed, clock, api_key)
        if not organizations:
            raise ValueError("at least one organization is needed")
        self.orgs: dict[str, Organization] = {}
        for index, org_id in enumerate(organizations):
            org = Organization(org_id)
            self._seed_org(org, sessions if index == 0 else max(3, sessions // 3))
            self.orgs[org_id] = org
        self.default_org = organizations[0]
        self.target_active = {org.id: max(1, len(org.active())) for org in self.orgs.values()}
        self.app = self._build_app()

    # -- state ---------------------------------------------------------------------------------
    def _seed_org(self, org: Organization, count: int) -> None:
        rng, now = self.rng, self.clock.now()
        for _ in range(max(4, min(40, count // 3 + 3))):
            name, _email = data.person(rng)
            org.users.append((data.uuid4(rng), name.split()[0]))
        for _ in range(max(4, min(60, count // 2 + 3))):
            _user, first = rng.choice(org.users)
            org.devices.append({"id": f"dev-{data.hex_token(rng, 8)}", **data.device(rng, first)})
        moments: list[datetime] = []
        cursor = now - timedelta(seconds=rng.uniform(30, 600))
        for _ in range(count):
            moments.append(cursor.replace(microsecond=rng.randrange(0, 1000) * 1000))
            cursor -= timedelta(seconds=rng.uniform(20, 2400))
        busy: set[str] = set()
        for created in reversed(moments):
            held = timedelta(minutes=rng.uniform(5, 480))
            released = created + held if created + held < now else None
            session = self._session(org, created, rng, busy if released is None else None)
            if released is not None:
                session["releasedAt"] = iso(released, millis=True)
            org.append(session, created)

    def _session(
        self, org: Organization, created: datetime, rng: random.Random, busy: set[str] | None
    ) -> dict[str, Any]:
        choices = [d for d in org.devices if busy is None or d["id"] not in busy] or org.devices
        device = dict(rng.choice(choices))
        if busy is not None:
            busy.add(device["id"])
        user, _first = rng.choice(org.users)
        return {
            "id": data.uuid4(rng),
            "organization": org.id,
            "user": user,
            "device": device,
            "createdAt": iso(created, millis=True),
            "releasedAt": None,
        }

    def start(self, org_id: str | None = None, rng: random.Random | None = None) -> dict[str, Any]:
        """A new session in the org, created now (kept strictly newer than the last one, so the
        `before` cursor stays exact even on a frozen clock)."""
        rng = rng or self.rng
        org = self.orgs[org_id or self.default_org]
        now = self.clock.now()
        created = now.replace(microsecond=now.microsecond // 1000 * 1000)  # what createdAt shows
        if org.created and created <= org.created[-1]:
            created = org.created[-1] + timedelta(milliseconds=1)
        busy = {s["device"]["id"] for s in org.active()}
        session = self._session(org, created, rng, busy)
        org.append(session, created)
        return session

    def release(self, session_id: str) -> dict[str, Any]:
        """Raises KeyError for an unknown or already released session."""
        for org in self.orgs.values():
            session = org.by_id.get(session_id)
            if session is not None and session["releasedAt"] is None:
                session["releasedAt"] = iso(self.clock.now(), millis=True)
                return session
        raise KeyError(session_id)

    def churn(self, rng: random.Random) -> None:
        ids = list(self.orgs)
        org = self.orgs[ids[0] if rng.random() < 0.7 or len(ids) == 1 else rng.choice(ids[1:])]
        active = org.active()
        end, start = churn_plan(rng, len(active), self.target_active[org.id])
        if end and active:
            self.release(rng.choice(active)["id"])
        if start:
            self.start(org.id, rng)
        self.prune_ended()

    def ended_count(self) -> int:
        return sum(1 for org in self.orgs.values() for s in org.sessions if s["releasedAt"] is not None)

    def drop_oldest_ended(self, how_many: int) -> None:
        released = sorted(
            (s for org in self.orgs.values() for s in org.sessions if s["releasedAt"] is not None),
            key=lambda s: s["releasedAt"],  # one ISO format throughout: text order is time order
        )
        gone = {session["id"] for session in released[:how_many]}
        for org in self.orgs.values():
            kept = [(s, at) for s, at in zip(org.sessions, org.created) if s["id"] not in gone]
            org.sessions = [s for s, _ in kept]
            org.created = [at for _, at in kept]  # still in order: the `before` cursor stays exact
            for session_id in gone:
                org.by_id.pop(session_id, None)

    # -- HTTP ----------------------------------------------------------------------------------
    def _org(self, request: Request) -> Organization | Response:
        org_id = request.headers.get("x-organization-id")
        if org_id is None or not org_id.strip():
            return self.orgs[self.default_org]
        org = self.orgs.get(org_id.strip())
        if org is None:
            return self.error_response(403, f"You are not a member of organization {org_id.strip()}")
        return org

    def wrong_shape_response(self) -> Response:
        return JSONResponse({"object": "list", "data": {"sessions": "moved"}, "nextCursor": 42})

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v1/sessions", self._list, methods=["GET"]),
            Route("/api/v1/sessions/{session_id}", self._get, methods=["GET"]),
        ]

    async def _list(self, request: Request) -> Response:
        org = self._org(request)
        if isinstance(org, Response):
            return org
        raw_limit = request.query_params.get("limit")
        limit = DEFAULT_LIMIT
        if raw_limit is not None:
            try:
                limit = int(raw_limit)
            except ValueError:
                limit = 0
            if limit < 1:
                return self.error_response(400, "limit must be an integer from 1 to 500")
            limit = min(limit, MAX_LIMIT)
        raw_before = request.query_params.get("before")
        end = len(org.sessions)
        before: datetime | None = None
        if raw_before is not None:
            try:
                before = parse_iso(raw_before)
            except ValueError:
                return self.error_response(400, "before must be an RFC 3339 date-time")
            end = bisect.bisect_left(org.created, before)
        start = max(0, end - limit)
        page = org.sessions[start:end][::-1]
        body: dict[str, Any] = {"object": "list", "data": page}
        if start > 0:
            body["nextCursor"] = page[-1]["createdAt"]
        fault: Fault = request.state.sim_fault
        if fault.mode == "repeat_cursor":
            body["nextCursor"] = raw_before if raw_before is not None else (
                page[-1]["createdAt"] if page else iso(self.clock.now(), millis=True)
            )
        elif fault.mode == "endless_pages":
            if page:
                body["nextCursor"] = page[-1]["createdAt"]
            else:
                floor = before or self.clock.now()
                body["nextCursor"] = iso(floor - timedelta(seconds=1), millis=True)
        return JSONResponse(body)

    async def _get(self, request: Request) -> Response:
        org = self._org(request)
        if isinstance(org, Response):
            return org
        session_id = request.path_params["session_id"]
        try:
            uuid.UUID(session_id)
        except ValueError:
            return self.error_response(400, "sessionId must be a UUID")
        session = org.by_id.get(session_id)
        if session is None:
            return self.error_response(404, "Session not found")
        return JSONResponse(session)
