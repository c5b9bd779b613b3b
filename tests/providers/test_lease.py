"""The lease rule in the tasknet adapter (`lease_change`, `extend_session`): `newLeaseTime` sets the
lease to N minutes from now, so N below the time left shortens it; that is refused, nothing sent,
unless allowed. Against the simulator in-process, both clocks frozen at the same instant."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import AgentsProvider, ProviderError, TasknetProvider, make_provider
from sessionboard.providers.lease import LeaseWouldShorten
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster

NOW = datetime(2031, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def cluster() -> SimCluster:
    return SimCluster(seed=3, sessions_per_provider=4, clock=FixedClock(NOW))


def adapter(cluster: SimCluster, kind: str):  # type: ignore[no-untyped-def]
    entry = next(d for d in cluster.provider_dicts() if d["kind"] == kind)
    config = parse_config({"providers": [entry]})
    return make_provider(config.providers[0], timeout=5, transport=httpx.ASGITransport(app=cluster.app))


def patches(cluster: SimCluster) -> list[str]:
    return [path for method, path in cluster.sims["tasknet"].requests if method == "PATCH"]


async def test_a_shorter_lease_is_refused_and_nothing_is_sent(cluster: SimCluster) -> None:
    tasknet: TasknetProvider = adapter(cluster, "tasknet")
    created = await tasknet.create_session({"leaseTime": 45, "driver": "api"})
    now = NOW.timestamp()
    with pytest.raises(LeaseWouldShorten) as info:
        await tasknet.extend_session(created.id, 30, now=now)
    change = info.value.change
    assert change.shortens and change.current_end == now + 45 * 60 and change.new_end == now + 30 * 60
    assert "15 min sooner" in info.value.message and "12:30:00 instead of 12:45:00" in info.value.message
    assert patches(cluster) == []
    assert ("GET", f"/live/v1/sessions/{created.id}") in cluster.sims["tasknet"].requests  # read first
    assert (await tasknet.get_session(created.id)).raw["currentLeaseTime"] == 45


async def test_allowed_it_shortens_and_a_longer_one_needs_no_leave(cluster: SimCluster) -> None:
    tasknet: TasknetProvider = adapter(cluster, "tasknet")
    created = await tasknet.create_session({"leaseTime": 45, "driver": "api"})
    now = NOW.timestamp()
    message = await tasknet.extend_session(created.id, 30, allow_shorten=True, now=now)
    assert "15 min sooner" in message
    assert (await tasknet.get_session(created.id)).raw["currentLeaseTime"] == 30
    message = await tasknet.extend_session(created.id, 50, now=now)  # 30 left: 50 is longer
    assert "20 min later" in message
    assert (await tasknet.get_session(created.id)).raw["currentLeaseTime"] == 50
    assert len(patches(cluster)) == 2


async def test_the_default_is_the_longest_lease_and_never_a_shortening(cluster: SimCluster) -> None:
    tasknet: TasknetProvider = adapter(cluster, "tasknet")
    created = await tasknet.create_session({"leaseTime": 60, "driver": "api"})
    # This clock 20 s behind the server's: 60 from "now" looks 20 s short of the lease just set.
    change = tasknet.lease_change(created, None, NOW.timestamp() - 20)
    assert change.minutes == 60 == change.maximum and not change.shortens
    await tasknet.extend_session(created.id, now=NOW.timestamp() - 20)
    assert (await tasknet.get_session(created.id)).raw["currentLeaseTime"] == 60


async def test_a_length_out_of_bounds_fails_before_anything_is_sent(cluster: SimCluster) -> None:
    tasknet: TasknetProvider = adapter(cluster, "tasknet")
    created = await tasknet.create_session({"leaseTime": 5, "driver": "api"})
    cluster.sims["tasknet"].requests.clear()
    for minutes in (0, 61):
        with pytest.raises(ProviderError, match="1 to 60 minutes"):
            await tasknet.extend_session(created.id, minutes)
    assert cluster.sims["tasknet"].requests == []


async def test_an_ended_session_is_not_extended(cluster: SimCluster) -> None:
    tasknet: TasknetProvider = adapter(cluster, "tasknet")
    created = await tasknet.create_session({"leaseTime": 5, "driver": "api"})
    await tasknet.close_session(created.id)
    with pytest.raises(ProviderError, match="has ended"):
        await tasknet.extend_session(created.id, 30, now=NOW.timestamp())
    assert patches(cluster) == []


async def test_a_heartbeat_takes_no_minutes_and_names_the_session(cluster: SimCluster) -> None:
    agents: AgentsProvider = adapter(cluster, "agents")
    created = await agents.create_session({"agentId": "agent-l", "triggerType": "manual"})
    cluster.sims["agents"].requests.clear()
    with pytest.raises(ProviderError, match="takes no minutes"):
        await agents.extend_session(created.id, 5)
    assert not any(method == "PUT" for method, _ in cluster.sims["agents"].requests)
    message = await agents.extend_session(created.id)
    assert created.id in message and str(created.target) in message
    assert ("PUT", f"/api/active-sessions/heartbeat/{created.target}") in cluster.sims["agents"].requests
