"""The agents active-sessions API (seeds/agents-active-sessions.md), with the response shapes
PROVIDERS.md assumes: a JSON array of `{id, agentId, taskId, triggerType, providerSessionId,
createdAt, lastHeartbeatAt}`, errors as `{"error": ...}`, Bearer auth.

Seeded sessions are either kept alive (the live demo's churn heartbeats them) or left stale with an
old heartbeat, so the console has something to mark stale and `cleanup` has something to remove.
A session created over HTTP gets one heartbeat at creation and then only the ones the user sends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sessionboard.sim import data
from sessionboard.sim.base import NOT_JSON, SimBase, churn_plan, read_json
from sessionboard.sim.clock import Clock, iso_of
from sessionboard.sim.layout import STALE_AFTER


@dataclass
class AgentSession:
    id: str
    agent_id: str
    task_id: str
    trigger_type: str
    created: datetime
    heartbeat: datetime | None
    provider_session_id: str | None = None
    alive: bool = False
    """Whether the demo's churn keeps heartbeating it (not part of the API)."""

    def last_seen(self) -> datetime:
        return self.heartbeat or self.created

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "agentId": self.agent_id,
            "taskId": self.task_id,
            "triggerType": self.trigger_type,
            "providerSessionId": self.provider_session_id,
            "createdAt": iso_of(self, self.created),
            "lastHeartbeatAt": iso_of(self, self.heartbeat) if self.heartbeat else None,
        }


class AgentsSim(SimBase):
    """`stale_after` (seconds) is what `POST /api/active-sessions/cleanup` uses."""

    kind = "agents"

    def __init__(
        self,
        seed: int = 1,
        sessions: int = 20,
        clock: Clock | None = None,
        api_key: str | None = None,
        stale_after: float = STALE_AFTER,
        agents: int | None = None,
    ) -> None:
        super().__init__(seed, clock, api_key)
        self.stale_after = stale_after
        rng = self.rng
        self.agent_ids = [data.uuid4(rng) for _ in range(agents if agents is not None else min(max(3, sessions // 4), 12))]
        self.sessions: dict[str, AgentSession] = {}
        self.by_task: dict[str, str] = {}
        self._seed_sessions(sessions)
        self.target_active = max(1, sum(1 for s in self.sessions.values() if s.alive))
        self.app = self._build_app()

    # -- state ---------------------------------------------------------------------------------
    def _add(self, session: AgentSession) -> AgentSession:
        self.sessions[session.id] = session
        self.by_task[session.task_id] = session.id
        return session

    def _new(self, rng: random.Random, created: datetime, agent_id: str | None = None, trigger: str | None = None) -> AgentSession:
        return AgentSession(
            id=data.uuid4(rng),
            agent_id=agent_id or rng.choice(self.agent_ids),
            task_id=data.uuid4(rng),
            trigger_type=trigger or data.trigger(rng),
            created=created,
            heartbeat=created,
            provider_session_id=f"ps_{data.hex_token(rng, 16)}" if rng.random() < 0.6 else None,
        )

    def _seed_sessions(self, count: int) -> None:
        rng, now = self.rng, self.clock.now()
        ages = sorted((rng.uniform(0.5, 360) for _ in range(count)), reverse=True)
        for age_minutes in ages:
            session = self._new(rng, now - timedelta(minutes=age_minutes))
            roll = rng.random()
            if age_minutes < 1.5 and roll < 0.5:
                session.heartbeat = None
                session.alive = True
            elif roll < 0.22 and age_minutes * 60 > self.stale_after + 60:
                last_beat = rng.uniform(0, age_minutes * 60 - self.stale_after - 30)
                session.heartbeat = session.created + timedelta(seconds=last_beat)
            else:
                session.heartbeat = max(session.created, now - timedelta(seconds=rng.uniform(1, 60)))
                session.alive = True
            self._add(session)

    def create(self, agent_id: str, trigger_type: str) -> AgentSession:
        now = self.clock.now()
        return self._add(self._new(self.rng, now, agent_id, trigger_type))

    def delete(self, session_id: str) -> AgentSession:
        """Raises KeyError for an unknown id."""
        session = self.sessions.pop(session_id)
        if self.by_task.get(session.task_id) == session_id:
            del self.by_task[session.task_id]
        return session

    def by_task_id(self, task_id: str) -> AgentSession:
        """Raises KeyError when no session runs this task."""
        return self.sessions[self.by_task[task_id]]

    def heartbeat(self, task_id: str) -> AgentSession:
        session = self.by_task_id(task_id)
        session.heartbeat = self.clock.now()
        return session

    def stale(self) -> list[AgentSession]:
        limit = self.clock.now() - timedelta(seconds=self.stale_after)
        return [s for s in self.sessions.values() if s.last_seen() < limit]

    def cleanup(self) -> list[str]:
        removed = [s.id for s in self.stale()]
        for session_id in removed:
            self.delete(session_id)
        return removed

    def churn(self, rng: random.Random) -> None:
        now = self.clock.now()
        alive = [s for s in self.sessions.values() if s.alive]
        for session in alive:
            if rng.random() < 0.7:
                session.heartbeat = now
        end, start = churn_plan(rng, len(alive), self.target_active)
        if end and alive:
            self.delete(rng.choice(alive).id)
        if start:
            session = self._new(rng, now)
            session.alive = True
            self._add(session)
        self.prune_ended()

    def ended_count(self) -> int:
        """Ended agents' sessions are deleted; the stale ones stay listed until a cleanup."""
        return len(self.stale())

    def drop_oldest_ended(self, how_many: int) -> None:
        for session in sorted(self.stale(), key=AgentSession.last_seen)[:how_many]:
            self.delete(session.id)

    # -- HTTP ----------------------------------------------------------------------------------
    def wrong_shape_response(self) -> Response:
        return JSONResponse({"activeSessions": {"count": 2}})

    def routes(self) -> list[BaseRoute]:
        base = "/api/active-sessions"
        return [
            Route(base, self._list, methods=["GET"]),
            Route(base, self._create, methods=["POST"]),
            Route(f"{base}/cleanup", self._cleanup, methods=["POST"]),
            Route(f"{base}/by-task/{{task_id}}", self._delete_by_task, methods=["DELETE"]),
            Route(f"{base}/heartbeat/{{task_id}}", self._heartbeat, methods=["PUT"]),
            Route(f"{base}/provider-session/{{task_id}}", self._provider_session, methods=["PUT"]),
            Route(f"{base}/{{session_id}}", self._delete, methods=["DELETE"]),
        ]

    async def _list(self, request: Request) -> Response:
        agent_id = request.query_params.get("agentId")
        result = [
            s.to_json() for s in reversed(self.sessions.values()) if agent_id is None or s.agent_id == agent_id
        ]
        return JSONResponse(result)

    async def _create(self, request: Request) -> Response:
        body = await read_json(request)
        if body is NOT_JSON or not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object")
        for key in ("agentId", "triggerType"):
            if not isinstance(body.get(key), str) or not body[key].strip():
                return self.error_response(400, f"{key} is required and must be a non-empty string")
        session = self.create(body["agentId"].strip(), body["triggerType"].strip())
        return JSONResponse(session.to_json(), status_code=201)

    async def _delete(self, request: Request) -> Response:
        try:
            self.delete(request.path_params["session_id"])
        except KeyError:
            return self.error_response(404, "Session not found")
        return Response(status_code=204)

    async def _delete_by_task(self, request: Request) -> Response:
        try:
            session = self.by_task_id(request.path_params["task_id"])
        except KeyError:
            return self.error_response(404, "No active session for this task")
        self.delete(session.id)
        return Response(status_code=204)

    async def _heartbeat(self, request: Request) -> Response:
        try:
            session = self.heartbeat(request.path_params["task_id"])
        except KeyError:
            return self.error_response(404, "No active session for this task")
        return JSONResponse(session.to_json())

    async def _provider_session(self, request: Request) -> Response:
        body = await read_json(request)
        if body is NOT_JSON or not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object")
        value = body.get("providerSessionId")
        if not isinstance(value, str) or not value.strip():
            return self.error_response(400, "providerSessionId is required and must be a non-empty string")
        try:
            session = self.by_task_id(request.path_params["task_id"])
        except KeyError:
            return self.error_response(404, "No active session for this task")
        session.provider_session_id = value.strip()
        return JSONResponse(session.to_json())

    async def _cleanup(self, request: Request) -> Response:
        body = await read_json(request)
        if body is NOT_JSON or (body is not None and not isinstance(body, dict)):
            return self.error_response(400, "Request body must be a JSON object")
        removed = self.cleanup()
        return JSONResponse({"removed": len(removed), "ids": removed})
