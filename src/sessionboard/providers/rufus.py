"""RUFUS timing sessions. Sessions are listed per configured device and carry no device id, so
the adapter remembers which device it asked for each token (the session's `target`).

A create may name any device (the API's schema takes any device id string): one that is not in
the config's `devices` is listed too, from then on, for the rest of the run."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from sessionboard.config.models import RufusConfig
from sessionboard.model import Capability, CreateField, Listing, Session
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
    result: list[Any] | None = None
    """Each item is read on its own (`Provider.collector`): one bad session is one warning."""
    token_session: str | None = None


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="allow")
    body: _Body


class RufusProvider(Provider):
    kind = "rufus"
    capabilities = frozenset(
        {Capability.LIST, Capability.GET, Capability.CREATE, Capability.CLOSE, Capability.DEVICE_ACTIVE}
    )
    id_key = "token_session"
    config: RufusConfig

    def __init__(self, config: RufusConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self._device_of: dict[str, str] = {}
        self.devices: list[str] = list(config.devices)
        """The configured devices, then any other a session was created on during this run."""

    def create_fields(self) -> tuple[CreateField, ...]:
        return (
            CreateField(
                "deviceid", "Device", required=True, suggestions=tuple(self.config.devices),
                help=f"{', '.join(self.config.devices)}, or any other device id",
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

    async def _device_items(self, deviceid: str, active_only: bool = False) -> tuple[str, list[Any]]:
        path = f"sessions/device/{self.segment(deviceid)}" + ("/active" if active_only else "")
        body = await self._result("GET", path)
        return path, body.result or []

    async def _device_listing(self, deviceids: list[str], active_only: bool = False) -> Listing:
        """Each device's sessions, read at once (at most `max_concurrency` requests in flight);
        numbered and deduplicated across the devices. A device that fails (a 404: it is gone) is
        one line and the others are listed; the whole listing fails when every device failed, or
        on an answer that concerns them all (a refused key, a Retry-After hold)."""
        answers = await asyncio.gather(*(self._device_items(d, active_only) for d in deviceids), return_exceptions=True)
        collector = self.collector()
        failures = [a for a in answers if isinstance(a, BaseException)]
        for failure in failures:
            if not isinstance(failure, ProviderError) or failure.retry_after or failure.status in (401, 403):
                raise failure
        if failures and len(failures) == len(answers):
            raise failures[0]
        for deviceid, answer in zip(deviceids, answers):
            if isinstance(answer, ProviderError):
                collector.not_listed(f"device {deviceid}", answer.message)
                continue
            assert not isinstance(answer, BaseException)
            path, items = answer

            def convert(item: Any, deviceid: str = deviceid, what: str = f"GET /{path}") -> Session:
                return self._to_session(item, deviceid, what)

            for item in items:
                collector.add(item, convert)
        return collector.listing()

    async def listing(self) -> Listing:
        listing = await self._device_listing(self.devices)
        self._device_of = {s.id: s.target for s in listing if s.target}  # what is listed now, not all ever seen
        return listing

    async def poll(self) -> Listing:
        """One request per device, `max_concurrency` at a time: the poll may take as many
        timeouts as it has rounds of requests."""
        return await self.bounded(self.listing(), rounds=math.ceil(len(self.devices) / self.config.max_concurrency))

    async def device_active(self, deviceid: str) -> list[Session]:
        """The device's active session (zero or one), enriched with `passings`, `first`, `last`."""
        sessions = await self._device_listing([deviceid], active_only=True)
        return [await self.get_session(s.id) for s in sessions]

    async def get_session(self, session_id: str) -> Session:
        body = await self._result("GET", f"sessions/{self.segment(session_id)}")
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
        if typed["deviceid"] not in self.devices:
            self.devices.append(typed["deviceid"])
        try:
            return await self.get_session(token)
        except ProviderError:
            return Session(self.name, self.kind, token, typed.get("alias"), "active", target=typed["deviceid"])

    def created_note(self, session: Session) -> str | None:
        if session.target is None or session.target in self.config.devices:
            return None
        return f"device {session.target} is not in this provider's devices; it is listed too for the rest of this run"

    async def close_session(self, session_id: str) -> str:
        body = await self._result("PATCH", f"sessions/close/{self.segment(session_id)}")
        return body.description or f"session {session_id} closed"

    def taken_values(self, sessions: Iterable[Session]) -> dict[str, dict[str, str]]:
        """A device holds one active session at a time (a second create is a 409)."""
        busy: dict[str, str] = {}
        for session in sessions:
            if session.active and session.target:
                label = f"{session.name} ({session.id})" if session.name else session.id
                busy[session.target] = f"active session {label}"
        return {"deviceid": busy} if busy else {}
