"""Each adapter against its simulator, in-process through `httpx.ASGITransport` over the cluster's
app (the same routes, envelopes, status codes and auth as on a socket), for every operation."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import (
    AgentsProvider,
    DevicesProvider,
    ProviderError,
    RufusProvider,
    TasknetProvider,
    VsayProvider,
    make_provider,
)
from sessionboard.providers.vsay import SshTarget, WebSocketTarget
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.faults import Fault

@pytest.fixture
def cluster() -> SimCluster:
    # Now, frozen when the test starts (not when the module is collected, minutes earlier in a full
    # run): the agents adapter judges staleness against the wall clock, as it must in real use.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return SimCluster(seed=5, sessions_per_provider=14, clock=FixedClock(now))


@pytest.fixture
def provider(cluster):
    made = []

    def get(kind: str, **overrides):
        entry = next(d for d in cluster.provider_dicts() if d["kind"] == kind)
        config = parse_config({"providers": [{**entry, **overrides}]})
        adapter = make_provider(config.providers[0], timeout=5, transport=httpx.ASGITransport(app=cluster.app))
        made.append(adapter)
        return adapter

    return get


def paths(cluster, kind: str) -> list[tuple[str, str]]:
    return cluster.sims[kind].requests


async def test_rufus_every_operation(cluster, provider):
    rufus: RufusProvider = provider("rufus")
    sessions = await rufus.list_sessions()
    assert {s.target for s in sessions} <= set(rufus.config.devices)
    assert all(s.kind == "rufus" and s.last_activity is None for s in sessions)
    free = rufus.config.devices[0]
    for busy in [s for s in sessions if s.target == free and s.active]:
        await rufus.close_session(busy.id)  # one active session per device: make room

    created = await rufus.create_session({"deviceid": free, "alias": "heat 9"})
    assert created.name == "heat 9" and created.active and created.target == free
    assert "passings" in created.raw and "first" in created.raw
    assert any(s.id == created.id for s in await rufus.list_sessions())

    with pytest.raises(ProviderError) as info:
        await rufus.create_session({"deviceid": free, "alias": "again"})
    assert info.value.status == 409 and "already has an active session" in info.value.message

    [active] = await rufus.device_active(free)
    assert active.id == created.id and "last" in active.raw

    message = await rufus.close_session(created.id)
    assert message
    assert next(s for s in await rufus.list_sessions() if s.id == created.id).status == "ended"
    assert ("PATCH", f"/sessions/close/{created.id}") in [(m, p.removeprefix("/rufus/v0")) for m, p in paths(cluster, "rufus")]

    with pytest.raises(ProviderError) as info:
        await rufus.get_session("no-such-token")
    assert info.value.status == 404


async def test_devices_pages_and_organizations(cluster, provider):
    devices: DevicesProvider = provider("devices", page_limit=5)
    first_org = await devices.list_sessions()
    assert len(first_org) > 5  # more than one page was followed
    list_calls = [p for m, p in paths(cluster, "devices") if p.endswith("/api/v1/sessions")]
    assert len(list_calls) >= 2
    starts = [s.started_at for s in first_org]
    assert starts == sorted(starts, reverse=True)  # newest first, page after page
    assert len({s.id for s in first_org}) == len(first_org)

    one = await devices.get_session(first_org[0].id)
    assert one.id == first_org[0].id and one.target == first_org[0].target

    page, cursor = await devices.list_page()
    older, _ = await devices.list_page(cursor)
    assert cursor and older and older[0].started_at <= page[-1].started_at

    other = devices.organizations[1]
    devices.set_organization(other)
    second_org = await devices.list_sessions()
    assert {s.id for s in second_org}.isdisjoint({s.id for s in first_org})


async def test_devices_unknown_org_and_paging_faults(cluster, provider):
    devices: DevicesProvider = provider("devices", organization="org-nope")
    with pytest.raises(ProviderError) as info:
        await devices.list_sessions()
    assert info.value.status in (403, 404)
    devices = provider("devices")
    for mode, expected in (("repeat_cursor", "came back twice"), ("endless_pages", "more than 1000 pages")):
        cluster.sims["devices"].fault = Fault(mode)
        with pytest.raises(ProviderError) as info:
            await devices.list_sessions()
        assert expected in info.value.message


async def test_vsay_every_operation(cluster, provider):
    vsay: VsayProvider = provider("vsay")
    sessions = await vsay.list_sessions()
    assert {s.status for s in sessions} == {"active", "ended"}  # status = "all" sends no filter
    listed = next(s for s in sessions if s.active)
    detail = await vsay.get_session(listed.id)
    assert detail.raw["machine"]["host"] == "127.0.0.1"
    target = await vsay.resolve_attach(listed)
    assert isinstance(target, SshTarget) and target.host == "127.0.0.1"

    created = await vsay.create_session({"machine_id": listed.target, "cols": "100", "rows": "30"})
    assert created.active and created.raw.get("token") == "***"
    ws = vsay.attach_target(created)
    assert isinstance(ws, WebSocketTarget) and ws.url.startswith("ws://") and ws.url.endswith(f"/sessions/{created.id}/ws")
    assert any(s.id == created.id for s in await vsay.list_sessions())

    logs = await vsay.logs(listed.id, "json")
    assert isinstance(logs, list) and logs and {e.type for e in logs} <= {"command", "output"}
    text = await vsay.logs(listed.id, "text")
    assert isinstance(text, str) and logs[0].content.splitlines()[0] in text

    for period in ("day", "week", "month"):
        stats = await vsay.stats(period)
        assert stats.total_sessions >= stats.active_sessions >= 1 and stats.top_machines

    await vsay.close_session(created.id)
    assert next(s for s in await vsay.list_sessions() if s.id == created.id).status == "ended"
    with pytest.raises(ProviderError) as info:
        await vsay.get_session("sess_nope")
    assert info.value.status == 404


async def test_agents_every_operation(cluster, provider):
    agents: AgentsProvider = provider("agents")
    sessions = await agents.list_sessions()
    assert any(s.stale for s in sessions) and any(not s.stale for s in sessions)

    created = await agents.create_session({"agentId": "agent-x", "triggerType": "manual"})
    assert created.name == "agent-x" and created.target
    before = created.last_activity
    cluster.sims["agents"].clock.advance(30)
    assert "heartbeat" in await agents.extend_session(created.id)
    after = next(s for s in await agents.list_sessions() if s.id == created.id)
    assert after.last_activity != before

    assert "linked" in await agents.link_provider_session(created.target, "prov-123")
    linked = next(s for s in await agents.list_sessions() if s.id == created.id)
    assert linked.raw["providerSessionId"] == "prov-123"

    stale = [s.id for s in await agents.list_sessions() if s.stale]
    assert "removed" in await agents.cleanup()
    remaining = {s.id for s in await agents.list_sessions()}
    assert remaining.isdisjoint(stale) and created.id in remaining

    await agents.close_by_task(created.target)
    assert created.id not in {s.id for s in await agents.list_sessions()}
    other = (await agents.list_sessions())[0]
    await agents.close_session(other.id)
    assert other.id not in {s.id for s in await agents.list_sessions()}


async def test_tasknet_every_operation(cluster, provider):
    tasknet: TasknetProvider = provider("tasknet")
    created = await tasknet.create_session({"leaseTime": 5, "driver": "api", "isVncEnabled": "true"})
    assert created.raw["vncPassword"] == "***" and created.name == "api"
    password = await tasknet.vnc_password(created.id)
    assert password is not None and password.get_secret_value() not in ("", "***")

    await tasknet.extend_session(created.id, 20)
    got = await tasknet.get_session(created.id)
    assert got.raw["currentLeaseTime"] == 20 and got.expires_at != created.expires_at

    with pytest.raises(ProviderError):
        await tasknet.extend_session(created.id, 61)  # refused before sending
    await tasknet.close_session(created.id)
    assert (await tasknet.get_session(created.id)).status == "ended"

    tasknet_bad_mode = provider("tasknet", mode="nope")
    with pytest.raises(ProviderError) as info:
        await tasknet_bad_mode.list_sessions()
    assert info.value.status == 404


@pytest.mark.parametrize("kind", ["rufus", "devices", "vsay", "agents", "tasknet"])
@pytest.mark.parametrize(
    "mode, expected",
    [("500", "HTTP 500"), ("html", "HTML"), ("invalid_json", "invalid JSON"), ("wrong_shape", "unexpected answer"),
     ("refuse_auth", "authentication failed")],
)
async def test_every_fault_is_one_clean_line(cluster, provider, kind, mode, expected):
    adapter = provider(kind)
    cluster.sims[kind].fault = Fault(mode)
    with pytest.raises(ProviderError) as info:
        await adapter.list_sessions()
    assert expected in info.value.message
    assert cluster.sims[kind].api_key not in info.value.message and "\n" not in info.value.message


async def test_wrong_key_is_refused(cluster, provider):
    for kind in ("rufus", "devices", "vsay", "agents", "tasknet"):
        adapter = provider(kind, api_key="wrong-key")
        with pytest.raises(ProviderError) as info:
            await adapter.list_sessions()
        assert info.value.status in (401, 403), kind
