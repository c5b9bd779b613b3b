from __future__ import annotations

import asyncio
import json

import pytest

from sessionboard.sim.agents import AgentsSim
from sessionboard.sim.devices import DevicesSim
from sessionboard.sim.faults import Fault
from sessionboard.sim.rufus import RufusSim
from sessionboard.sim.tasknet import TasknetSim
from sessionboard.sim.vsay import VsaySim

LIST_PATHS = {
    "rufus": "/sessions/device/RUF-001",
    "devices": "/api/v1/sessions",
    "vsay": "/sessions",
    "agents": "/api/active-sessions",
    "tasknet": "/live/v1/sessions",
}


def every_sim(clock):
    return [
        RufusSim(seed=1, sessions=8, clock=clock),
        DevicesSim(seed=1, sessions=8, clock=clock),
        VsaySim(seed=1, sessions=8, clock=clock),
        AgentsSim(seed=1, sessions=8, clock=clock),
        TasknetSim(seed=1, sessions=8, clock=clock),
    ]


@pytest.fixture
def sims(clock):
    return every_sim(clock)


async def test_500_uses_each_api_error_shape(sims, make_client):
    shapes = {
        "rufus": lambda b: b == {"body": None},
        "devices": lambda b: set(b) == {"error"},
        "vsay": lambda b: b["success"] is False and b["message"],
        "agents": lambda b: set(b) == {"error"},
        "tasknet": lambda b: set(b) == {"message", "code", "details"},
    }
    for sim in sims:
        sim.fault = Fault("500")
        response = await make_client(sim).get(LIST_PATHS[sim.kind])
        assert response.status_code == 500, sim.kind
        assert shapes[sim.kind](response.json()), sim.kind


async def test_html_invalid_json_and_wrong_shape(sims, make_client):
    for sim in sims:
        client = make_client(sim)
        normal = (await client.get(LIST_PATHS[sim.kind])).json()

        sim.fault = Fault("html")
        html = await client.get(LIST_PATHS[sim.kind])
        assert html.headers["content-type"].startswith("text/html") and "<html>" in html.text

        sim.fault = Fault("invalid_json")
        broken = await client.get(LIST_PATHS[sim.kind])
        assert broken.status_code == 200 and broken.headers["content-type"] == "application/json"
        with pytest.raises(json.JSONDecodeError):
            broken.json()

        sim.fault = Fault("wrong_shape")
        odd = await client.get(LIST_PATHS[sim.kind])
        assert odd.status_code == 200 and odd.json() != normal and type(odd.json()) is dict

        sim.fault = Fault("none")
        assert (await client.get(LIST_PATHS[sim.kind])).json() == normal


async def test_refuse_auth_answers_as_a_wrong_key_does(sims, make_client):
    for sim in sims:
        wrong = await make_client(sim, key="wrong").get(LIST_PATHS[sim.kind])
        sim.fault = Fault("refuse_auth")
        refused = await make_client(sim).get(LIST_PATHS[sim.kind])
        assert (refused.status_code, refused.json()) == (wrong.status_code, wrong.json()), sim.kind
        assert refused.status_code in (401, 403)


async def test_slow_holds_the_answer_back_then_answers(clock, make_client):
    sim = AgentsSim(seed=1, sessions=4, clock=clock)
    client = make_client(sim)
    sim.fault = Fault("slow", delay=30)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(client.get("/api/active-sessions"), 0.2)
    sim.fault = Fault("slow", delay=0.01)
    response = await client.get("/api/active-sessions")
    assert response.status_code == 200 and len(response.json()) == 4


async def test_a_limited_fault_heals_itself(clock, make_client):
    sim = VsaySim(seed=1, sessions=4, clock=clock)
    client = make_client(sim)
    sim.fault = Fault("500", times=2)
    codes = [(await client.get("/sessions")).status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert sim.fault.mode == "none"


async def test_fault_over_http_needs_no_key_and_is_validated(clock, make_client):
    sim = TasknetSim(seed=1, sessions=4, clock=clock)
    client = make_client(sim, key="not-the-key")
    answer = await client.post("/__sim__/fault", json={"mode": "slow", "delay": 2})
    assert answer.status_code == 200 and answer.json()["mode"] == "slow"
    assert sim.fault == Fault("slow", delay=2)
    assert (await client.get("/__sim__/fault")).json()["delay"] == 2
    assert (await client.post("/__sim__/fault", json={"mode": "explode"})).status_code == 400
    assert (await client.post("/__sim__/fault", json={"mode": "repeat_cursor"})).status_code == 400
    assert (await client.post("/__sim__/fault", json={"mode": "slow", "delay": -1})).status_code == 400
    assert (await client.post("/__sim__/fault", content=b"nope")).status_code == 400
    await client.post("/__sim__/fault", json={"mode": "none"})
    assert not sim.fault.active
    assert all(not path.startswith("/__sim__") for _method, path in sim.requests)


def test_paging_faults_exist_only_for_devices(clock):
    with pytest.raises(ValueError):
        RufusSim(seed=1, clock=clock).fault = Fault("endless_pages")
    with pytest.raises(ValueError):
        Fault("sideways")
    DevicesSim(seed=1, clock=clock).fault = Fault("repeat_cursor")


async def test_repeat_cursor_gives_back_the_cursor_it_was_sent(clock, make_client):
    sim = DevicesSim(seed=1, sessions=30, clock=clock)
    client = make_client(sim)
    sim.fault = Fault("repeat_cursor")
    first = (await client.get("/api/v1/sessions", params={"limit": 5})).json()
    second = (await client.get("/api/v1/sessions", params={"limit": 5, "before": first["nextCursor"]})).json()
    assert second["nextCursor"] == first["nextCursor"]


async def test_endless_pages_never_stop_and_never_repeat(clock, make_client):
    sim = DevicesSim(seed=1, sessions=12, clock=clock)
    client = make_client(sim)
    sim.fault = Fault("endless_pages")
    cursors, before = [], None
    for _ in range(8):
        params = {"limit": 5, **({"before": before} if before else {})}
        page = (await client.get("/api/v1/sessions", params=params)).json()
        before = page["nextCursor"]
        cursors.append(before)
    assert len(set(cursors)) == 8


async def test_request_log_records_method_and_api_path(clock, make_client):
    sim = RufusSim(seed=1, sessions=4, clock=clock)
    client = make_client(sim)
    await client.get("/sessions/device/RUF-002", params={"x": 1})
    await client.patch("/sessions/close/abc")
    assert sim.requests == [("GET", "/sessions/device/RUF-002"), ("PATCH", "/sessions/close/abc")]
    over_http = (await client.get("/__sim__/requests")).json()
    assert over_http == [["GET", "/sessions/device/RUF-002"], ["PATCH", "/sessions/close/abc"]]
