"""`sessionboard hub`: polls the configured providers and publishes what it sees to Redis.

Each provider has a slot: it takes the provider's lease or waits as a standby, and while it holds
the lease it runs the provider's ordinary poller (interval, backoff, Retry-After, poll-now) with
every snapshot published against the state in Redis. A renewal task extends the lease every
third of its TTL; a renewal refused (another hub holds it) or a Redis failure ends the holding:
the poll in flight is cancelled and nothing of it is published. A standby tries again every
`min(interval, ttl / 2)`, so when the holder dies another hub polls within TTL + one interval.

The hub prints nothing: what a person should know (a lease taken or lost, Redis out of reach and
back, a poll asked by someone) goes to `on_event` as one plain line, which the CLI writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sessionboard.hub.connection import REDIS_ERRORS, Backoff, connect, describe
from sessionboard.hub.lease import Lease, new_token
from sessionboard.hub.pollnow import PollNow
from sessionboard.hub.publisher import Base, BaseMoved, LeaseLost, Publisher
from sessionboard.hub.wire import Keys, Meta
from sessionboard.poller.loop import ProviderPoller
from sessionboard.poller.snapshot import Snapshot
from sessionboard.providers.retry import MAX_HOLD

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from sessionboard.config.models import Config, HubSettings
    from sessionboard.providers.base import Provider

LEASE_TTL = 10.0
"""Seconds a lease lasts unless renewed: a dead hub's providers are taken over within this plus
one interval."""
REQUEST_BLOCK = 2.0
"""Seconds one read of the poll-now requests waits before it is sent again."""


def hub_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Slot:
    provider: Provider
    interval: float
    keys: Keys
    poller: ProviderPoller | None = None
    requested_by: str | None = None
    """Who asked for the poll now due (poll-now), published with it."""


class Hub:
    def __init__(
        self,
        settings: HubSettings,
        providers: Sequence[tuple[Provider, float]],
        *,
        lease_ttl: float = LEASE_TTL,
        name: str | None = None,
        on_event: Callable[[str], None] | None = None,
        on_published: Callable[[Meta], None] | None = None,
        backoff: Callable[[], Backoff] | None = None,
        request_block: float = REQUEST_BLOCK,
        rng: random.Random | None = None,
    ) -> None:
        """`providers`: each adapter with its poll interval. `name` is the hub's id in Redis and in
        its lines (default `host:pid`). `on_published` is told each poll as published."""
        self.settings = settings
        self.id = name or hub_id()
        self.token = new_token(self.id)
        self.lease_ttl = lease_ttl
        self.request_block = request_block
        self._on_event = on_event or (lambda line: None)
        self._on_published = on_published or (lambda meta: None)
        self._backoff = backoff or Backoff
        self._rng = rng or random.Random()
        self.slots = {p.name: _Slot(p, interval, Keys(settings.prefix, p.name)) for p, interval in providers}
        self._leased: set[str] = set()
        self._down: str | None = None
        self._redis: Redis | None = None
        self.ready = asyncio.Event()
        """Set once every slot has either taken its lease or found another hub holding it."""
        self._settled: set[str] = set()

    @classmethod
    def from_config(cls, config: Config, **kwargs: object) -> Hub:
        from sessionboard.providers import make_providers

        if config.hub is None:
            raise ValueError("the config has no [hub] table")
        providers = make_providers(config)
        kwargs.setdefault("lease_ttl", config.hub.lease_ttl)
        return cls(config.hub, [(p, config.poll_interval(p.config)) for p in providers], **kwargs)  # type: ignore[arg-type]

    # ---- what it holds ---------------------------------------------------------------------------
    def holding(self) -> set[str]:
        """The providers this hub polls now."""
        return set(self._leased)

    # ---- running -----------------------------------------------------------------------------------
    async def run(self) -> None:
        """Until cancelled; then gives its leases back so another hub takes over at once."""
        redis = self._redis = connect(self.settings, block=self.request_block)
        lease = Lease(redis, self.token, self.lease_ttl)
        publisher = Publisher(redis, self.settings.prefix, self.id, self.token)
        pollnow = PollNow(redis, self.settings.prefix)
        tasks = [
            asyncio.create_task(self._run_slot(slot, lease, publisher), name=f"hub:{name}")
            for name, slot in self.slots.items()
        ]
        tasks.append(asyncio.create_task(self._listen(pollnow), name="hub:requests"))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._release_all(lease)
            await redis.aclose()
            await asyncio.gather(*(s.provider.aclose() for s in self.slots.values()), return_exceptions=True)

    async def _release_all(self, lease: Lease) -> None:
        for name in sorted(self._leased):
            with contextlib.suppress(*REDIS_ERRORS, TimeoutError):
                async with asyncio.timeout(2.0):
                    await lease.release(self.slots[name].keys.lease)
        self._leased.clear()

    # ---- one provider ------------------------------------------------------------------------------
    def _standby_wait(self, slot: _Slot) -> float:
        return min(slot.interval, self.lease_ttl / 2)

    async def _run_slot(self, slot: _Slot, lease: Lease, publisher: Publisher) -> None:
        name = slot.provider.name
        backoff = self._backoff()
        standby_said = False
        while True:
            try:
                if not await lease.acquire(slot.keys.lease):
                    self._reachable()
                    self._settle(name)
                    if not standby_said:
                        self._event(f"{name}: another hub polls it; standing by")
                        standby_said = True
                    await asyncio.sleep(self._standby_wait(slot))
                    continue
                self._reachable()
                backoff.reset()
                self._leased.add(name)
                self._settle(name)
                standby_said = False
                self._event(f"{name}: polling it (this hub holds its lease)")
                lost = await self._hold(slot, lease, publisher)
                self._leased.discard(name)
                if lost:
                    self._event(f"{name}: lease lost to another hub; that poll was not published")
            except REDIS_ERRORS as exc:
                self._leased.discard(name)
                slot.poller = None
                self._unreachable(exc)
                await asyncio.sleep(backoff.next())

    async def _hold(self, slot: _Slot, lease: Lease, publisher: Publisher) -> bool:
        """Poll and publish while the lease is this hub's. True when another hub took it; False
        when the base moved (the caller takes the lease again and reloads). Redis failures raise."""
        provider = slot.provider
        base = await publisher.load_base(provider.name, provider.kind)

        async def publish(snap: Snapshot) -> None:
            requested, slot.requested_by = slot.requested_by, None
            meta = await publisher.publish(base, snap, requested)
            self._reachable()
            self._on_published(meta)

        poller = ProviderPoller(provider, slot.interval, publish, rng=self._rng)
        poller.snapshot = base.snapshot
        slot.poller = poller

        async def polls() -> None:
            delay = self._first_delay(base, slot.interval)
            if delay > 0:
                await asyncio.sleep(delay)
            await poller.run()

        tasks = {
            asyncio.create_task(polls(), name=f"hub:{provider.name}:polls"),
            asyncio.create_task(self._renew(slot, lease), name=f"hub:{provider.name}:lease"),
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            slot.poller = None
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        error = next(iter(done)).exception()
        if isinstance(error, LeaseLost):
            return True
        if isinstance(error, BaseMoved):
            return False
        if error is not None:
            raise error
        return False

    @staticmethod
    def _first_delay(base: Base, interval: float) -> float:
        """A hub taking over polls when the previous holder's next poll was due, not at once: the
        provider still sees one poll per interval, and a Retry-After hold it asked for is kept."""
        snap = base.snapshot
        now = time.time()
        due = 0.0 if snap.polled_at is None else min(max(0.0, snap.polled_at + interval - now), interval)
        if snap.retry_at is not None:
            due = max(due, min(snap.retry_at - now, MAX_HOLD))
        return due

    async def _renew(self, slot: _Slot, lease: Lease) -> None:
        while True:
            await asyncio.sleep(self.lease_ttl / 3)
            if not await lease.renew(slot.keys.lease):
                raise LeaseLost(slot.provider.name)

    # ---- poll-now requests ---------------------------------------------------------------------------
    async def _listen(self, pollnow: PollNow) -> None:
        backoff = self._backoff()
        position: bytes | None = None
        while True:
            try:
                if position is None:
                    position = await pollnow.latest_id()
                position, found = await pollnow.read(position, self.request_block)
                backoff.reset()
            except REDIS_ERRORS as exc:
                self._unreachable(exc)
                await asyncio.sleep(backoff.next())
                continue
            for request in found:
                slot = self.slots.get(request.provider)
                if slot is None or slot.poller is None:
                    continue  # not ours to poll: the holder of its lease reads the same request
                slot.requested_by = request.who
                slot.poller.poll_now()
                self._event(f"{request.provider}: poll asked by {request.who}")

    # ---- lines for a person --------------------------------------------------------------------------
    def _event(self, line: str) -> None:
        self._on_event(line)

    def _settle(self, name: str) -> None:
        self._settled.add(name)
        if self._settled >= self.slots.keys():
            self.ready.set()

    def _unreachable(self, exc: BaseException) -> None:
        line = describe(exc)
        if self._down != line:
            self._down = line
            self._event(f"redis unreachable: {line}; retrying with backoff")

    def _reachable(self) -> None:
        if self._down is not None:
            self._down = None
            self._event("redis reachable again")
