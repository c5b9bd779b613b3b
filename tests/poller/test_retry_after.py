"""The poller and a Retry-After: the next poll waits for the hold (not the interval, not the
backoff), "poll now" within it is deferred to its end, and the snapshot says until when."""

from __future__ import annotations

import asyncio
import random
import time

import httpx

from sessionboard.config import parse_config
from sessionboard.poller import PollerGroup, ProviderPoller, Snapshot
from sessionboard.providers import make_provider


class Limiter:
    """429 with `Retry-After: seconds` for the first `limited` requests, then an empty list; keeps
    the monotonic time of each request and the hold each 429 set."""

    def __init__(self, seconds: int, limited: int = 1) -> None:
        self.seconds = seconds
        self.limited = limited
        self.arrivals: list[float] = []
        self.hold_ends: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        now = time.monotonic()
        self.arrivals.append(now)
        if len(self.arrivals) <= self.limited:
            self.hold_ends.append(now + self.seconds)
            return httpx.Response(429, headers={"retry-after": str(self.seconds)}, content=b"")
        return httpx.Response(200, json=[])


def poller_for(server: Limiter, interval: float) -> tuple[ProviderPoller, list[Snapshot]]:
    config = parse_config({"providers": [{"name": "ag", "kind": "agents", "base_url": "http://ag.test"}]})
    provider = make_provider(config.providers[0], timeout=2, transport=httpx.MockTransport(server))
    seen: list[Snapshot] = []
    return ProviderPoller(provider, interval, seen.append, rng=random.Random(1)), seen


async def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came"
        await asyncio.sleep(0.02)


async def test_a_429_retry_after_120_gets_exactly_one_request_while_polling_every_half_second():
    server = Limiter(120)
    poller, seen = poller_for(server, interval=0.5)
    poller.start()
    try:
        await wait_for(lambda: len(seen) == 1)
        snap = seen[0]
        assert "rate limited (HTTP 429)" in snap.error
        assert snap.retry_at == snap.polled_at + 120
        assert poller.next_delay() > 119  # the hold, not the 0.5 s interval nor a backoff of 1 s
        # Four intervals and three "poll now" presses later, still the one request.
        for _ in range(4):
            assert poller.poll_now() > 118  # deferred, and the caller is told for how long
            await asyncio.sleep(0.5)
        assert len(server.arrivals) == 1 and len(seen) == 1
    finally:
        await poller.stop()
        await poller.provider.aclose()


async def test_poll_now_within_a_hold_is_deferred_to_its_end_then_polling_goes_on():
    server = Limiter(1)
    poller, seen = poller_for(server, interval=0.5)
    poller.start()
    try:
        await wait_for(lambda: len(seen) == 1)
        assert poller.poll_now() > 0
        poller.poll_now()
        await wait_for(lambda: len(seen) == 2)
        # The deferred poll came when the provider's hold was over, not before; one poll for
        # both presses, and the snapshot no longer names a retry moment.
        assert server.arrivals[1] >= server.hold_ends[0]
        assert seen[1].error is None and seen[1].retry_at is None
        await wait_for(lambda: len(seen) == 3)  # and the interval takes over again
    finally:
        await poller.stop()
        await poller.provider.aclose()
    assert len(server.arrivals) == len(seen)  # every request made a snapshot: none was refused unsent


async def test_the_group_says_which_providers_are_held():
    held, free = Limiter(60), Limiter(60, limited=0)
    one, _ = poller_for(held, interval=60)
    two, _ = poller_for(free, interval=60)
    two.provider.name = "other"
    await one.poll_once()
    await two.poll_once()
    group = PollerGroup([one, two])
    deferred = group.poll_now()
    assert list(deferred) == ["ag"] and 59 < deferred["ag"] <= 60
    assert group.poll_now("other") == {}
    await one.provider.aclose()
    await two.provider.aclose()


async def test_a_failure_without_retry_after_still_backs_off():
    server = Limiter(0)  # Retry-After: 0 is no hold
    poller, _ = poller_for(server, interval=10)
    snap = await poller.poll_once()
    assert snap.retry_at is None and snap.failures == 1
    assert 10 <= poller.next_delay() <= 20
    await poller.provider.aclose()
