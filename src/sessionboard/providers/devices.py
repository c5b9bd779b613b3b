"""Device sessions of an organization: a read-only API, listed newest first with a `before` cursor."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from sessionboard.config.models import DevicesConfig
from sessionboard.model import Capability, DisplayField, Listing, Session, display_values
from sessionboard.providers.base import Provider, mask_secrets
from sessionboard.providers.listing import Collector

MAX_PAGES = 1000


class _Device(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    name: str | None = None


class _Session(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    user: str | None = None
    device: _Device
    createdAt: str | None = None
    releasedAt: str | None = None


class _Page(BaseModel):
    model_config = ConfigDict(extra="allow")
    data: list[Any]
    """Each item is read on its own (`Provider.collector`): one bad session is one warning."""
    nextCursor: str | None = None


class DevicesProvider(Provider):
    kind = "devices"
    capabilities = frozenset({Capability.LIST, Capability.GET, Capability.ORGANIZATIONS, Capability.OLDER_PAGES})
    display_fields = (
        DisplayField("platform", "platform", 9, "devices: the device's platform"),
        DisplayField("os", "os", 8, "devices: the device's OS version"),
    )
    config: DevicesConfig

    def __init__(self, config: DevicesConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        orgs = config.organizations
        self.organization: str | None = orgs[0] if orgs else None

    @property
    def organizations(self) -> list[str]:
        return self.config.organizations

    def set_organization(self, organization: str) -> None:
        if organization not in self.config.organizations:
            raise self.fail(f"organization {organization!r} is not in the config's list")
        self.organization = organization

    def _headers(self) -> dict[str, str] | None:
        return {"X-Organization-Id": self.organization} if self.organization else None

    def _to_session(self, item: dict[str, Any], what: str) -> Session:
        data = self.parse(_Session, item, what)
        device_extra = data.device.model_extra or {}  # untyped: an odd platform is a blank cell, not a skipped session
        return Session(
            provider=self.name,
            kind=self.kind,
            id=data.id,
            name=data.device.name,
            status="active" if data.releasedAt is None else "ended",
            target=data.device.id,
            user=data.user,
            started_at=data.createdAt,
            ended_at=data.releasedAt,
            raw=mask_secrets(item),
            display=display_values(platform=device_extra.get("platform"), os=device_extra.get("osVersion")),
        )

    async def _page_into(self, collector: Collector, before: str | None) -> str | None:
        what = "GET /api/v1/sessions"
        body = await self.request(
            "GET", "api/v1/sessions", params={"limit": self.config.page_limit, "before": before}, headers=self._headers()
        )
        page = self.parse(_Page, body, what)
        for item in page.data:
            collector.add(item, lambda one: self._to_session(one, what))
        return page.nextCursor

    async def list_page(self, before: str | None = None) -> tuple[Listing, str | None]:
        """One page, newest first, and the cursor of the next (older) one."""
        collector = self.collector()
        cursor = await self._page_into(collector, before)
        return collector.listing(), cursor

    async def list_window(self, pages: int) -> tuple[Listing, str | None]:
        """The newest `pages` pages, and the cursor of the page past them (None: nothing older).

        The console polls a window of the newest pages and widens it on "load older"; `list`
        reads them all. A cursor that repeats ends the read as a failure, never a loop. Sessions
        are numbered across the pages in the warnings, and an id on two pages is kept once.
        """
        collector = self.collector()
        seen: set[str] = set()
        cursor: str | None = None
        for _ in range(min(pages, MAX_PAGES)):
            cursor = await self._page_into(collector, cursor)
            if not cursor:
                return collector.listing(), None
            if cursor in seen:
                raise self.fail(f"GET /api/v1/sessions: the cursor {cursor!r} came back twice; paging stopped")
            seen.add(cursor)
        return collector.listing(), cursor

    async def listing(self) -> Listing:
        sessions, cursor = await self.list_window(MAX_PAGES)
        if cursor:
            raise self.fail(f"GET /api/v1/sessions: more than {MAX_PAGES} pages; paging stopped")
        return sessions

    async def get_session(self, session_id: str) -> Session:
        what = "GET /api/v1/sessions/{id}"
        body = await self.request("GET", f"api/v1/sessions/{self.segment(session_id)}", headers=self._headers())
        return self._to_session(body, what)
