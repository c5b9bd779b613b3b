"""One loop per provider. The next poll is scheduled when the previous one ends (never a
free-running interval), so polls never overlap and a slow provider slows only itself."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from sessionboard.errors import ProviderError
from sessionboard.poller.retention import EndedRetention, KeepEnded
from sessionboard.poller.snapshot import Snapshot

if TYPE_CHECKING:  # the poller runs adapters; it need not import them (nor httpx)
    from sessionboard.providers.base import Provider

OnSnapshot = Callable[[Snapshot], Awaitable[None] | None]


def backoff_delay(interval: float, failures: int, rng: random.Random, ceiling: float = 60.0) -> float:
    """Interval after a success; after failures, doubling up to `ceiling`, with full jitter on the
    upper half so many consoles watching one broken service do not retry in step."""
    if failures <= 0:
        return interval
    target = min(ceiling, interval * (2 ** min(failures, 16)))
    return max(interval, target / 2 + rng.random() * target / 2)


class ProviderPoller:
    def __init__(
        self,
        provider: Provider,
        interval: float,
        on_snapshot: OnSnapshot,
        *,
        rng: random.Random | None = None,
        max_backoff: float = 60.0,
        keep_ended: KeepEnded | None = None,
    ) -> None:
        self.provider = provider
        self.interval = interval
        self.max_backoff = max(max_backoff, interval * 8)
        self._on_snapshot = on_snapshot
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.snapshot = Snapshot(provider=provider.name, kind=provider.kind)
        self.retention = EndedRetention(keep_ended)
        """Ended sessions are kept for a bounded time and count (`[app] keep_ended`)."""

    async def poll_once(self) -> Snapshot:
        started = time.perf_counter()
        try:
            sessions = await self.provider.poll()
        except ProviderError as exc:
            snap = self.snapshot.failed(exc.message, time.time(), time.perf_counter() - started)
        except Exception as exc:  # a bug in an adapter must not end the loop, nor show a traceback
            message = self.provider.redact(f"internal error: {type(exc).__name__}: {exc}")
            snap = self.snapshot.failed(message, time.time(), time.perf_counter() - started)
        else:
            sessions = self.retention.apply(sessions)
            snap = self.snapshot.succeeded(sessions, time.time(), time.perf_counter() - started)
        self.snapshot = snap
        result = self._on_snapshot(snap)
        if asyncio.iscoroutine(result):
            await result
        return snap

    def next_delay(self) -> float:
        return backoff_delay(self.interval, self.snapshot.failures, self._rng, self.max_backoff)

    async def run(self) -> None:
        while True:
            self._wake.clear()
            await self.poll_once()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.next_delay())
            except TimeoutError:
                pass

    def poll_now(self) -> None:
        self._wake.set()

    def start(self) -> asyncio.Task[None]:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run(), name=f"poll:{self.provider.name}")
        return self._task

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None


class PollerGroup:
    """Every configured provider's loop, started and stopped together."""

    def __init__(self, pollers: list[ProviderPoller]) -> None:
        self.pollers = {p.provider.name: p for p in pollers}

    def start(self) -> None:
        for poller in self.pollers.values():
            poller.start()

    def poll_now(self, name: str | None = None) -> None:
        targets = [self.pollers[name]] if name else list(self.pollers.values())
        for poller in targets:
            poller.poll_now()

    async def stop(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.pollers.values()))
        await asyncio.gather(*(p.provider.aclose() for p in self.pollers.values()), return_exceptions=True)
