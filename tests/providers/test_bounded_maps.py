"""Row 22 of issue 14: what an adapter remembers per session id (rufus: its device, agents: its
task) is what the provider lists now, not every id it ever listed: a console left open under a
churning provider must not grow."""

from __future__ import annotations

import random

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import make_provider
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.clock import FixedClock
from tests.sim.conftest import T0


@pytest.mark.parametrize("kind,memo", [("rufus", "_device_of"), ("agents", "_task_of")])
async def test_the_per_session_maps_follow_the_listing(kind: str, memo: str) -> None:
    clock = FixedClock(T0)
    cluster = SimCluster(seed=6, sessions_per_provider=12, clock=clock)
    sim = cluster.sims[kind]
    config = parse_config({"providers": [t for t in cluster.provider_dicts() if t["kind"] == kind]})
    provider = make_provider(config.providers[0], transport=httpx.ASGITransport(app=cluster.app))
    rng = random.Random(5)
    seen: set[str] = set()
    try:
        for _ in range(300):
            for _ in range(4):
                sim.churn(rng)
                clock.advance(1)
            listed = await provider.list_sessions()
            seen |= {s.id for s in listed}
            assert set(getattr(provider, memo)) <= {s.id for s in listed}
        assert len(seen) >= len(listed) + 100  # many more ids came and went than are listed now
    finally:
        await provider.aclose()
