"""A hub stopped while it starts up (Ctrl+C a moment after `sessionboard hub`) stops: a cancel
that lands inside the Redis client's clean-up was swallowed there, the hub's slots ran on with
the cancel still counted, and `Hub.run`'s caller waited forever."""

from __future__ import annotations

import asyncio

import pytest

from sessionboard.hub.hub import Hub
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from tests.hub.helpers import team_config


@pytest.mark.parametrize("turns", [0, 1, 2, 3, 5, 8, 13, 21])
async def test_a_hub_cancelled_in_its_first_loop_turns_ends(settings, prefix, turns):
    async with SimCluster(seed=5, sessions_per_provider=5, clock=FixedClock()) as cluster:
        hub = Hub.from_config(team_config(cluster, settings, 0.5), lease_ttl=3.0)
        task = asyncio.create_task(hub.run())
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=10)  # a deadline, not a measure
        assert task in done, f"the hub did not stop when cancelled after {turns} loop turns"
