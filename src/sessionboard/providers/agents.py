"""AI-agent runs kept alive by heartbeats. The reference documents no bodies: PROVIDERS.md's
assumed shape is read leniently (bare array, or wrapped in `data` / `sessions`)."""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, ConfigDict

from sessionboard.config.models import AgentsConfig
from sessionboard.model import Capability, CreateField, DisplayField, Listing, Session, display_values, parse_instant
from sessionboard.providers.base import Provider, mask_secrets

BASE = "api/active-sessions"


class _Session(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    agentId: str | None = None
    taskId: str | None = None
    triggerType: str | None = None
    providerSessionId: str | None = None
    createdAt: str | None = None
    lastHeartbeatAt: str | None = None


class AgentsProvider(Provider):
    kind = "agents"
    capabilities = frozenset(
        {
            Capability.LIST,
            Capability.CREATE,
            Capability.CLOSE,
            Capability.HEARTBEAT,
            Capability.CLOSE_BY_TASK,
            Capability.CLEANUP,
            Capability.LINK_PROVIDER_SESSION,
        }
    )
    extend_label = "heartbeat"
    display_fields = (
        DisplayField("trigger", "trigger", 10, "agents: what started the run (triggerType)"),
        DisplayField("provider_session", "provider session", 20, "agents: the linked providerSessionId"),
    )
    config: AgentsConfig

    def __init__(self, config: AgentsConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self._task_of: dict[str, str] = {}

    def create_fields(self) -> tuple[CreateField, ...]:
        return (
            CreateField("agentId", "Agent id", required=True, default=self.config.agent_id),
            CreateField(
                "triggerType", "Trigger", "choice", required=True, default="manual",
                choices=("manual", "schedule", "webhook", "api"),
            ),
        )

    def is_stale(self, last_heartbeat: str | None, created: str | None, now: float | None = None) -> bool:
        moment = parse_instant(last_heartbeat) or parse_instant(created)
        if moment is None:
            return False
        return (now or time.time()) - moment.timestamp() > self.config.stale_after_seconds

    def _to_session(self, item: Any, what: str) -> Session:
        data = self.parse(_Session, item, what)
        if data.taskId:
            self._task_of[data.id] = data.taskId
        return Session(
            provider=self.name,
            kind=self.kind,
            id=data.id,
            name=data.agentId,
            status="active",
            target=data.taskId,
            started_at=data.createdAt,
            last_activity=data.lastHeartbeatAt,
            raw=mask_secrets(item),
            stale=self.is_stale(data.lastHeartbeatAt, data.createdAt),
            display=display_values(trigger=data.triggerType, provider_session=data.providerSessionId),
        )

    @staticmethod
    def _items(body: Any) -> Any:
        if isinstance(body, dict):
            for key in ("data", "sessions"):
                if isinstance(body.get(key), list):
                    return body[key]
        return body

    async def listing(self) -> Listing:
        what = f"GET /{BASE}"
        body = await self.request("GET", BASE, params={"agentId": self.config.agent_id})
        items = self._items(body)
        if not isinstance(items, list):
            raise self.fail(f"{what}: unexpected answer: expected a list of sessions")
        collector = self.collector()
        for item in items:
            collector.add(item, lambda one: self._to_session(one, what))
        listing = collector.listing()
        self._task_of = {s.id: s.target for s in listing if s.target}  # what is listed now, not all ever seen
        return listing

    async def _task_id(self, session_id: str) -> str:
        if session_id not in self._task_of:
            await self.list_sessions()
        try:
            return self._task_of[session_id]
        except KeyError:
            raise self.fail(f"session {session_id} not found", 404) from None

    async def create_session(self, values: dict[str, Any]) -> Session:
        typed = self.typed_create_values(values)
        body = await self.request("POST", BASE, json_body=typed)
        if isinstance(body, dict) and "data" in body and isinstance(body["data"], dict):
            body = body["data"]
        if isinstance(body, dict) and "id" in body:
            return self._to_session(body, f"POST /{BASE}")
        # An empty answer: the new run is the newest of this agent's sessions.
        mine = [s for s in await self.list_sessions() if s.name == typed["agentId"]]
        if not mine:
            raise self.fail(f"POST /{BASE}: the session was not found after creating it")
        return max(mine, key=lambda s: (parse_instant(s.started_at) or parse_instant("1970-01-01T00:00:00Z")))

    async def close_session(self, session_id: str) -> str:
        await self.request("DELETE", f"{BASE}/{self.segment(session_id)}")
        self._task_of.pop(session_id, None)
        return f"session {session_id} closed"

    async def extend_session(
        self, session_id: str, minutes: int | None = None, *, allow_shorten: bool = False, now: float | None = None
    ) -> str:
        """A heartbeat: the agents API keeps a run alive by task, not by session id. It has no
        length (`minutes` is refused: taken and ignored, it would mislead), and shortens nothing."""
        if minutes is not None:
            raise self.fail("a heartbeat takes no minutes")
        task = await self._task_id(session_id)
        await self.request("PUT", f"{BASE}/heartbeat/{self.segment(task)}")
        return f"heartbeat sent for session {session_id} (task {task})"

    async def close_by_task(self, task_id: str) -> str:
        await self.request("DELETE", f"{BASE}/by-task/{self.segment(task_id)}")
        return f"sessions of task {task_id} closed"

    async def cleanup(self) -> str:
        body = await self.request("POST", f"{BASE}/cleanup", json_body={})
        if isinstance(body, dict):
            removed = body.get("removed", body.get("count", body.get("deleted")))
            if isinstance(removed, int):
                return f"cleanup removed {removed} session{'s' if removed != 1 else ''}"
        return "cleanup done"

    async def link_provider_session(self, task_id: str, provider_session_id: str) -> str:
        await self.request(
            "PUT", f"{BASE}/provider-session/{self.segment(task_id)}",
            json_body={"providerSessionId": provider_session_id},
        )
        return f"task {task_id} linked to provider session {provider_session_id}"
