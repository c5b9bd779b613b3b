from __future__ import annotations

import random

from sessionboard.sim.vsay import VsaySim

LIST_KEYS = {"id", "user", "machine", "status", "started_at", "last_activity", "ip_address"}


async def test_list_envelope_and_status_filter(clock, make_client):
    sim = VsaySim(seed=1, sessions=20, clock=clock)
    client = make_client(sim)
    everything = await client.get("/sessions")
    assert everything.status_code == 200
    body = everything.json()
    assert body["success"] is True
    sessions = body["data"]["sessions"]
    assert len(sessions) == 20
    for item in sessions:
        assert set(item) == LIST_KEYS
        assert set(item["user"]) == {"id", "name"} and set(item["machine"]) == {"id", "name"}
    active = (await client.get("/sessions", params={"status": "active"})).json()["data"]["sessions"]
    ended = (await client.get("/sessions", params={"status": "ended"})).json()["data"]["sessions"]
    assert active and ended
    assert {s["status"] for s in active} == {"active"} and {s["status"] for s in ended} == {"ended"}
    assert len(active) + len(ended) == 20
    bad = await client.get("/sessions", params={"status": "paused"})
    assert bad.status_code == 400 and bad.json()["success"] is False and bad.json()["message"]


async def test_machine_user_and_date_filters(clock, make_client):
    sim = VsaySim(seed=1, sessions=30, clock=clock)
    client = make_client(sim)
    sessions = (await client.get("/sessions")).json()["data"]["sessions"]
    machine = sessions[0]["machine"]["id"]
    on_machine = (await client.get("/sessions", params={"machine_id": machine})).json()["data"]["sessions"]
    assert on_machine and all(s["machine"]["id"] == machine for s in on_machine)
    assert len(on_machine) == sum(s["machine"]["id"] == machine for s in sessions)
    user = sessions[-1]["user"]["id"]
    by_user = (await client.get("/sessions", params={"user_id": user})).json()["data"]["sessions"]
    assert by_user and all(s["user"]["id"] == user for s in by_user)
    middle = sorted(s["started_at"] for s in sessions)[15]
    since = (await client.get("/sessions", params={"from": middle})).json()["data"]["sessions"]
    until = (await client.get("/sessions", params={"to": middle})).json()["data"]["sessions"]
    assert all(s["started_at"] >= middle for s in since) and all(s["started_at"] <= middle for s in until)
    assert len(since) + len(until) == 31  # the middle one is in both
    assert (await client.get("/sessions", params={"from": "last tuesday"})).status_code == 400


async def test_detail_has_host_email_and_commands(clock, make_client):
    sim = VsaySim(seed=1, sessions=10, clock=clock, ssh_host="10.9.8.7")
    client = make_client(sim)
    session_id = next(iter(sim.sessions))
    detail = (await client.get(f"/sessions/{session_id}")).json()["data"]
    assert detail["machine"]["host"] == "10.9.8.7"
    assert "@" in detail["user"]["email"]
    assert isinstance(detail["commands_count"], int) and detail["user_agent"]
    missing = await client.get("/sessions/sess_0")
    assert missing.status_code == 404 and missing.json() == {"success": False, "message": "Session not found"}


async def test_create_list_terminate(clock, make_client):
    sim = VsaySim(seed=1, sessions=5, clock=clock)
    client = make_client(sim)
    machine_id = next(iter(sim.machines))
    created = await client.post("/sessions", json={"machine_id": machine_id, "terminal_size": {"cols": 120, "rows": 40}})
    assert created.status_code == 201
    data = created.json()["data"]
    assert set(data) == {"session_id", "websocket_url", "token", "expires_at"}
    assert data["websocket_url"] == f"ws://sim.test/sessions/{data['session_id']}/ws"
    assert data["token"] == sim.token_for(data["session_id"])
    assert data["expires_at"] == "2026-01-15T13:00:00Z"

    active = (await client.get("/sessions", params={"status": "active"})).json()["data"]["sessions"]
    assert data["session_id"] in [s["id"] for s in active]
    assert active[0]["id"] == data["session_id"], "newest first"

    gone = await client.delete(f"/sessions/{data['session_id']}")
    assert gone.status_code == 200 and gone.json() == {"success": True, "message": "Session terminated successfully"}
    detail = (await client.get(f"/sessions/{data['session_id']}")).json()["data"]
    assert detail["status"] == "ended"
    again = await client.delete(f"/sessions/{data['session_id']}")
    assert again.status_code == 409 and again.json()["success"] is False
    assert (await client.delete("/sessions/sess_0")).status_code == 404


async def test_create_validates(clock, make_client):
    sim = VsaySim(seed=1, sessions=5, clock=clock)
    client = make_client(sim)
    assert (await client.post("/sessions", json={})).status_code == 400
    assert (await client.post("/sessions", json={"machine_id": "mch_nope"})).status_code == 404
    machine_id = next(iter(sim.machines))
    bad_size = await client.post("/sessions", json={"machine_id": machine_id, "terminal_size": {"cols": "wide"}})
    assert bad_size.status_code == 400


async def test_websocket_url_follows_the_mount(clock):
    import httpx

    sim = VsaySim(seed=1, sessions=3, clock=clock)
    transport = httpx.ASGITransport(app=sim.app, root_path="/vsay/v1")
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:4567/vsay/v1",
                                 headers={"Authorization": f"Bearer {sim.api_key}"}) as client:
        created = (await client.post("/sessions", json={"machine_id": next(iter(sim.machines))})).json()["data"]
    assert created["websocket_url"] == f"ws://127.0.0.1:4567/vsay/v1/sessions/{created['session_id']}/ws"


async def test_logs_json_text_and_growth(clock, make_client):
    sim = VsaySim(seed=4, sessions=10, clock=clock)
    client = make_client(sim)
    session = next(s for s in sim.sessions.values() if s.active)
    first = (await client.get(f"/sessions/{session.id}/logs")).json()["data"]
    assert first["session_id"] == session.id
    assert {e["type"] for e in first["logs"]} <= {"command", "output"}
    assert all(set(e) == {"timestamp", "type", "content"} for e in first["logs"])
    count_before = (await client.get(f"/sessions/{session.id}")).json()["data"]["commands_count"]
    clock.advance(120)
    later = (await client.get(f"/sessions/{session.id}/logs", params={"format": "json"})).json()["data"]["logs"]
    assert len(later) > len(first["logs"]) or later[-1] != first["logs"][-1]
    assert (await client.get(f"/sessions/{session.id}")).json()["data"]["commands_count"] > count_before
    listed = {s["id"]: s for s in (await client.get("/sessions")).json()["data"]["sessions"]}
    assert listed[session.id]["last_activity"] == later[-1]["timestamp"]

    text = (await client.get(f"/sessions/{session.id}/logs", params={"format": "text"})).json()["data"]["logs"]
    assert isinstance(text, str)
    last = later[-1]
    assert f"{last['timestamp']} {last['type']} {last['content']}" in text
    assert (await client.get(f"/sessions/{session.id}/logs", params={"format": "xml"})).status_code == 400


async def test_stats(clock, make_client):
    sim = VsaySim(seed=1, sessions=20, clock=clock)
    client = make_client(sim)
    day = (await client.get("/sessions/stats", params={"period": "day"})).json()["data"]
    month = (await client.get("/sessions/stats", params={"period": "month"})).json()["data"]
    assert set(day) == {"total_sessions", "active_sessions", "total_duration_hours", "unique_users", "top_machines"}
    assert day["active_sessions"] == sum(s.active for s in sim.sessions.values())
    assert day["total_sessions"] <= month["total_sessions"] == 20
    assert month["top_machines"] and set(month["top_machines"][0]) == {"machine_id", "name", "sessions_count"}
    assert (await client.get("/sessions/stats", params={"period": "year"})).status_code == 400


async def test_wrong_bearer_is_a_401_envelope(clock, make_client):
    sim = VsaySim(seed=1, clock=clock)
    refused = await make_client(sim, key="nope").get("/sessions")
    assert refused.status_code == 401
    assert refused.json()["success"] is False and refused.json()["message"]


def test_churn_ends_and_starts_sessions(clock):
    sim = VsaySim(seed=1, sessions=10, clock=clock)
    start = {s.id: s.active for s in sim.sessions.values()}
    rng = random.Random(2)
    for _ in range(6):
        sim.churn(rng)
    now = {s.id: s.active for s in sim.sessions.values()}
    assert set(now) > set(start)
    assert any(start[k] and not now[k] for k in start)
