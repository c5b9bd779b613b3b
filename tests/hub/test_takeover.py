"""Two `sessionboard hub` processes: one polls each provider, the other stands by; the leader
SIGKILLed, the other takes over within the lease's TTL plus one interval, and no change is lost."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
import time

import redis.asyncio as aioredis

from sessionboard.config import load_config
from sessionboard.hub.feed import HubFeed
from sessionboard.hub.wire import Keys, decode_change
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from tests.hub.conftest import eventually
from tests.hub.helpers import direct_state, feed_state, following, pairs

TTL, INTERVAL = 2.0, 0.5
SLACK = 4.0
"""Seconds allowed beyond TTL + one interval for a loaded machine (process scheduling, a poll)."""


async def start_hub(path: str, until: bytes, count: int) -> tuple[asyncio.subprocess.Process, list[bytes]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sessionboard", "--config", path, "hub",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    lines: list[bytes] = []
    while sum(until in line for line in lines) < count:
        lines.append(await asyncio.wait_for(proc.stderr.readline(), 30))
    return proc, lines


async def test_the_leader_killed_the_other_hub_takes_over_within_the_bound_and_no_change_is_lost(tmp_path, redis_url, prefix):
    async with SimCluster(seed=12, sessions_per_provider=10, clock=FixedClock()) as cluster:
        path = tmp_path / "team.toml"
        text = cluster.config_toml(tmp_path / "keys").replace("poll_interval = 2.0", f"poll_interval = {INTERVAL}")
        path.write_text(text + f'\n[hub]\nurl = "{redis_url}"\nprefix = "{prefix}"\nlease_ttl = {TTL}\n')
        config = load_config(path)
        leader, _ = await start_hub(str(path), b"holds its lease", 5)
        standby, _ = await start_hub(str(path), b"standing by", 5)
        leader_id = f"{socket.gethostname()}:{leader.pid}"
        standby_id = f"{socket.gethostname()}:{standby.pid}"
        feed = HubFeed(config.hub, pairs(config), block=0.5)  # type: ignore[arg-type]
        try:
            async with following(feed):
                truth = await direct_state(config)
                await eventually(lambda: feed_state(feed) == truth, what="first convergence")
                assert {feed.info(n).hub for n, _ in pairs(config)} == {leader_id}

                leader.send_signal(signal.SIGKILL)
                killed_at = time.time()
                await leader.wait()
                rng = random.Random(5)
                for sim in cluster.sims.values():  # changes made while nobody polls
                    sim.churn(rng)
                changed = await direct_state(config)
                await eventually(
                    lambda: all(feed.info(n).hub == standby_id for n, _ in pairs(config)),
                    timeout=TTL + INTERVAL + SLACK, what="the standby polls every provider",
                )
                await eventually(lambda: feed_state(feed) == changed, what="no change lost")
        finally:
            for proc in (leader, standby):
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                    await asyncio.wait_for(proc.wait(), 30)
        assert standby.returncode == 0
        client = aioredis.from_url(redis_url)
        for name, kind in pairs(config):
            entries = await client.xrange(Keys(prefix, name).changes)
            changes = [decode_change(fields[b"d"], name, kind) for _id, fields in entries]
            hubs = [c.meta.hub for c in changes]
            first_b = hubs.index(standby_id)
            assert set(hubs[:first_b]) == {leader_id} and set(hubs[first_b:]) == {standby_id}, "two hubs polled at once"
            assert [c.meta.seq for c in changes] == list(range(1, len(changes) + 1)), "a poll was lost or doubled"
            took = changes[first_b].meta.polled_at - killed_at
            print(f"{name}: the standby's first poll ended {took:.2f} s after the kill (bound {TTL + INTERVAL:g} s)")
        await client.aclose()
