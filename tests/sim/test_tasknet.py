from __future__ import annotations

import random

from sessionboard.sim.tasknet import TasknetSim

REQUIRED = {"sessionUUID", "fingerprintUUID", "currentLeaseTime", "driver", "isVncEnabled", "status", "vncMode",
            "createdAt", "updatedAt"}
CREATE = {"leaseTime": 10, "isVncEnabled": True, "vncMode": "rw", "driver": "puppeteer"}


async def test_list_has_the_session_fields_and_vnc_password(clock, make_client):
    sim = TasknetSim(seed=1, sessions=20, clock=clock)
    client = make_client(sim)
    response = await client.get("/live/v1/sessions")
    assert response.status_code == 200
    sessions = response.json()["sessions"]
    assert len(sessions) == 20
    assert all(REQUIRED <= set(s) for s in sessions)
    assert {s["status"] for s in sessions} == {"running", "terminated"}
    assert all(("vncPassword" in s) == s["isVncEnabled"] for s in sessions)


async def test_unknown_mode_is_a_404_base_error(clock, make_client):
    sim = TasknetSim(seed=1, clock=clock)
    response = await make_client(sim).get("/staging/v1/sessions")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "code", "details"}


async def test_wrong_key_is_401(clock, make_client):
    sim = TasknetSim(seed=1, clock=clock)
    response = await make_client(sim, key="nope").get("/live/v1/sessions")
    assert response.status_code == 401 and response.json()["code"] == "UNAUTHORIZED"


async def test_create_get_extend_terminate(clock, make_client):
    sim = TasknetSim(seed=1, sessions=3, clock=clock)
    client = make_client(sim)
    created = await client.post("/live/v1/sessions", json=CREATE, headers={"X-Environment-Id": "env-1"})
    assert created.status_code == 200
    session = created.json()
    assert REQUIRED <= set(session) and session["status"] == "running" and session["currentLeaseTime"] == 10
    assert session["vncPassword"]
    assert sim.create_headers[-1] == {"x-environment-id": "env-1"}
    uuid = session["sessionUUID"]
    assert uuid in [s["sessionUUID"] for s in (await client.get("/live/v1/sessions")).json()["sessions"]]
    assert uuid not in [s["sessionUUID"] for s in (await client.get("/test/v1/sessions")).json()["sessions"]]

    clock.advance(300)
    patched = await client.patch(f"/live/v1/sessions/{uuid}", json={"newLeaseTime": 30})
    assert patched.status_code == 200 and patched.json() == {}
    got = (await client.get(f"/live/v1/sessions/{uuid}")).json()
    assert got["currentLeaseTime"] == 30 and got["updatedAt"] == "2026-01-15T12:05:00Z"
    assert (await client.patch(f"/live/v1/sessions/{uuid}", json={"newLeaseTime": 61})).status_code == 400

    ended = await client.delete(f"/live/v1/sessions/{uuid}")
    assert ended.status_code == 200 and ended.json() == {}
    assert (await client.get(f"/live/v1/sessions/{uuid}")).json()["status"] == "terminated"
    again = await client.patch(f"/live/v1/sessions/{uuid}", json={"newLeaseTime": 5})
    assert again.status_code == 400 and again.json()["code"] == "SESSION_TERMINATED"

    missing = await client.get("/live/v1/sessions/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    assert (await client.get("/live/v1/sessions/not-a-uuid")).status_code == 400


async def test_create_validation_lists_every_problem(clock, make_client):
    sim = TasknetSim(seed=1, sessions=3, clock=clock)
    client = make_client(sim)
    response = await client.post("/live/v1/sessions", json={"leaseTime": 0, "isVncEnabled": "yes", "vncMode": "rx",
                                                            "driver": "selenium"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert {d["field"] for d in body["details"]} == {"leaseTime", "isVncEnabled", "vncMode", "driver"}
    for lease in (1, 60):
        assert (await client.post("/live/v1/sessions", json={**CREATE, "leaseTime": lease})).status_code == 200
    assert (await client.post("/live/v1/sessions", json={**CREATE, "leaseTime": True})).status_code == 400


async def test_lease_runs_out_on_the_clock(clock, make_client):
    sim = TasknetSim(seed=1, sessions=3, clock=clock)
    client = make_client(sim)
    uuid = (await client.post("/live/v1/sessions", json={**CREATE, "leaseTime": 5})).json()["sessionUUID"]
    clock.advance(4 * 60 + 59)
    assert (await client.get(f"/live/v1/sessions/{uuid}")).json()["status"] == "running"
    clock.advance(1)
    assert (await client.get(f"/live/v1/sessions/{uuid}")).json()["status"] == "terminated"
    listed = {s["sessionUUID"]: s for s in (await client.get("/live/v1/sessions")).json()["sessions"]}
    assert listed[uuid]["status"] == "terminated"
    clock.advance(3600)
    statuses = {s["status"] for s in (await client.get("/live/v1/sessions")).json()["sessions"]}
    assert statuses == {"terminated"}


async def test_extending_moves_the_lease_end(clock, make_client):
    sim = TasknetSim(seed=1, sessions=3, clock=clock)
    client = make_client(sim)
    uuid = (await client.post("/live/v1/sessions", json={**CREATE, "leaseTime": 5})).json()["sessionUUID"]
    clock.advance(240)
    await client.patch(f"/live/v1/sessions/{uuid}", json={"newLeaseTime": 5})
    clock.advance(240)
    assert (await client.get(f"/live/v1/sessions/{uuid}")).json()["status"] == "running"


def test_seeded_running_sessions_have_minutes_left_and_churn_changes_them(clock):
    sim = TasknetSim(seed=1, sessions=30, clock=clock)
    running = [s for s in sim.modes["live"].values() if s.status == "running"]
    assert running and all((s.expires - clock.now()).total_seconds() >= 170 for s in running)
    before = {s.session_uuid: s.status for s in sim.modes["live"].values()}
    rng = random.Random(1)
    for _ in range(5):
        sim.churn(rng)
    after = {s.session_uuid: s.status for s in sim.modes["live"].values()}
    assert after != before
