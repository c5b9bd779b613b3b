from __future__ import annotations

import random

from sessionboard.sim.devices import DevicesSim

SESSION_KEYS = {"id", "organization", "user", "device", "createdAt", "releasedAt"}


async def pages(client, limit: int, org: str | None = None) -> list[dict]:
    headers = {"X-Organization-Id": org} if org else {}
    answers, before = [], None
    while True:
        params = {"limit": limit, **({"before": before} if before else {})}
        response = await client.get("/api/v1/sessions", params=params, headers=headers)
        assert response.status_code == 200
        answers.append(response.json())
        before = answers[-1].get("nextCursor")
        if before is None:
            return answers


async def test_paging_walks_every_session_newest_first_once(clock, make_client):
    sim = DevicesSim(seed=1, sessions=45, clock=clock)
    client = make_client(sim)
    answers = await pages(client, limit=10)
    assert len(answers) == 5
    assert all(a["object"] == "list" for a in answers)
    assert all("nextCursor" in a for a in answers[:-1]) and "nextCursor" not in answers[-1]
    items = [item for a in answers for item in a["data"]]
    assert len(items) == 45 == len({item["id"] for item in items})
    created = [item["createdAt"] for item in items]
    assert created == sorted(created, reverse=True)
    for item in items:
        assert set(item) == SESSION_KEYS
        assert set(item["device"]) == {"id", "platform", "type", "name", "osVersion"}
        assert item["organization"] == "org-alpha"
    assert answers[0]["nextCursor"] == answers[0]["data"][-1]["createdAt"]


async def test_limit_default_and_bounds(clock, make_client):
    sim = DevicesSim(seed=1, sessions=620, clock=clock)
    client = make_client(sim)
    default = (await client.get("/api/v1/sessions")).json()
    assert len(default["data"]) == 100
    big = (await client.get("/api/v1/sessions", params={"limit": 900})).json()
    assert len(big["data"]) == 500
    for bad in ("0", "-3", "many"):
        response = await client.get("/api/v1/sessions", params={"limit": bad})
        assert response.status_code == 400 and "error" in response.json()
    assert (await client.get("/api/v1/sessions", params={"before": "yesterday"})).status_code == 400


async def test_organization_header_selects_and_unknown_org_is_403(clock, make_client):
    sim = DevicesSim(seed=1, sessions=12, clock=clock)
    client = make_client(sim)
    beta = [item for a in await pages(client, 100, "org-beta") for item in a["data"]]
    assert beta and {item["organization"] for item in beta} == {"org-beta"}
    refused = await client.get("/api/v1/sessions", headers={"X-Organization-Id": "org-nope"})
    assert refused.status_code == 403
    assert isinstance(refused.json()["error"], str)


async def test_get_one_in_its_org_only(clock, make_client):
    sim = DevicesSim(seed=1, sessions=12, clock=clock)
    client = make_client(sim)
    item = (await client.get("/api/v1/sessions", params={"limit": 1})).json()["data"][0]
    got = await client.get(f"/api/v1/sessions/{item['id']}")
    assert got.status_code == 200 and got.json() == item
    elsewhere = await client.get(f"/api/v1/sessions/{item['id']}", headers={"X-Organization-Id": "org-beta"})
    assert elsewhere.status_code == 404 and "error" in elsewhere.json()
    assert (await client.get("/api/v1/sessions/not-a-uuid")).status_code == 400


async def test_bearer_is_required(clock, make_client):
    sim = DevicesSim(seed=1, clock=clock)
    response = await make_client(sim, key="wrong").get("/api/v1/sessions")
    assert response.status_code == 401 and "error" in response.json()


async def test_read_only_api_has_no_write_routes(clock, make_client):
    sim = DevicesSim(seed=1, clock=clock)
    client = make_client(sim)
    assert (await client.post("/api/v1/sessions", json={})).status_code == 405
    assert (await client.delete("/api/v1/sessions/3f0c2a9e-1b7d-4c3e-9a61-0f0000000000")).status_code == 405


async def test_churn_adds_on_top_and_releases_even_on_a_frozen_clock(clock, make_client):
    sim = DevicesSim(seed=3, sessions=15, clock=clock)
    client = make_client(sim)
    before = {i["id"]: i["releasedAt"] for a in await pages(client, 100) for i in a["data"]}
    rng = random.Random(1)
    for _ in range(20):
        sim.churn(rng)
    answers = await pages(client, 7)
    after = {i["id"]: i["releasedAt"] for a in answers for i in a["data"]}
    assert set(after) > set(before)
    assert any(before[k] is None and after[k] is not None for k in before)
    created = [i["createdAt"] for a in answers for i in a["data"]]
    assert len(created) == len(set(created)), "cursors need distinct createdAt"
