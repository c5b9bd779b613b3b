"""tasknet cloud browser sessions with a lease of 1-60 minutes and optional VNC.

The expiry is computed as `updatedAt + currentLeaseTime` minutes (PROVIDERS.md): the API states
the lease length and the moment it was last set, never the end itself.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr

from sessionboard.config.models import TasknetConfig
from sessionboard.model import Capability, CreateField, DisplayField, Listing, Session, display_values, parse_instant
from sessionboard.providers.base import Provider, mask_secrets, segment
from sessionboard.providers.lease import LeaseChange, LeaseWouldShorten

MIN_LEASE_MINUTES, MAX_LEASE_MINUTES = 1, 60
"""The lease lengths the API allows (`currentLeaseTime`, `leaseTime`: 1-60)."""
DEFAULT_EXTEND_MINUTES = MAX_LEASE_MINUTES
"""An extension given no length asks for the longest lease: it never ends one sooner."""


class _Session(BaseModel):
    model_config = ConfigDict(extra="allow")
    sessionUUID: str
    fingerprintUUID: str | None = None
    currentLeaseTime: int | None = None
    driver: str | None = None
    status: str | None = None
    createdAt: str | None = None
    updatedAt: str | None = None
    isVncEnabled: bool | None = None
    vncMode: str | None = None


class _SessionList(BaseModel):
    """The schema does not require `sessions`: `{}` (or a null) is an empty list."""

    model_config = ConfigDict(extra="allow")
    sessions: list[Any] | None = None


def lease_end(updated_at: str | None, minutes: int | None) -> str | None:
    """`updatedAt` + `currentLeaseTime` minutes; past the calendar's ends (a huge lease) it clamps
    to the first or last instant a datetime holds, so the countdown clamps instead of raising."""
    start = parse_instant(updated_at)
    if start is None or minutes is None:
        return None
    try:
        end = start + timedelta(minutes=minutes)
    except OverflowError:
        end = (datetime.max if minutes > 0 else datetime.min).replace(tzinfo=timezone.utc)
    return end.isoformat().replace("+00:00", "Z")


class TasknetProvider(Provider):
    kind = "tasknet"
    capabilities = frozenset(
        {Capability.LIST, Capability.GET, Capability.CREATE, Capability.CLOSE, Capability.EXTEND, Capability.VNC}
    )
    id_key = "sessionUUID"
    display_fields = (
        DisplayField("lease", "lease", 7, "tasknet: the lease as last set, in minutes (the countdown is in expires)"),
        DisplayField("vnc", "vnc", 4, "tasknet: VNC off, or its mode (rw / ro)"),
    )
    config: TasknetConfig

    @property
    def _base(self) -> str:
        return f"{segment(self.config.mode)}/v1/sessions"

    def create_fields(self) -> tuple[CreateField, ...]:
        return (
            CreateField("leaseTime", "Lease (minutes)", "int", required=True, minimum=1, maximum=60),
            CreateField("isVncEnabled", "VNC", "bool", default=True),
            CreateField("vncMode", "VNC mode", "choice", default="rw", choices=("rw", "ro")),
            CreateField("driver", "Driver", "choice", required=True, choices=("puppeteer", "api")),
            CreateField("fingerprintUUID", "Fingerprint UUID", help="optional", format="uuid"),
            CreateField("fingerprintSecret", "Fingerprint secret", secret=True, help="optional, sent as a header"),
            CreateField("showMouse", "Show mouse", "bool", default=False),
            CreateField("isProxyEnabled", "Proxy", "bool", default=False),
        )

    def error_message(self, body: Any) -> str | None:
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            code = body.get("code")
            return f"{body['message']} ({code})" if isinstance(code, str) and code else body["message"]
        return super().error_message(body)

    def _to_session(self, item: Any, what: str) -> Session:
        data = self.parse(_Session, item, what)
        return Session(
            provider=self.name,
            kind=self.kind,
            id=data.sessionUUID,
            name=data.driver,
            status="active" if data.status == "running" else "ended",
            target=data.fingerprintUUID,
            started_at=data.createdAt,
            last_activity=data.updatedAt,
            expires_at=lease_end(data.updatedAt, data.currentLeaseTime),
            raw=mask_secrets(item),
            display=display_values(
                lease=None if data.currentLeaseTime is None else f"{data.currentLeaseTime} min",
                vnc="off" if data.isVncEnabled is False else data.vncMode if data.isVncEnabled else None,
            ),
        )

    async def listing(self) -> Listing:
        what = f"GET /{self._base}"
        listed = self.parse(_SessionList, await self.request("GET", self._base), what)
        collector = self.collector()
        for item in listed.sessions or []:
            collector.add(item, lambda one: self._to_session(one, what))
        return collector.listing()

    async def get_session(self, session_id: str) -> Session:
        path = f"{self._base}/{self.segment(session_id)}"
        return self._to_session(await self.request("GET", path), f"GET /{self._base}/{{id}}")

    async def vnc_password(self, session_id: str) -> SecretStr | None:
        """Fetched only when the user asks to reveal or copy it; never kept in the session's `raw`."""
        body = await self.request("GET", f"{self._base}/{self.segment(session_id)}")
        value = body.get("vncPassword") if isinstance(body, dict) else None
        return SecretStr(value) if isinstance(value, str) and value else None

    async def create_session(self, values: dict[str, Any]) -> Session:
        typed = self.typed_create_values(values)
        headers: dict[str, str] = {}
        secret = typed.pop("fingerprintSecret", None)
        if secret:
            headers["X-Fingerprint-Secret"] = secret
            self.add_secret(secret)
        if self.config.environment_id is not None:
            headers["X-Environment-Id"] = self.config.environment_id  # an identifier: not masked
        if self.config.environment_secret is not None:
            headers["X-Environment-Secret"] = self.config.environment_secret.get_secret_value()
        body = await self.request("POST", self._base, json_body=typed, headers=headers or None)
        return self._to_session(body, f"POST /{self._base}")

    async def close_session(self, session_id: str) -> str:
        await self.request("DELETE", f"{self._base}/{self.segment(session_id)}")
        return f"session {session_id} terminated"

    def _lease_minutes(self, minutes: int | None) -> int:
        minutes = DEFAULT_EXTEND_MINUTES if minutes is None else minutes
        if not MIN_LEASE_MINUTES <= minutes <= MAX_LEASE_MINUTES:
            raise self.fail(f"a lease is {MIN_LEASE_MINUTES} to {MAX_LEASE_MINUTES} minutes, not {minutes}")
        return minutes

    def lease_change(self, session: Session, minutes: int | None, now: float) -> LeaseChange:
        """`newLeaseTime` sets the lease to `minutes` from now: below the time left, it ends the
        lease sooner. The longest lease cannot: a lease is set for at most that long, so an
        apparent shortening is only this clock running behind the server's."""
        minutes = self._lease_minutes(minutes)
        if not session.active:
            raise self.fail(f"session {session.id} has ended; its lease cannot change")
        end = parse_instant(session.expires_at)
        current = end.timestamp() if end is not None else None
        new_end = now + minutes * 60
        shortens = current is not None and new_end < current and minutes < MAX_LEASE_MINUTES
        return LeaseChange(
            session.id, minutes, now, current, new_end, shortens, MIN_LEASE_MINUTES, MAX_LEASE_MINUTES
        )

    async def plan_extend(self, session_id: str, minutes: int | None, now: float | None = None) -> LeaseChange:
        """The change as the provider has the lease now (one GET); a bad length fails before it."""
        minutes = self._lease_minutes(minutes)
        session = await self.get_session(session_id)
        return self.lease_change(session, minutes, time.time() if now is None else now)

    async def extend_session(
        self, session_id: str, minutes: int | None = None, *, allow_shorten: bool = False, now: float | None = None
    ) -> str:
        """Set the lease, read first: a shortening is refused (`LeaseWouldShorten`, nothing sent)
        unless `allow_shorten`, also when someone else extended the lease since it was shown."""
        change = await self.plan_extend(session_id, minutes, now)
        if change.shortens and not allow_shorten:
            raise LeaseWouldShorten(self.name, change)
        path = f"{self._base}/{self.segment(session_id)}"
        await self.request("PATCH", path, json_body={"newLeaseTime": change.minutes})
        return f"lease of {session_id} set to {change.minutes} min: ends {change.describe()}"
