"""RUFUS timing sessions. Sessions are listed per configured device and carry no device id, so
the adapter remembers which device it asked for each token (the session's `target`)."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict

from sessionboard.config.models import RufusConfig
from sessionboard.model import Capability, CreateField, Session
from sessionboard.providers.base import Provider, mask_secrets
from sessionboard.providers.errors import ProviderError


class _Summary(BaseModel):
    model_config = ConfigDict(extra="allow")
    token_session: str
    alias: str | None = None
    creation_date: str | None = None
    active: bool
    last: str | None = None


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow")
    description: str | None = None
    result: list[dict[str, Any]] | None = None
    token_session: str | None = None


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="allow")
    body: _Body


class RufusProvider(Provider):
    kind = "rufus"
    capabilities = frozenset(
        {Capability.LIST, Capability.GET, Capability.CREATE, Capability.CLOSE, Capability.DEVICE_ACTIVE}
    )
    config: RufusConfig

    def __init__(self, config: RufusConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self._device_of: dict[str, str] = {}

    def create_fields(self) -> tuple[CreateField, ...]:
        return (
            CreateField(
                "deviceid", "Device", "choice", required=True, choices=tuple(self.config.devices),
            ),
            CreateField("alias", "Alias", help="a name for the session, e.g. heat 1"),
        )

    def error_message(self, body: Any) -> str | None:
        if isinstance(body, dict) and isinstance(body.get("body"), dict):
            description = body["body"].get("description")
            if isinstance(description, str) and description:
                return description
        return super().error_message(body)

    def _to_session(self, item: dict[str, Any], deviceid: str | None, what: str) -> Session:
        data = self.parse(_Summary, item, what)
        if deviceid:
            self._device_of[data.token_session] = deviceid
        return Session(
            provider=self.name,
            kind=self.kind,
            id=data.token_session,
            name=data.alias,
            status="active" if data.active else "ended",
            target=deviceid or self._device_of.get(data.token_session),
            started_at=data.creation_date,
            last_activity=data.last,
            raw=mask_secrets(item),
        )

    async def _result(self, method: str, path: str, **kwargs: Any) -> _Body:
        what = f"{method} /{path}"
        body = await self.request(method, path, **kwargs)
        return self.parse(_Envelope, body, what).body

    async def _device_sessions(self, deviceid: str, active_only: bool = False) -> list[Session]:
        path = f"sessions/device/{deviceid}" + ("/active" if active_only else "")
        body = await self._result("GET", path)
        return [self._to_session(item, deviceid, f"GET /{path}") for item in body.result or []]

    async def list_sessions(self) -> list[Session]:
        batches = await asyncio.gather(*(self._device_sessions(d) for d in self.config.devices))
        return [session for batch in batches for session in batch]

    async def device_active(self, deviceid: str) -> list[Session]:
        """The device's active session (zero or one), enriched with `passings`, `first`, `last`."""
        sessions = await self._device_sessions(deviceid, active_only=True)
        return [await self.get_session(s.id) for s in sessions]

    async def get_session(self, session_id: str) -> Session:
        body = await self._result("GET", f"sessions/{session_id}")
        if not body.result:
            raise self.fail(f"session {session_id} not found", 404)
        return self._to_session(body.result[0], None, "GET /sessions/{token_session}")

    async def create_session(self, values: dict[str, Any]) -> Session:
        typed = self.typed_create_values(values)
        try:
            body = await self._result("POST", "sessions", json_body=typed)
        except ProviderError as exc:
            if exc.status == 409:
                raise self.fail(f"device {typed['deviceid']} already has an active session", 409) from None
            raise
        token = body.token_session
        if not token:
            raise self.fail("POST /sessions: unexpected answer: body.token_session: missing")
        self._device_of[token] = typed["deviceid"]
        try:
            return await self.get_session(token)
        except ProviderError:
            return Session(self.name, self.kind, token, typed.get("alias"), "active", target=typed["deviceid"])

    async def close_session(self, session_id: str) -> str:
        body = await self._result("PATCH", f"sessions/close/{session_id}")
        return body.description or f"session {session_id} closed"
