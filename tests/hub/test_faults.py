"""Faults, with a real redis-server and the simulators: Redis stopped and started again, change
entries and a meta that are not what the hub writes, a lease lost while a poll runs, poll-now
asked by twenty at once, and a provider answering 429 with Retry-After. Hubs and readers keep
running, say so, and converge on the providers' state."""

from __future__ import annotations

import asyncio
import random
import time

import httpx
import redis.asyncio as aioredis
from starlette.types import Receive, Scope, Send

from sessionboard.config.models import HubSettings
from sessionboard.hub.connection import Backoff
from sessionboard.hub.feed import HubFeed
from sessionboard.hub.hub import Hub
from sessionboard.hub.wire import Keys
from sessionboard.providers import make_provider
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.faults import Fault
from tests.hub.conftest import eventually
from tests.hub.helpers import direct_state, feed_state, following, pairs, running, team_config


def quick() -> Backoff:
    return Backoff(base=0.05, ceiling=0.3)


async def test_redis_stopped_and_started_again_subscribers_reconnect_and_converge(private_redis, prefix):
    settings = HubSettings(url=private_redis.url, prefix=prefix)
    async with SimCluster(seed=8, sessions_per_provider=10, clock=FixedClock()) as cluster:
        config = team_config(cluster, settings, 0.5)
        events: list[str] = []
        hub = Hub.from_config(config, lease_ttl=2.0, backoff=quick, on_event=events.append)
        lines: list[str | None] = []
        feeds = [HubFeed(settings, pairs(config), block=0.5, backoff=quick, on_status=lines.append) for _ in range(3)]
        async with running(hub), following(*feeds):
            truth = await direct_state(config)
            await eventually(lambda: all(feed_state(f) == truth for f in feeds), what="first convergence")

            private_redis.stop()
            await eventually(lambda: not any(f.connected for f in feeds), what="readers notice")
            assert all(f.status_line().startswith("hub unreachable, data ") for f in feeds)
            assert all(f.source("timing").startswith("hub unreachable, data ") for f in feeds)
            assert all(feed_state(f) == truth for f in feeds), "the last data is kept while Redis is away"
            rng = random.Random(2)
            for sim in cluster.sims.values():
                sim.churn(rng)
            changed = await direct_state(config)
            assert changed != truth

            private_redis.start()  # the same port, no data: everything is published again
            await eventually(lambda: all(f.connected for f in feeds), what="readers reconnect")
            await eventually(lambda: all(feed_state(f) == changed for f in feeds), what="converge after restart")
            assert all(f.source("timing").startswith("via hub, ") for f in feeds)
        assert any(line and line.startswith("hub unreachable") for line in lines) and lines[-1] is None
        assert any(e.startswith("redis unreachable: ") for e in events) and "redis reachable again" in events


async def test_entries_and_meta_that_are_not_the_hubs_are_survived(settings, prefix):
    async with SimCluster(seed=9, sessions_per_provider=8, clock=FixedClock()) as cluster:
        config = team_config(cluster, settings, 0.5)
        client = aioredis.from_url(settings.url.get_secret_value())
        hub = Hub.from_config(config, lease_ttl=2.0, backoff=quick)
        feed = HubFeed(settings, pairs(config), block=0.5, backoff=quick)
        async with running(hub), following(feed):
            truth = await direct_state(config)
            await eventually(lambda: feed_state(feed) == truth)
            keys = Keys(prefix, "ssh")
            before = feed.reloads
            await client.xadd(keys.changes, {"d": b"\x00 not json"})
            await client.xadd(keys.changes, {"x": b"no data field"})
            await client.xadd(keys.changes, {"d": b'{"meta": {"v": 1, "provider": "ssh"}, "upsert": 5}'})
            await eventually(lambda: feed.reloads >= before + 1, what="the reader reloads")
            assert feed.connected and feed_state(feed) == truth and feed.snapshots["ssh"].error is None

            epoch = feed.info("ssh").epoch
            await client.set(keys.meta, b"[not the hub's]")
            # The hub finds a meta it did not write: it rewrites the provider under a new epoch.
            await eventually(lambda: feed.info("ssh") is not None and feed.info("ssh").epoch != epoch, what="new epoch")
            await eventually(lambda: feed_state(feed) == truth)

            await client.hset(keys.sessions, "intruder", b'{"session": 1}')
            await client.xadd(keys.changes, {"d": b"{}"})  # and a reload, which reads the record
            await eventually(lambda: feed.snapshots["ssh"].error is not None, what="the bad record is said")
            assert feed.snapshots["ssh"].error.startswith("hub: session 'intruder' of ssh: not a session record")
            assert feed.connected and feed.snapshots["lab"].error is None
        await client.aclose()


async def test_a_lease_lost_while_a_poll_runs_publishes_nothing_of_that_poll(settings, prefix):
    async with SimCluster(seed=3, sessions_per_provider=4, clock=FixedClock()) as cluster:
        config = team_config(cluster, settings, 0.5)
        config = config.model_copy(update={"providers": [config.provider("browsers")]})
        client = aioredis.from_url(settings.url.get_secret_value())
        keys = Keys(prefix, "browsers")
        events: list[str] = []
        seqs: list[int] = []
        hub = Hub.from_config(config, lease_ttl=30.0, on_event=events.append, on_published=lambda m: seqs.append(m.seq))
        sim = cluster.sims["tasknet"]
        async with running(hub):
            await eventually(lambda: len(seqs) >= 1)
            sim.fault = Fault("slow", delay=1.0)
            await eventually(lambda: sim.in_flight == 1, what="a poll in flight")
            published = len(seqs)
            await client.set(keys.lease, "someone-else/0", px=60_000)  # another hub holds it now
            await eventually(lambda: any("lease lost" in e for e in events), what="the hub says so")
            await eventually(lambda: sim.in_flight == 0)
            assert len(seqs) == published, "the poll whose lease was lost was published"
            assert await client.xlen(keys.changes) == published
            sim.fault = Fault()
            await client.delete(keys.lease)  # the other hub is gone: this one takes it back
            await eventually(lambda: len(seqs) > published, what="polls again once the lease is free")
        await client.aclose()


async def test_twenty_asking_poll_now_at_once_cost_one_poll_and_the_hub_records_who(settings, prefix):
    async with SimCluster(seed=3, sessions_per_provider=4, clock=FixedClock()) as cluster:
        config = team_config(cluster, settings, 60.0)  # no regular poll during the test
        published = []
        hub = Hub.from_config(config, lease_ttl=5.0, on_published=published.append, request_block=0.5)
        async with running(hub):
            await eventually(lambda: len({m.provider for m in published}) == 5)
            await eventually(lambda: hub.ready.is_set())
            sim = cluster.sims["rufus"]
            before = len(sim.requests)
            feeds = [HubFeed(settings, pairs(config), who=f"op{i}@desk") for i in range(20)]
            answers = await asyncio.gather(*(f.poll_now("timing") for f in feeds))
            accepted = [f.who for f, refused in zip(feeds, answers) if not refused]
            assert len(accepted) == 1
            assert all(0 < a["timing"] <= 3.0 for a in answers if a)
            await eventually(lambda: any(m.provider == "timing" and m.requested_by for m in published))
            polled = [m for m in published if m.provider == "timing"]
            assert polled[-1].requested_by == accepted[0] and polled[-1].polls == 2
            assert len(sim.requests) - before == len(config.provider("timing").devices)  # type: ignore[attr-defined]


class RateLimited:
    """The tasknet simulator behind a front that answers its first list with 429 Retry-After."""

    def __init__(self, app, seconds: int) -> None:
        self.app = app
        self.seconds = seconds
        self.arrivals: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/sessions"):
            self.arrivals.append(time.monotonic())
            if len(self.arrivals) == 1:
                await send({"type": "http.response.start", "status": 429,
                            "headers": [(b"retry-after", str(self.seconds).encode()), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


async def test_a_hub_holds_a_provider_that_answers_429_with_retry_after(settings, prefix):
    async with SimCluster(seed=3, sessions_per_provider=4, clock=FixedClock()) as cluster:
        config = team_config(cluster, settings, 0.5)
        sim = cluster.sims["tasknet"]
        front = RateLimited(sim.app, seconds=2)
        spec = config.provider("browsers").model_copy(update={"base_url": "http://tasknet.test"})
        provider = make_provider(spec, timeout=5, transport=httpx.ASGITransport(app=front))
        hub = Hub(settings, [(provider, 0.5)], lease_ttl=5.0)
        seen = []
        feed = HubFeed(settings, [("browsers", "tasknet")], seen.append, block=0.5)
        async with running(hub), following(feed):
            await eventually(lambda: any(s.error and "HTTP 429" in s.error for s in seen), what="the 429 published")
            held = next(s for s in seen if s.error)
            assert held.retry_at is not None and 1.0 <= held.retry_at - held.polled_at <= 2.5
            await eventually(lambda: len(feed.snapshots["browsers"].sessions) == 4 and not feed.snapshots["browsers"].error)
        assert len(front.arrivals) >= 2
        assert front.arrivals[1] - front.arrivals[0] >= 2.0 - 0.05, "asked again within the Retry-After hold"
