"""One loop per provider. The next poll is scheduled when the previous one ends (never a
free-running interval), so polls never overlap and a slow provider slows only itself.

A provider that answers 429 or 503 with `Retry-After` is left alone until then: the next poll
waits for the hold instead of the backoff, and "poll now" within it is deferred to its end (one
poll when the hold is over, however often it was asked for), never sent early."""

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
        clock: Callable[[], float] = time.monotonic,
        keep_ended: KeepEnded | None = None,
    ) -> None:
        self.provider = provider
        self.interval = interval
        self.max_backoff = max(max_backoff, interval * 8)
        self._on_snapshot = on_snapshot
        self._rng = rng or random.Random()
        self._clock = clock
        self._hold_until = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.snapshot = Snapshot(provider=provider.name, kind=provider.kind)
        self.retention = EndedRetention(keep_ended, clock)
        """Ended sessions are kept for a bounded time and count (`[app] keep_ended`)."""

    async def poll_once(self) -> Snapshot:
        started = time.perf_counter()
        try:
            sessions = await self.provider.poll()
        except ProviderError as exc:
            if exc.retry_after:
                self._hold_until = self._clock() + exc.retry_after
            snap = self.snapshot.failed(exc.message, time.time(), time.perf_counter() - started, exc.retry_after)
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

    def held_for(self) -> float:
        """Seconds left of the provider's Retry-After hold (0 when there is none)."""
        return max(0.0, self._hold_until - self._clock())

    def next_delay(self) -> float:
        held = self.held_for()
        if held > 0:
            return max(held, self.interval)
        return backoff_delay(self.interval, self.snapshot.failures, self._rng, self.max_backoff)

    async def run(self) -> None:
        while True:
            held = self.held_for()
            if held > 0:  # woken by "poll now" within a hold: the poll waits for its end
                await asyncio.sleep(held)
            self._wake.clear()
            await self.poll_once()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.next_delay())
            except TimeoutError:
                pass

    def poll_now(self) -> float:
        """Poll at once, or, within a Retry-After hold, as soon as it ends: returns the seconds
        left of the hold (0: polling now), so the caller can say the poll was deferred."""
        self._wake.set()
        return self.held_for()

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

    def poll_now(self, name: str | None = None) -> dict[str, float]:
        """Every (or the named) provider polled now; returns those held by a Retry-After, with
        the seconds until their deferred poll."""
        targets = [self.pollers[name]] if name else list(self.pollers.values())
        held = {poller.provider.name: poller.poll_now() for poller in targets}
        return {provider: seconds for provider, seconds in held.items() if seconds > 0}

    async def stop(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.pollers.values()))
        await asyncio.gather(*(p.provider.aclose() for p in self.pollers.values()), return_exceptions=True)
