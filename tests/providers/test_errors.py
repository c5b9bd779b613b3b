"""Every way a provider can fail becomes one clear `ProviderError` line, never a traceback and
never the key."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import ProviderError, Unsupported, make_provider
from tests.providers.conftest import KEY, json_response, provider_config

KINDS = ("rufus", "devices", "vsay", "agents", "tasknet")


def assert_clean(exc: ProviderError) -> str:
    text = str(exc)
    assert KEY not in text
    assert "\n" not in text and "Traceback" not in text
    return text


@pytest.mark.parametrize("kind", KINDS)
async def test_500_names_the_status(make, kind):
    provider, _ = make(kind, lambda r: json_response(500, {"message": "database down"}))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    text = assert_clean(info.value)
    assert "HTTP 500" in text and "server error" in text


@pytest.mark.parametrize("kind", KINDS)
async def test_html_answer(make, kind):
    page = b"<!doctype html><html><body>Welcome to nginx</body></html>"
    provider, _ = make(kind, lambda r: httpx.Response(200, content=page, headers={"content-type": "text/html"}))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert "HTML" in assert_clean(info.value)


@pytest.mark.parametrize("kind", KINDS)
async def test_invalid_json(make, kind):
    provider, _ = make(kind, lambda r: httpx.Response(200, content=b'{"sessions": [', headers={"content-type": "application/json"}))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert "invalid JSON" in assert_clean(info.value)


@pytest.mark.parametrize("kind", KINDS)
async def test_wrong_shape(make, kind):
    # tasknet's schema does not require `sessions` ({} is an empty list): a `sessions` of the wrong type is wrong
    body = {"x": 1} if kind == "agents" else {"sessions": "x"} if kind == "tasknet" else {"unexpected": 1}
    provider, _ = make(kind, lambda r: json_response(200, body))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert "unexpected answer" in assert_clean(info.value)


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("kind", KINDS)
async def test_auth_failures_say_check_api_key(make, kind, status):
    provider, _ = make(kind, lambda r: json_response(status, {"message": f"bad key {KEY}"}))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    text = assert_clean(info.value)  # the key echoed by the server is redacted too
    assert f"HTTP {status}" in text and "check api_key" in text and "***" in text


async def test_each_envelope_gives_its_own_message(make):
    cases = {
        "rufus": (404, {"body": {"description": "Device not found"}}, "Device not found"),
        "vsay": (404, {"success": False, "message": "Session not found"}, "Session not found"),
        "tasknet": (400, {"message": "leaseTime out of range", "code": "BAD_LEASE", "details": {}},
                    "leaseTime out of range (BAD_LEASE)"),
        "devices": (404, {"error": "no such organization"}, "no such organization"),
        "agents": (404, {"detail": "task unknown"}, "task unknown"),
    }
    for kind, (status, body, expected) in cases.items():
        provider, _ = make(kind, lambda r, s=status, b=body: json_response(s, b))
        with pytest.raises(ProviderError) as info:
            await provider.list_sessions()
        assert expected in str(info.value), kind


async def test_rufus_409_says_the_device_already_has_an_active_session(make):
    provider, _ = make("rufus", lambda r: json_response(409, {"body": None}))
    with pytest.raises(ProviderError) as info:
        await provider.create_session({"deviceid": "RUF-001", "alias": "x"})
    assert str(info.value) == "device RUF-001 already has an active session"


async def test_timeout_ends_within_the_timeout(make):
    async def slow(request):
        await asyncio.sleep(5)
        return json_response(200, [])

    config = parse_config({"providers": [provider_config("agents")]})
    provider = make_provider(config.providers[0], timeout=0.3, transport=httpx.MockTransport(slow))
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ProviderError) as info:
        await provider.poll()
    assert "timed out after 0.3s" in str(info.value)
    assert loop.time() - started < 1.3


async def test_refused_connection():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = parse_config({"providers": [provider_config("vsay", base_url=f"http://127.0.0.1:{port}")]})
    provider = make_provider(config.providers[0], timeout=2)
    with pytest.raises(ProviderError) as info:
        await provider.poll()
    assert "cannot connect" in assert_clean(info.value)
    await provider.aclose()


async def test_devices_repeating_cursor_stops(make):
    page = {"object": "list", "data": [], "nextCursor": "2024-01-01T00:00:00Z"}
    provider, rec = make("devices", lambda r: json_response(200, page))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert "came back twice" in str(info.value)
    assert len(rec.requests) == 2


async def test_devices_endless_pages_stop_at_the_bound(make):
    counter = iter(range(10**6))
    provider, rec = make(
        "devices", lambda r: json_response(200, {"object": "list", "data": [], "nextCursor": f"c{next(counter)}"})
    )
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert "more than 1000 pages" in str(info.value)
    assert len(rec.requests) == 1000


async def test_unsupported_actions_send_nothing(make):
    provider, rec = make("devices", lambda r: json_response(200, {}))
    with pytest.raises(Unsupported) as info:
        await provider.create_session({})
    assert "cannot create" in str(info.value)
    rufus, rec2 = make("rufus", lambda r: json_response(200, {}))
    with pytest.raises(Unsupported):
        await rufus.extend_session("tok")
    assert rec.requests == [] and rec2.requests == []
