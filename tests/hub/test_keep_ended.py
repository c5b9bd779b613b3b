"""What a hub publishes is bounded as a console's own poll is: `[app] keep_ended` applies to the
hub's pollers too, so every reader of a team holds at most `count` ended sessions per provider."""

from __future__ import annotations

from sessionboard.hub.feed import HubFeed
from sessionboard.hub.hub import Hub
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from tests.hub.conftest import eventually
from tests.hub.helpers import direct_state, following, pairs, running, team_config


async def test_a_hub_publishes_no_more_ended_sessions_than_keep_ended(settings, prefix):
    async with SimCluster(seed=5, sessions_per_provider=20, clock=FixedClock()) as cluster:
        config = team_config(cluster, settings, 0.5, keep_ended={"minutes": 60, "count": 1})
        direct = await direct_state(config)
        ended = {name: sum(s["status"] == "ended" for s in sessions.values()) for name, sessions in direct.items()}
        assert max(ended.values()) > 1, "the seed must give some provider several ended sessions"
        feed = HubFeed(settings, pairs(config), lambda snap: None, block=1.0)
        async with running(Hub.from_config(config, lease_ttl=3.0)), following(feed):
            # A feed holds a "no data yet" snapshot per provider at once: wait for the hub's own.
            await eventually(
                lambda: all(feed.info(p.name) is not None for p in config.providers), what="every provider published"
            )
            for snap in feed.snapshots.values():
                assert sum(not s.active for s in snap.sessions) <= 1, snap.provider
