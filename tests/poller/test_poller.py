"""The poll loop: snapshots, stale sessions kept after a failure, recovery, backoff, poll-now."""

from __future__ import annotations

import asyncio
import random

import httpx

from sessionboard.config import parse_config
from sessionboard.poller import ProviderPoller, Snapshot, backoff_delay
from sessionboard.providers import make_provider


def agent(id_: str, heartbeat: str = "2030-01-01T00:00:00Z") -> dict:
    return {"id": id_, "agentId": "ag", "taskId": f"t-{id_}", "createdAt": "2030-01-01T00:00:00Z",
            "lastHeartbeatAt": heartbeat}


class Flaky:
    """A provider whose answer the test sets between polls."""

    def __init__(self) -> None:
        self.status = 200
        self.body: object = [agent("a1")]
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return httpx.Response(self.status, json=self.body)


def make_poller(server: Flaky, interval: float = 60.0):
    config = parse_config({"providers": [{"name": "ag", "kind": "agents", "base_url": "http://ag.test"}]})
    provider = make_provider(config.providers[0], timeout=2, transport=httpx.MockTransport(server))
    seen: list[Snapshot] = []
    return ProviderPoller(provider, interval, seen.append, rng=random.Random(1)), seen


async def test_failure_keeps_last_sessions_marked_stale_then_recovers():
    server = Flaky()
    poller, seen = make_poller(server)
    first = await poller.poll_once()
    assert [s.id for s in first.sessions] == ["a1"] and first.error is None and not first.stale
    assert first.changed == {"a1"}

    server.status, server.body = 500, {"error": "boom"}
    failed = await poller.poll_once()
    assert [s.id for s in failed.sessions] == ["a1"]
    assert failed.stale and "HTTP 500" in failed.error and failed.failures == 1
    assert poller.next_delay() > 60.0  # backing off

    server.status, server.body = 200, [agent("a1"), agent("a2")]
    back = await poller.poll_once()
    assert back.error is None and not back.stale and back.failures == 0
    assert back.changed == {"a2"}
    assert [s.error for s in seen] == [None, failed.error, None]


def test_backoff_doubles_with_jitter_and_caps():
    rng = random.Random(7)
    assert backoff_delay(5, 0, rng) == 5
    for failures, target in ((1, 10), (2, 20), (3, 40), (6, 60)):
        delay = backoff_delay(5, failures, rng, ceiling=60)
        assert target / 2 <= delay <= target


async def test_poll_now_wakes_the_loop_and_polls_never_overlap():
    server = Flaky()
    poller, seen = make_poller(server, interval=3600)
    poller.start()
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.01)
    assert len(seen) == 1
    poller.poll_now()
    for _ in range(100):
        if len(seen) == 2:
            break
        await asyncio.sleep(0.01)
    assert len(seen) == 2 and server.calls == 2
    await poller.stop()


async def test_an_adapter_bug_becomes_an_error_line_not_a_dead_loop():
    server = Flaky()
    server.body = [{"id": "x", "agentId": object.__name__}]  # fine
    poller, _ = make_poller(server)

    async def broken():
        raise KeyError("oops")

    poller.provider.listing = broken  # type: ignore[method-assign]
    snap = await poller.poll_once()
    assert snap.error == "internal error: KeyError: 'oops'"
