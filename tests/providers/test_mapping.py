"""Each kind onto the normalized session, key by key, from the references' own example bodies."""

from __future__ import annotations

from sessionboard.model.session import JSON_KEYS
from tests.providers.conftest import json_response


async def test_rufus_summary_maps_every_key(make):
    summary = {"token_session": "tok-1", "alias": "heat 1", "creation_date": "2024-05-01T09:00:00Z",
               "duration": 12.5, "active": True, "passings": 4}
    provider, rec = make("rufus", lambda r: json_response(200, {"body": {"description": "ok", "result": [summary]}}))
    [session] = await provider.list_sessions()
    assert session.to_json() == {
        "provider": "myrufus", "kind": "rufus", "id": "tok-1", "name": "heat 1", "status": "active",
        "target": "RUF-001", "user": None, "started_at": "2024-05-01T09:00:00Z", "ended_at": None,
        "last_activity": None, "expires_at": None, "raw": summary,
    }
    assert rec.requests[0].url.path == "/base/sessions/device/RUF-001"
    assert rec.requests[0].headers["x-api-key"] == "k-SECRET-123"


async def test_rufus_details_give_last_activity(make):
    details = {"token_session": "tok-1", "alias": "a", "active": False, "passings": 2,
               "first": "2024-05-01T09:01:00Z", "last": "2024-05-01T09:30:00Z"}
    provider, _ = make("rufus", lambda r: json_response(200, {"body": {"description": "ok", "result": [details]}}))
    session = await provider.get_session("tok-1")
    assert session.status == "ended"
    assert session.last_activity == "2024-05-01T09:30:00Z"
    assert session.raw == details


async def test_devices_maps_every_key(make):
    item = {"id": "d1", "organization": "org-1", "user": "u-9", "device": {"id": "dev-7", "platform": "ios",
            "type": "phone", "name": "iPhone 15", "osVersion": "17.4"}, "createdAt": "2024-05-01T10:00:00Z",
            "releasedAt": "2024-05-01T11:00:00Z"}
    provider, rec = make("devices", lambda r: json_response(200, {"object": "list", "data": [item]}))
    [session] = await provider.list_sessions()
    assert session.to_json() == {
        "provider": "mydevices", "kind": "devices", "id": "d1", "name": "iPhone 15", "status": "ended",
        "target": "dev-7", "user": "u-9", "started_at": "2024-05-01T10:00:00Z",
        "ended_at": "2024-05-01T11:00:00Z", "last_activity": None, "expires_at": None, "raw": item,
    }
    assert rec.requests[0].headers["authorization"] == "Bearer k-SECRET-123"


async def test_vsay_maps_every_key_from_the_seed_example(make):
    item = {"id": "sess_123456", "user": {"id": "usr_123", "name": "John Doe"},
            "machine": {"id": "mch_456", "name": "Production Server"}, "status": "active",
            "started_at": "2024-01-01T12:00:00Z", "last_activity": "2024-01-01T12:30:00Z",
            "ip_address": "192.168.1.50"}
    provider, rec = make("vsay", lambda r: json_response(200, {"success": True, "data": {"sessions": [item]}}))
    [session] = await provider.list_sessions()
    assert session.to_json() == {
        "provider": "myvsay", "kind": "vsay", "id": "sess_123456", "name": "Production Server",
        "status": "active", "target": "mch_456", "user": "John Doe", "started_at": "2024-01-01T12:00:00Z",
        "ended_at": None, "last_activity": "2024-01-01T12:30:00Z", "expires_at": None, "raw": item,
    }
    assert rec.requests[0].url.params["status"] == "active"


async def test_vsay_user_falls_back_to_id_and_status_all_sends_no_filter(make):
    item = {"id": "s2", "user": {"id": "usr_9"}, "machine": {"id": "m"}, "status": "ended"}
    provider, rec = make("vsay", lambda r: json_response(200, {"success": True, "data": {"sessions": [item]}}),
                         status="all")
    [session] = await provider.list_sessions()
    assert (session.user, session.status, session.name) == ("usr_9", "ended", None)
    assert "status" not in rec.requests[0].url.params


async def test_agents_maps_every_key_and_accepts_wrapped_lists(make):
    item = {"id": "a1", "agentId": "agent-7", "taskId": "task-3", "triggerType": "manual",
            "providerSessionId": None, "createdAt": "2024-05-01T10:00:00Z", "lastHeartbeatAt": "2024-05-01T10:05:00Z"}
    for body in ([item], {"data": [item]}, {"sessions": [item]}):
        provider, _ = make("agents", lambda r, body=body: json_response(200, body))
        [session] = await provider.list_sessions()
        assert session.to_json() == {
            "provider": "myagents", "kind": "agents", "id": "a1", "name": "agent-7", "status": "active",
            "target": "task-3", "user": None, "started_at": "2024-05-01T10:00:00Z", "ended_at": None,
            "last_activity": "2024-05-01T10:05:00Z", "expires_at": None, "raw": item,
        }
        assert session.stale  # 2024 is long past stale_after_seconds


async def test_tasknet_maps_every_key_masks_vnc_password_and_computes_expiry(make):
    item = {"sessionUUID": "5f0c", "fingerprintUUID": "fp-1", "currentLeaseTime": 30, "isVncEnabled": True,
            "vncPassword": "hunter2", "createdAt": "2024-05-01T10:00:00Z", "updatedAt": "2024-05-01T10:10:00Z",
            "driver": "puppeteer", "status": "running", "vncMode": "rw"}
    provider, rec = make("tasknet", lambda r: json_response(200, {"sessions": [item]}))
    [session] = await provider.list_sessions()
    assert session.to_json() == {
        "provider": "mytasknet", "kind": "tasknet", "id": "5f0c", "name": "puppeteer", "status": "active",
        "target": "fp-1", "user": None, "started_at": "2024-05-01T10:00:00Z", "ended_at": None,
        "last_activity": "2024-05-01T10:10:00Z", "expires_at": "2024-05-01T10:40:00Z",
        "raw": {**item, "vncPassword": "***"},
    }
    assert rec.requests[0].url.path == "/base/live/v1/sessions"
    assert rec.requests[0].headers["x-api-key"] == "k-SECRET-123"


async def test_every_key_is_present_even_when_the_provider_has_none(make):
    item = {"sessionUUID": "x", "status": "terminated"}
    provider, _ = make("tasknet", lambda r: json_response(200, {"sessions": [item]}))
    [session] = await provider.list_sessions()
    assert tuple(session.to_json()) == JSON_KEYS
    assert session.status == "ended" and session.expires_at is None
