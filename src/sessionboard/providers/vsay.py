"""vsay SSH sessions. Besides the list, it is the one kind with a terminal to attach to: a created
session's WebSocket (whose token stays inside this adapter), or SSH to the session's machine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from sessionboard.config.models import SshSettings, VsayConfig
from sessionboard.model import Capability, CreateField, Listing, Session
from sessionboard.providers.base import Provider, mask_secrets


class _Named(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None = None
    name: str | None = None
    host: str | None = None


class _Session(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    user: _Named | None = None
    machine: _Named | None = None
    status: str | None = None
    started_at: str | None = None
    last_activity: str | None = None
    expires_at: str | None = None


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="allow")
    success: bool = True
    data: Any = None
    message: str | None = None


class _SessionList(BaseModel):
    model_config = ConfigDict(extra="allow")
    sessions: list[Any]
    """Each item is read on its own (`Provider.collector`): one bad session is one warning."""


class _Created(BaseModel):
    model_config = ConfigDict(extra="allow")
    session_id: str
    websocket_url: str | None = None
    token: SecretStr | None = None
    expires_at: str | None = None


class LogEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    timestamp: str | None = None
    type: str = "output"
    content: str = ""


class _Logs(BaseModel):
    model_config = ConfigDict(extra="allow")
    session_id: str | None = None
    logs: list[LogEntry] | str


class TopMachine(BaseModel):
    model_config = ConfigDict(extra="allow")
    machine_id: str | None = None
    name: str | None = None
    sessions_count: int = 0


class Stats(BaseModel):
    model_config = ConfigDict(extra="allow")
    total_sessions: int = 0
    active_sessions: int = 0
    total_duration_hours: float = 0
    unique_users: int = 0
    top_machines: list[TopMachine] = []


@dataclass(frozen=True, slots=True)
class WebSocketTarget:
    url: str
    token: SecretStr


@dataclass(frozen=True, slots=True)
class SshTarget:
    host: str
    settings: SshSettings


class VsayProvider(Provider):
    kind = "vsay"
    capabilities = frozenset(
        {
            Capability.LIST,
            Capability.GET,
            Capability.CREATE,
            Capability.CLOSE,
            Capability.ATTACH,
            Capability.LOGS,
            Capability.STATS,
        }
    )
    config: VsayConfig

    def __init__(self, config: VsayConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self._websockets: dict[str, WebSocketTarget] = {}

    def create_fields(self) -> tuple[CreateField, ...]:
        return (
            CreateField("machine_id", "Machine", required=True, help="the machine's id, e.g. mch_456"),
            CreateField("cols", "Columns", "int", default=120, minimum=20, maximum=500),
            CreateField("rows", "Rows", "int", default=40, minimum=5, maximum=200),
        )

    def error_message(self, body: Any) -> str | None:
        if isinstance(body, dict) and body.get("success") is False:
            for key in ("message", "error"):
                if isinstance(body.get(key), str):
                    return body[key]
        return super().error_message(body)

    async def _data(self, method: str, path: str, **kwargs: Any) -> Any:
        what = f"{method} /{path.split('?')[0]}"
        body = await self.request(method, path, **kwargs)
        if isinstance(body, str):  # a text/plain answer, asked for with text_ok
            return body
        envelope = self.parse(_Envelope, body, what)
        if not envelope.success:
            raise self.fail(f"{what}: {envelope.message or 'the request failed'}")
        return envelope.data

    def _to_session(self, item: dict[str, Any], what: str) -> Session:
        data = self.parse(_Session, item, what)
        user = data.user.name or data.user.id if data.user else None
        return Session(
            provider=self.name,
            kind=self.kind,
            id=data.id,
            name=data.machine.name if data.machine else None,
            status="active" if data.status == "active" else "ended",
            target=data.machine.id if data.machine else None,
            user=user,
            started_at=data.started_at,
            last_activity=data.last_activity,
            expires_at=data.expires_at,
            raw=mask_secrets(item),
        )

    async def listing(self) -> Listing:
        status = None if self.config.status == "all" else self.config.status
        data = await self._data("GET", "sessions", params={"status": status})
        listed = self.parse(_SessionList, data, "GET /sessions")
        collector = self.collector()
        for item in listed.sessions:
            collector.add(item, lambda one: self._to_session(one, "GET /sessions"))
        return collector.listing()

    async def get_session(self, session_id: str) -> Session:
        data = await self._data("GET", f"sessions/{self.segment(session_id)}")
        return self._to_session(data, "GET /sessions/:id")

    async def create_session(self, values: dict[str, Any]) -> Session:
        typed = self.typed_create_values(values)
        body = {"machine_id": typed["machine_id"], "terminal_size": {"cols": typed["cols"], "rows": typed["rows"]}}
        data = await self._data("POST", "sessions", json_body=body)
        created = self.parse(_Created, data, "POST /sessions")
        if created.websocket_url and created.token is not None:
            self._websockets[created.session_id] = WebSocketTarget(created.websocket_url, created.token)
        try:
            session = await self.get_session(created.session_id)
        except Exception:
            session = Session(self.name, self.kind, created.session_id, None, "active", target=typed["machine_id"])
        raw = {**session.raw, **mask_secrets(data if isinstance(data, dict) else {})}
        return Session(**{**session.to_json(), "expires_at": session.expires_at or created.expires_at, "raw": raw})

    async def close_session(self, session_id: str) -> str:
        path = f"sessions/{self.segment(session_id)}"
        what = f"DELETE /{path}"
        body = await self.request("DELETE", path)
        envelope = self.parse(_Envelope, body or {}, what)
        self._websockets.pop(session_id, None)
        return envelope.message or f"session {session_id} terminated"

    def attach_target(self, session: Session) -> WebSocketTarget | SshTarget | None:
        """The WebSocket of a session created here, else SSH to its machine's host, else None."""
        if session.id in self._websockets:
            return self._websockets[session.id]
        machine = session.raw.get("machine") if isinstance(session.raw, dict) else None
        host = machine.get("host") if isinstance(machine, dict) else None
        return SshTarget(host, self.config.ssh) if isinstance(host, str) and host else None

    async def resolve_attach(self, session: Session) -> WebSocketTarget | SshTarget | None:
        """As `attach_target`, fetching the rich "get" first when the listed session lacks a host."""
        target = self.attach_target(session)
        if target is None:
            target = self.attach_target(await self.get_session(session.id))
        return target

    async def logs(self, session_id: str, fmt: Literal["json", "text"] = "json") -> list[LogEntry] | str:
        """The log as entries, or in text mode as the text the server gives: a `text/plain` body
        (what an API that honours `format=text` answers) or the envelope's `data.logs` string."""
        text = fmt == "text"
        data = await self._data(
            "GET",
            f"sessions/{self.segment(session_id)}/logs",
            params={"format": fmt},
            headers={"Accept": "text/plain, application/json;q=0.9"} if text else None,
            text_ok=text,
        )
        if isinstance(data, str):
            return data
        return self.parse(_Logs, data, "GET /sessions/:id/logs").logs

    async def stats(self, period: Literal["day", "week", "month"] = "day") -> Stats:
        data = await self._data("GET", "sessions/stats", params={"period": period})
        return self.parse(Stats, data, "GET /sessions/stats")
