from __future__ import annotations

from sessionboard.sim.rufus import RufusSim


async def test_list_by_device_is_a_body_envelope_of_summaries(clock, make_client):
    sim = RufusSim(seed=1, sessions=20, clock=clock)
    client = make_client(sim)
    response = await client.get("/sessions/device/RUF-001")
    assert response.status_code == 200
    body = response.json()["body"]
    assert body["description"]
    result = body["result"]
    assert len(result) == len(sim.by_device["RUF-001"]) > 0
    for item in result:
        assert set(item) == {"token_session", "alias", "creation_date", "duration", "active", "passings"}
        assert isinstance(item["passings"], int) and item["passings"] >= 0
    dates = [item["creation_date"] for item in result]
    assert dates == sorted(dates, reverse=True)
    assert sum(item["active"] for item in result) <= 1


async def test_both_auth_headers_work_and_a_wrong_key_is_a_403_envelope(clock, make_client):
    sim = RufusSim(seed=1, clock=clock)
    client = make_client(sim)
    ok = await client.get("/sessions/device/RUF-001", headers={"x-api-key": "", "api_key": sim.api_key})
    assert ok.status_code == 200
    refused = await make_client(sim, key="not-the-key").get("/sessions/device/RUF-001")
    assert refused.status_code == 403
    assert set(refused.json()["body"]) == {"description"}
    assert sim.api_key not in refused.text


async def test_unknown_device_and_token_are_404_envelopes(clock, make_client):
    sim = RufusSim(seed=1, clock=clock)
    client = make_client(sim)
    for path in ("/sessions/device/RUF-999", "/sessions/device/RUF-999/active", "/sessions/nope"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert isinstance(response.json()["body"]["description"], str)
    closed = await client.patch("/sessions/close/nope")
    assert closed.status_code == 404


async def test_create_then_active_then_close(clock, make_client):
    sim = RufusSim(seed=1, sessions=6, clock=clock, devices=3)
    client = make_client(sim)
    free = sim.device_ids[0]
    if (current := sim.active_session(free)) is not None:
        sim.close(current.token_session)

    created = await client.post("/sessions", json={"deviceid": free, "alias": "heat 1"})
    assert created.status_code == 201
    token = created.json()["body"]["token_session"]
    assert created.json()["body"]["description"]

    active = (await client.get(f"/sessions/device/{free}/active")).json()["body"]["result"]
    assert [item["token_session"] for item in active] == [token]
    listed = (await client.get(f"/sessions/device/{free}")).json()["body"]["result"]
    assert listed[0]["token_session"] == token and listed[0]["alias"] == "heat 1" and listed[0]["active"]

    conflict = await client.post("/sessions", json={"deviceid": free, "alias": "again"})
    assert conflict.status_code == 409
    assert conflict.json() == {"body": None}

    closed = await client.patch(f"/sessions/close/{token}")
    assert closed.status_code == 200
    assert closed.json()["body"]["token_session"] == token
    detail = (await client.get(f"/sessions/{token}")).json()["body"]["result"][0]
    assert detail["active"] is False
    assert (await client.get(f"/sessions/device/{free}/active")).json()["body"]["result"] == []
    assert (await client.patch(f"/sessions/close/{token}")).status_code == 404


async def test_create_validates_the_body(clock, make_client):
    sim = RufusSim(seed=1, clock=clock)
    client = make_client(sim)
    assert (await client.post("/sessions", json={"alias": "x"})).status_code == 400
    assert (await client.post("/sessions", json={"deviceid": "RUF-001", "colour": "red"})).status_code == 400
    assert (await client.post("/sessions", content=b"{not json")).status_code == 400
    assert (await client.post("/sessions", json={"deviceid": "RUF-404"})).status_code == 404


async def test_passings_of_an_active_session_grow_with_the_clock(clock, make_client):
    sim = RufusSim(seed=2, sessions=10, clock=clock)
    client = make_client(sim)
    active = next(s for s in sim.sessions.values() if s.active)
    before = (await client.get(f"/sessions/{active.token_session}")).json()["body"]["result"][0]
    assert set(before) >= {"passings", "first", "last"}
    clock.advance(600)
    after = (await client.get(f"/sessions/{active.token_session}")).json()["body"]["result"][0]
    assert after["passings"] > before["passings"]
    assert after["last"] > (before["last"] or "")
    assert after["first"] is not None

    ended = next(s for s in sim.sessions.values() if not s.active)
    frozen = (await client.get(f"/sessions/{ended.token_session}")).json()["body"]["result"][0]
    clock.advance(600)
    assert (await client.get(f"/sessions/{ended.token_session}")).json()["body"]["result"][0] == frozen
    assert frozen["duration"] > 0


async def test_read_only_key_cannot_write(clock, make_client):
    sim = RufusSim(seed=1, clock=clock, access="READ")
    client = make_client(sim)
    assert (await client.get("/sessions/device/RUF-001")).status_code == 200
    assert (await client.post("/sessions", json={"deviceid": "RUF-001"})).status_code == 403


def test_same_seed_same_sessions_and_churn_changes_them(clock):
    import random

    first, second = RufusSim(seed=5, clock=clock), RufusSim(seed=5, clock=clock)
    assert [s.token_session for s in first.sessions.values()] == [s.token_session for s in second.sessions.values()]
    assert RufusSim(seed=6, clock=clock).sessions.keys() != first.sessions.keys()

    def state(sim: RufusSim) -> set[tuple[str, bool]]:
        return {(s.token_session, s.active) for s in sim.sessions.values()}

    start = state(first)
    rng = random.Random(0)
    for _ in range(5):
        first.churn(rng)
    assert state(first) != start
    for device in first.device_ids:
        assert sum(s.active for s in first.by_device[device]) <= 1
