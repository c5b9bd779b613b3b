"""The vsay SSH-session API (seeds/vsay-sessions.md): `{"success": true, "data": ...}` envelopes,
`{"success": false, "message": ...}` errors, Bearer auth, and a WebSocket terminal per session.

An active session's log grows with the clock: command k of a session runs at
`started + 2 s + k * pace` and its output follows a second later, drawn from a seeded list, so the
log, `commands_count` and `last_activity` are pure functions of time (no background task, any
number of sessions). Every machine's `host` is `ssh_host`, so the demo can point SSH attach at a
local server.

`GET /sessions/:id/logs?format=text` answers the same envelope with `data.logs` as one string, one
entry per line as `TIMESTAMP TYPE CONTENT` (an output's own newlines are kept). Logs return the
newest 500 entries.
"""

from __future__ import annotations

import logging
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from sessionboard.sim import data
from sessionboard.sim.base import NOT_JSON, SimBase, churn_plan, read_json
from sessionboard.sim.clock import Clock, iso, iso_of, parse_iso

log = logging.getLogger(__name__)

LOG_LIMIT = 500
TOKEN_LIFETIME = timedelta(hours=1)
PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}


@dataclass
class VsaySession:
    id: str
    user: dict[str, str]
    machine: dict[str, str]
    started: datetime
    ip_address: str
    user_agent: str
    token: str
    pace: float
    log_seed: int
    ended: datetime | None = None
    expires_at: datetime | None = None
    created_by_api: bool = field(default=False)
    terminal_size: tuple[int, int] = (80, 24)
    """(cols, rows) asked for at create: the size the WebSocket terminal starts with."""
    _ended_summary: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.ended is None

    def _commands_until(self, end: datetime) -> int:
        span = (end - self.started).total_seconds() - 2.0
        return 0 if span < 0 else int(span // self.pace) + 1

    def _command_at(self, index: int) -> datetime:
        return self.started + timedelta(seconds=2.0 + index * self.pace)

    def commands_count(self, now: datetime) -> int:
        return self._commands_until(self.ended or now)

    def last_activity(self, now: datetime) -> datetime:
        end = self.ended or now
        count = self._commands_until(end)
        if count == 0:
            return self.started
        at = self._command_at(count - 1)
        output_at = at + timedelta(seconds=1)
        return output_at if output_at <= end else at

    def logs(self, now: datetime) -> list[dict[str, str]]:
        end = self.ended or now
        count = self._commands_until(end)
        entries: list[dict[str, str]] = []
        for index in range(max(0, count - LOG_LIMIT // 2 - 1), count):
            command, output = random.Random(self.log_seed * 100_003 + index).choice(data.COMMANDS)
            at = self._command_at(index)
            entries.append({"timestamp": iso(at), "type": "command", "content": command})
            if at + timedelta(seconds=1) <= end:
                entries.append({"timestamp": iso(at + timedelta(seconds=1)), "type": "output", "content": output})
        return entries[-LOG_LIMIT:]

    def summary(self, now: datetime) -> dict[str, Any]:
        """Shared, do not mutate: an ended session's summary never changes, so it is built once."""
        if self.ended is not None and self._ended_summary is not None:
            return self._ended_summary
        summary = {
            "id": self.id,
            "user": {"id": self.user["id"], "name": self.user["name"]},
            "machine": {"id": self.machine["id"], "name": self.machine["name"]},
            "status": "active" if self.active else "ended",
            "started_at": iso_of(self, self.started),
            "last_activity": iso_of(self, self.last_activity(now)),
            "ip_address": self.ip_address,
        }
        if self.ended is not None:
            self._ended_summary = summary
        return summary

    def detail(self, now: datetime) -> dict[str, Any]:
        result = dict(self.summary(now))
        result["user"] = dict(self.user)
        result["machine"] = dict(self.machine)
        result["user_agent"] = self.user_agent
        result["commands_count"] = self.commands_count(now)
        if self.ended is not None:
            result["ended_at"] = iso(self.ended)
        return result


class VsaySim(SimBase):
    kind = "vsay"

    def __init__(
        self,
        seed: int = 1,
        sessions: int = 20,
        clock: Clock | None = None,
        api_key: str | None = None,
        ssh_host: str = "127.0.0.1",
        machines: int | None = None,
        churn_pace: float = 1.0,
    ) -> None:
        super().__init__(seed, clock, api_key)
        self.ssh_host = ssh_host
        self.churn_pace = churn_pace
        """The share of the demo's churn ticks this simulator acts on (see `churn`)."""
        rng = self.rng
        machine_count = machines if machines is not None else min(max(3, sessions // 4), 30)
        self.machines: dict[str, dict[str, str]] = {}
        for name in data.machine_names(rng, machine_count):
            machine_id = f"mch_{rng.randrange(100, 1000)}{len(self.machines)}"
            self.machines[machine_id] = {"id": machine_id, "name": name, "host": ssh_host}
        self.users: list[dict[str, str]] = []
        for index in range(min(max(3, sessions // 3), 40)):
            name, email = data.person(rng)
            self.users.append({"id": f"usr_{100 + index * 7 + rng.randrange(7)}", "name": name, "email": email})
        self.sessions: dict[str, VsaySession] = {}
        self._seed_sessions(sessions)
        self.target_active = max(1, sum(1 for s in self.sessions.values() if s.active))
        self.app = self._build_app()

    # -- state ---------------------------------------------------------------------------------
    def _new(
        self,
        started: datetime,
        rng: random.Random,
        machine_id: str | None = None,
        user: dict[str, str] | None = None,
        ip_address: str | None = None,
        user_agent: str | None = None,
        token: str | None = None,
    ) -> VsaySession:
        session_id = f"sess_{rng.randrange(100_000, 1_000_000)}"
        while session_id in self.sessions:
            session_id = f"sess_{rng.randrange(100_000, 10_000_000)}"
        machine = self.machines[machine_id] if machine_id else rng.choice(list(self.machines.values()))
        session = VsaySession(
            id=session_id,
            user=dict(user or rng.choice(self.users)),
            machine=dict(machine),
            started=started.replace(microsecond=0),  # what the API shows is what filters compare
            ip_address=ip_address or data.ip_address(rng),
            user_agent=user_agent or data.user_agent(rng),
            token=token or data.word_token(rng, 40),
            pace=rng.uniform(4.0, 25.0),
            log_seed=rng.randrange(1 << 30),
        )
        self.sessions[session_id] = session
        return session

    def _seed_sessions(self, count: int) -> None:
        rng, now = self.rng, self.clock.now()
        recent = max(1, int(count * 0.45))
        ages = [rng.uniform(1, 180) if index < recent else rng.uniform(180, 72 * 60) for index in range(count)]
        for age_minutes in sorted(ages, reverse=True):
            started = now - timedelta(minutes=age_minutes)
            session = self._new(started, rng)
            if age_minutes > 180 or rng.random() < 0.25:
                span = min(age_minutes, 240) * 60
                session.ended = started + timedelta(seconds=rng.uniform(0.2, 0.95) * span)

    def create(
        self,
        machine_id: str,
        ip_address: str = "127.0.0.1",
        user_agent: str = "sessionboard",
        terminal_size: tuple[int, int] = (80, 24),
    ) -> VsaySession:
        """Raises KeyError for an unknown machine."""
        if machine_id not in self.machines:
            raise KeyError(machine_id)
        now = self.clock.now()
        session = self._new(now, self.rng, machine_id, self.users[0], ip_address, user_agent, secrets.token_urlsafe(24))
        session.expires_at = now + TOKEN_LIFETIME
        session.created_by_api = True
        session.terminal_size = terminal_size
        return session

    def terminate(self, session_id: str) -> VsaySession:
        """Raises KeyError for an unknown session, ValueError for an ended one."""
        session = self.sessions[session_id]
        if not session.active:
            raise ValueError(session_id)
        session.ended = self.clock.now()
        return session

    def token_for(self, session_id: str) -> str:
        """The WebSocket token of a session (also for those not created over HTTP)."""
        return self.sessions[session_id].token

    def churn(self, rng: random.Random) -> None:
        # An SSH session is somebody's working shell: in the live demo it lasts many minutes, not
        # the seconds a browser or timing session does, so the shell a user opened with `t` is
        # not ended under them (the console ends a pane whose session it sees end).
        if self.churn_pace < 1 and rng.random() >= self.churn_pace:
            return
        active = [s for s in self.sessions.values() if s.active and not s.created_by_api]
        end, start = churn_plan(rng, len(active), self.target_active)
        if end and active:
            self.terminate(rng.choice(active).id)
        if start:
            self._new(self.clock.now(), rng)
        self.prune_ended()

    def ended_count(self) -> int:
        return sum(1 for session in self.sessions.values() if not session.active)

    def drop_oldest_ended(self, how_many: int) -> None:
        ended = sorted((s for s in self.sessions.values() if s.ended is not None), key=lambda s: s.ended)  # type: ignore[arg-type,return-value]
        for session in ended[:how_many]:
            del self.sessions[session.id]

    # -- HTTP ----------------------------------------------------------------------------------
    def error_response(self, status: int, message: str) -> Response:
        return JSONResponse({"success": False, "message": message}, status_code=status)

    def auth_failure_response(self) -> Response:
        return self.error_response(401, "Invalid or missing API token")

    def wrong_shape_response(self) -> Response:
        return JSONResponse({"success": True, "data": [{"session": "sess_1"}]})

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/sessions", self._list, methods=["GET"]),
            Route("/sessions", self._create, methods=["POST"]),
            Route("/sessions/stats", self._stats, methods=["GET"]),
            Route("/sessions/{session_id}", self._get, methods=["GET"]),
            Route("/sessions/{session_id}", self._delete, methods=["DELETE"]),
            Route("/sessions/{session_id}/logs", self._logs, methods=["GET"]),
            WebSocketRoute("/sessions/{session_id}/ws", self._terminal),
        ]

    @staticmethod
    def _ok(payload: Any, status: int = 200) -> Response:
        return JSONResponse({"success": True, "data": payload}, status_code=status)

    async def _list(self, request: Request) -> Response:
        query = request.query_params
        status = query.get("status")
        if status is not None and status not in ("active", "ended"):
            return self.error_response(400, "status must be 'active' or 'ended'")
        bounds: list[datetime | None] = []
        for name in ("from", "to"):
            raw = query.get(name)
            try:
                bounds.append(parse_iso(raw) if raw else None)
            except ValueError:
                return self.error_response(400, f"'{name}' must be an ISO 8601 date")
        since, until = bounds
        machine_id, user_id = query.get("machine_id"), query.get("user_id")
        now = self.clock.now()
        result = []
        for session in reversed(self.sessions.values()):
            if status is not None and (status == "active") != session.active:
                continue
            if machine_id and session.machine["id"] != machine_id:
                continue
            if user_id and session.user["id"] != user_id:
                continue
            if (since and session.started < since) or (until and session.started > until):
                continue
            result.append(session.summary(now))
        return self._ok({"sessions": result})

    async def _get(self, request: Request) -> Response:
        session = self.sessions.get(request.path_params["session_id"])
        if session is None:
            return self.error_response(404, "Session not found")
        return self._ok(session.detail(self.clock.now()))

    async def _create(self, request: Request) -> Response:
        body = await read_json(request)
        if body is NOT_JSON or not isinstance(body, dict):
            return self.error_response(400, "Request body must be a JSON object")
        machine_id = body.get("machine_id")
        if not isinstance(machine_id, str) or not machine_id:
            return self.error_response(400, "machine_id is required")
        size = body.get("terminal_size", {"cols": 80, "rows": 24})
        if not isinstance(size, dict) or not all(
            isinstance(size.get(key), int) and not isinstance(size.get(key), bool) and 1 <= size[key] <= 1000
            for key in ("cols", "rows")
        ):
            return self.error_response(400, "terminal_size must be {cols, rows} with integers from 1 to 1000")
        client = request.client.host if request.client else "127.0.0.1"
        try:
            session = self.create(
                machine_id, client, request.headers.get("user-agent", "unknown"), (size["cols"], size["rows"])
            )
        except KeyError:
            return self.error_response(404, f"Machine {machine_id} not found")
        # The mount's own prefix (`/vsay/v1` in the cluster) is in root_path, not in base_url.
        scheme = "wss" if request.url.scheme == "https" else "ws"
        ws_base = f"{scheme}://{request.url.netloc}{request.scope.get('root_path', '')}".rstrip("/")
        assert session.expires_at is not None
        return self._ok(
            {
                "session_id": session.id,
                "websocket_url": f"{ws_base}/sessions/{session.id}/ws",
                "token": session.token,
                "expires_at": iso(session.expires_at),
            },
            status=201,
        )

    async def _delete(self, request: Request) -> Response:
        session_id = request.path_params["session_id"]
        try:
            self.terminate(session_id)
        except KeyError:
            return self.error_response(404, "Session not found")
        except ValueError:
            return self.error_response(409, "Session already ended")
        return JSONResponse({"success": True, "message": "Session terminated successfully"})

    async def _logs(self, request: Request) -> Response:
        session = self.sessions.get(request.path_params["session_id"])
        if session is None:
            return self.error_response(404, "Session not found")
        form = request.query_params.get("format", "json")
        if form not in ("json", "text"):
            return self.error_response(400, "format must be 'json' or 'text'")
        entries = session.logs(self.clock.now())
        if form == "json":
            return self._ok({"session_id": session.id, "logs": entries})
        text = "\n".join(f"{e['timestamp']} {e['type']} {e['content']}" for e in entries)
        return self._ok({"session_id": session.id, "format": "text", "logs": text})

    async def _stats(self, request: Request) -> Response:
        period = request.query_params.get("period", "month")
        if period not in PERIODS:
            return self.error_response(400, "period must be 'day', 'week' or 'month'")
        now = self.clock.now()
        since = now - PERIODS[period]
        chosen = [s for s in self.sessions.values() if (s.ended or now) >= since]
        hours = sum(((s.ended or now) - max(s.started, since)).total_seconds() for s in chosen) / 3600
        per_machine: dict[str, int] = {}
        for session in chosen:
            per_machine[session.machine["id"]] = per_machine.get(session.machine["id"], 0) + 1
        top = sorted(per_machine.items(), key=lambda item: (-item[1], item[0]))[:5]
        return self._ok(
            {
                "total_sessions": len(chosen),
                "active_sessions": sum(1 for s in self.sessions.values() if s.active),
                "total_duration_hours": round(hours, 1),
                "unique_users": len({s.user["id"] for s in chosen}),
                "top_machines": [
                    {"machine_id": mid, "name": self.machines[mid]["name"], "sessions_count": count}
                    for mid, count in top
                ],
            }
        )

    async def _terminal(self, websocket: WebSocket) -> None:
        """Hands an accepted socket to the real terminal (`vsay_terminal.serve_terminal`); 1011
        when that module is not there, 4404 for an unknown session, `disconnect` for an ended one."""
        await websocket.accept()
        session = self.sessions.get(websocket.path_params["session_id"])
        if session is None:
            await websocket.send_json({"type": "error", "message": "Session not found"})
            await websocket.close(code=4404)
            return
        if not session.active:
            await websocket.send_json({"type": "disconnect", "reason": "Session has ended"})
            await websocket.close(code=1000)
            return
        try:
            from sessionboard.sim.vsay_terminal import serve_terminal
        except ImportError:
            await websocket.close(code=1011, reason="terminal not available")
            return
        try:
            cols, rows = session.terminal_size
            await serve_terminal(websocket, expected_token=session.token, cols=cols, rows=rows)
        except WebSocketDisconnect:
            pass
        except Exception:
            log.exception("vsay terminal failed for a session")
            if websocket.application_state != WebSocketState.DISCONNECTED:
                try:
                    await websocket.close(code=1011)
                except RuntimeError:
                    pass
