"""One hub, many readers, against the simulators on loopback and a real redis-server: every reader
sees every change, and the providers are listed once per poll however many read."""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from sessionboard.hub.feed import HubFeed
from sessionboard.hub.hub import Hub
from sessionboard.hub.wire import Keys, Meta, decode_change
from sessionboard.poller.snapshot import Snapshot
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from tests.hub.conftest import eventually
from tests.hub.helpers import direct_state, feed_state, following, pairs, running, team_config

INTERVAL = 0.5


@dataclass
class Seen:
    """What one subscriber was told: (provider, seq, changed ids) per snapshot."""

    feed: HubFeed | None = None
    log: list[tuple[str, int, frozenset[str]]] = field(default_factory=list)

    def __call__(self, snap: Snapshot) -> None:
        assert self.feed is not None
        meta = self.feed.info(snap.provider)
        if meta is not None:
            self.log.append((snap.provider, meta.seq, snap.changed))


async def published(client: aioredis.Redis, prefix: str, name: str, kind: str) -> list:
    entries = await client.xrange(Keys(prefix, name).changes)
    return [decode_change(fields[b"d"], name, kind) for _id, fields in entries]


async def test_twenty_subscribers_see_every_change_and_each_provider_is_listed_once_per_poll(settings, prefix):
    async with SimCluster(seed=5, sessions_per_provider=12, clock=FixedClock()) as cluster:
        config = team_config(cluster, settings, INTERVAL)
        client = aioredis.from_url(settings.url.get_secret_value())
        stop_after: dict[str, int] = {}
        done = asyncio.Event()
        polls: dict[str, int] = {}

        requests_at: dict[str, int] = {}
        sim_of = {p.name: cluster.sims[p.kind] for p in config.providers}

        def on_published(meta: Meta) -> None:
            polls[meta.provider] = meta.polls
            if stop_after.get(meta.provider) == meta.polls:
                # Between two polls of this provider: every request the hub made to it is in.
                requests_at[meta.provider] = len(sim_of[meta.provider].requests)
            if stop_after and len(requests_at) == len(stop_after):
                done.set()

        hub = Hub.from_config(config, lease_ttl=3.0, on_published=on_published)
        for sim in cluster.sims.values():
            sim.requests.clear()
        direct_polls = 0
        seen = [Seen() for _ in range(20)]
        feeds = [HubFeed(settings, pairs(config), s, block=1.0) for s in seen]
        for s, feed in zip(seen, feeds):
            s.feed = feed
        async with running(hub) as hub_task:
            # Subscribers start once every provider has been published once, so any reload they
            # do after their first load would be a missed change.
            await eventually(lambda: len(polls) == len(config.providers), what="every provider published")
            async with following(*feeds):
                await eventually(lambda: all(f.connected for f in feeds), what="subscribers connected")
                rng = random.Random(7)
                for _ in range(3):
                    for sim in cluster.sims.values():
                        sim.churn(rng)
                    truth = await direct_state(config)
                    direct_polls += 1
                    await eventually(
                        lambda: all(feed_state(f) == truth for f in feeds), what="subscribers converge"
                    )
                stop_after.update({n: polls[n] + 2 for n in polls})
                await asyncio.wait_for(done.wait(), 30)
                hub_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await hub_task
                await eventually(lambda: all(f.info(n).polls == polls[n] for f in feeds for n in polls))
        # The hub has stopped: count its list requests against its published polls.
        for name, kind in pairs(config):
            changes = await published(client, prefix, name, kind)
            by_seq = {c.meta.seq: c for c in changes}
            for s, feed in zip(seen, feeds):
                assert feed.reloads == len(config.providers), "a subscriber had to reload: it missed a change"
                mine = [(seq, ids) for provider, seq, ids in s.log if provider == name]
                first, last = mine[0][0], mine[-1][0]
                assert [seq for seq, _ in mine] == sorted({seq for seq, _ in mine}), "seq went backwards"
                assert last == max(by_seq), "a subscriber did not get the last change"
                for seq in range(first + 1, last + 1):  # every change after its first load, in a snapshot
                    expected = set(by_seq[seq].upsert) | set(by_seq[seq].remove)
                    told = next(ids for got, ids in mine if got >= seq)
                    assert expected <= told, f"{name} change {seq} not seen"
            polled = sorted(c.meta.polled_at for c in changes)
            assert all(b - a >= INTERVAL - 0.01 for a, b in zip(polled, polled[1:])), "polled more than once per interval"
        for kind, sim in cluster.sims.items():
            name = next(n for n, k in pairs(config) if k == kind)
            per_poll = len(config.provider(name).devices) if kind == "rufus" else 1  # type: ignore[attr-defined]
            assert requests_at[name] == (stop_after[name] + direct_polls) * per_poll, kind
        await client.aclose()
