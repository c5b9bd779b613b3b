"""Row 22 of issue 14: every simulator's churn prunes its ended sessions (the oldest first), so a
live demo left running for days neither grows nor answers ever longer lists; the seeded history
stays until `ENDED_KEPT` more have ended. The request log is bounded too."""

from __future__ import annotations

import random

import httpx
import pytest

from sessionboard.sim.base import ENDED_KEPT, REQUEST_LOG
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.clock import FixedClock
from tests.sim.conftest import T0


def total(sim: object) -> int:
    kind = sim.kind  # type: ignore[attr-defined]
    if kind == "devices":
        return sum(len(org.sessions) for org in sim.orgs.values())  # type: ignore[attr-defined]
    if kind == "tasknet":
        return sum(len(store) for store in sim.modes.values())  # type: ignore[attr-defined]
    return len(sim.sessions)  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", ["rufus", "devices", "vsay", "agents", "tasknet"])
def test_churn_keeps_every_simulator_bounded(kind: str) -> None:
    clock = FixedClock(T0)
    cluster = SimCluster(seed=3, sessions_per_provider=20, clock=clock)
    sim = cluster.sims[kind]
    if kind == "vsay":
        sim.churn_pace = 1.0  # type: ignore[attr-defined]  # every tick, not the demo's one in 50
    seeded_ended = sim.ended_count()
    rng = random.Random(9)
    sizes = []
    for tick in range(3000):
        sim.churn(rng)
        clock.advance(2)
        if tick % 500 == 499:
            sizes.append(total(sim))
    assert sim.ended_count() <= seeded_ended + ENDED_KEPT + 1
    assert max(sizes[1:]) - min(sizes[1:]) <= 40, sizes  # a plateau, not a climb
    if kind == "vsay":  # the newest ended are the ones kept
        ended = sorted(s.ended for s in sim.sessions.values() if s.ended is not None)  # type: ignore[attr-defined]
        assert ended[0] >= T0


async def test_devices_paging_still_walks_the_whole_list_after_pruning() -> None:
    clock = FixedClock(T0)
    sim = SimCluster(seed=3, sessions_per_provider=20, clock=clock).sims["devices"]
    rng = random.Random(2)
    for _ in range(2000):
        sim.churn(rng)
        clock.advance(1)
    org = sim.orgs[sim.default_org]  # type: ignore[attr-defined]
    assert org.created == sorted(org.created) and len(org.created) == len(org.sessions)
    seen, cursor = [], None
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://devices.test") as client:
        while True:
            params = {"limit": 50, **({"before": cursor} if cursor else {})}
            answer = await client.get("/api/v1/sessions", params=params, headers={"Authorization": f"Bearer {sim.api_key}"})
            page = answer.json()
            seen += [s["id"] for s in page["data"]]
            cursor = page.get("nextCursor")
            if not cursor:
                break
    assert seen == [s["id"] for s in reversed(org.sessions)]


def test_the_request_log_is_bounded() -> None:
    sim = SimCluster(seed=3, sessions_per_provider=3).sims["rufus"]
    for index in range(3 * REQUEST_LOG):
        sim.log_request("GET", f"/{index}")
    assert len(sim.requests) <= 2 * REQUEST_LOG
    assert sim.requests[-1] == ("GET", f"/{3 * REQUEST_LOG - 1}")
