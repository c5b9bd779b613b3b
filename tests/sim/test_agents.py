from __future__ import annotations

import random

from sessionboard.sim.agents import AgentsSim

KEYS = {"id", "agentId", "taskId", "triggerType", "providerSessionId", "createdAt", "lastHeartbeatAt"}


async def test_list_is_an_array_of_the_assumed_objects_with_some_stale(clock, make_client):
    sim = AgentsSim(seed=1, sessions=20, clock=clock)
    client = make_client(sim)
    response = await client.get("/api/active-sessions")
    assert response.status_code == 200
    items = response.json()
    assert isinstance(items, list) and len(items) == 20
    assert all(set(item) == KEYS for item in items)
    stale_cut = "2026-01-15T11:58:00Z"  # 120 s before the fixed clock
    assert any(item["lastHeartbeatAt"] and item["lastHeartbeatAt"] < stale_cut for item in items)
    assert any(item["lastHeartbeatAt"] and item["lastHeartbeatAt"] >= stale_cut for item in items)


async def test_agent_filter(clock, make_client):
    sim = AgentsSim(seed=1, sessions=20, clock=clock)
    client = make_client(sim)
    agent = sim.agent_ids[0]
    filtered = (await client.get("/api/active-sessions", params={"agentId": agent})).json()
    assert filtered and all(item["agentId"] == agent for item in filtered)
    assert len(filtered) == sum(s.agent_id == agent for s in sim.sessions.values())


async def test_create_heartbeat_provider_session_and_delete(clock, make_client):
    sim = AgentsSim(seed=1, sessions=3, clock=clock)
    client = make_client(sim)
    created = await client.post("/api/active-sessions", json={"agentId": "agent-7", "triggerType": "manual"})
    assert created.status_code == 201
    item = created.json()
    assert set(item) == KEYS and item["agentId"] == "agent-7" and item["triggerType"] == "manual"
    assert item["id"] in [i["id"] for i in (await client.get("/api/active-sessions")).json()]

    clock.advance(90)
    beat = await client.put(f"/api/active-sessions/heartbeat/{item['taskId']}")
    assert beat.status_code == 200 and beat.json()["lastHeartbeatAt"] == "2026-01-15T12:01:30Z"

    linked = await client.put(f"/api/active-sessions/provider-session/{item['taskId']}", json={"providerSessionId": "ps_1"})
    assert linked.status_code == 200 and linked.json()["providerSessionId"] == "ps_1"
    assert (await client.put(f"/api/active-sessions/provider-session/{item['taskId']}", json={})).status_code == 400

    gone = await client.delete(f"/api/active-sessions/{item['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert item["id"] not in [i["id"] for i in (await client.get("/api/active-sessions")).json()]
    missing = await client.delete(f"/api/active-sessions/{item['id']}")
    assert missing.status_code == 404 and "error" in missing.json()
    assert (await client.put(f"/api/active-sessions/heartbeat/{item['taskId']}")).status_code == 404


async def test_delete_by_task(clock, make_client):
    sim = AgentsSim(seed=1, sessions=5, clock=clock)
    client = make_client(sim)
    target = next(iter(sim.sessions.values()))
    assert (await client.delete(f"/api/active-sessions/by-task/{target.task_id}")).status_code == 204
    assert target.id not in sim.sessions
    assert (await client.delete(f"/api/active-sessions/by-task/{target.task_id}")).status_code == 404


async def test_create_needs_both_fields(clock, make_client):
    sim = AgentsSim(seed=1, sessions=3, clock=clock)
    client = make_client(sim)
    for body in ({}, {"agentId": "a"}, {"triggerType": "manual"}, {"agentId": "", "triggerType": "manual"}):
        response = await client.post("/api/active-sessions", json=body)
        assert response.status_code == 400 and response.json()["error"]


async def test_cleanup_removes_exactly_the_stale(clock, make_client):
    sim = AgentsSim(seed=2, sessions=20, clock=clock, stale_after=120)
    client = make_client(sim)
    stale = {s.id for s in sim.stale()}
    assert stale
    answer = await client.post("/api/active-sessions/cleanup", json={})
    assert answer.status_code == 200
    assert answer.json()["removed"] == len(stale) and set(answer.json()["ids"]) == stale
    left = {i["id"] for i in (await client.get("/api/active-sessions")).json()}
    assert left and not left & stale
    clock.advance(3600)
    assert (await client.post("/api/active-sessions/cleanup")).json()["removed"] == len(left)


async def test_bearer_is_required(clock, make_client):
    sim = AgentsSim(seed=1, clock=clock)
    refused = await make_client(sim, key="x").get("/api/active-sessions")
    assert refused.status_code == 401 and "error" in refused.json()


def test_churn_heartbeats_the_living_and_changes_the_set(clock):
    sim = AgentsSim(seed=1, sessions=10, clock=clock)
    before = set(sim.sessions)
    clock.advance(300)
    rng = random.Random(3)
    for _ in range(4):
        sim.churn(rng)
    assert set(sim.sessions) != before
    fresh = [s for s in sim.sessions.values() if s.alive and s.heartbeat == clock.now()]
    assert fresh
