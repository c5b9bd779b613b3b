"""What the console's poll of a devices provider reads: a window of the newest pages, not all.

`DevicesProvider.list_sessions` follows every `nextCursor` (what `sessionboard list` must print),
which for a large organization is thousands of rows re-read every few seconds. In the console the
poll reads the newest `INITIAL_PAGES` pages (`page_limit` sessions each); "load older" reads the
next older page once and widens the window by one page, so from then on every poll refreshes it
too (an older session released meanwhile shows as ended, not as a frozen copy). Switching the
organization narrows the window back.

`WindowedPolling` stands in for the provider in its `ProviderPoller` (which needs only `name`,
`kind`, `poll`, `redact` and `aclose`); everything else still goes to the provider itself.
"""

from __future__ import annotations

from sessionboard.model import Listing
from sessionboard.providers import DevicesProvider
from sessionboard.providers.devices import MAX_PAGES

INITIAL_PAGES = 2


class WindowedPolling:
    def __init__(self, provider: DevicesProvider, pages: int = INITIAL_PAGES) -> None:
        self.provider = provider
        self.name = provider.name
        self.kind = provider.kind
        self.initial_pages = pages
        self.pages = pages
        self.older_cursor: str | None = None
        """The `before` of the page just past the window; None once the window holds every page."""
        self.polled = False
        self.loading = False
        """A "load older" is under way: scrolling on past the end must not send it twice."""

    @property
    def complete(self) -> bool:
        """The last poll reached the oldest page."""
        return self.polled and self.older_cursor is None

    def redact(self, text: str) -> str:
        return self.provider.redact(text)

    async def aclose(self) -> None:
        await self.provider.aclose()

    async def poll(self) -> Listing:
        return await self.provider.bounded(self.list_window())

    async def list_window(self) -> Listing:
        sessions, cursor = await self.provider.list_window(self.pages)
        self.older_cursor = cursor
        self.polled = True
        return sessions

    async def load_older(self) -> str:
        """Read the page past the window (the `before` request) and widen the window to keep it."""
        if self.older_cursor is None:
            return f"{self.name}: no older sessions; every page is loaded"
        if self.pages >= MAX_PAGES:
            raise self.provider.fail(f"more than {MAX_PAGES} pages; paging stopped")
        self.loading = True
        try:
            page, cursor = await self.provider.list_page(self.older_cursor)
        finally:
            self.loading = False
        self.pages += 1
        self.older_cursor = cursor or None
        ended = sum(1 for s in page if not s.active)
        more = "" if cursor else "; that was the oldest page"
        hint = f" ({ended} of them ended)" if ended else ""
        return f"{self.name}: {len(page)} older sessions loaded{hint}{more}"

    def reset(self) -> None:
        """Another organization: back to the newest pages."""
        self.pages = self.initial_pages
        self.older_cursor = None
        self.polled = False
