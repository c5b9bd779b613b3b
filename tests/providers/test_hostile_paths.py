"""Row 8 of issue 14: every id an adapter puts in a URL path arrives at the server as exactly one
segment, percent-encoded, dots included, whatever the id holds (`#`, `?`, `/`, `..`, `%`, space,
unicode). The server here is a tiny ASGI app behind `httpx.ASGITransport` that records the raw
path and query string of every request, as a server on a socket would see them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import ProviderError, make_provider
from sessionboard.providers.base import Provider
from tests.providers.conftest import provider_config

# (id, how it must look in the raw path): written out by hand, not computed by the code under test.
HOSTILE = [
    ("a#frag", "a%23frag"),
    ("../../../admin/x", "%2E%2E%2F%2E%2E%2F%2E%2E%2Fadmin%2Fx"),
    ("a?force=true", "a%3Fforce%3Dtrue"),
    ("%2e%2e", "%252e%252e"),
    ("a b", "a%20b"),
    ("sess_ü/é", "sess_%C3%BC%2F%C3%A9"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("v1.2", "v1%2E2"),
]

ANSWERS: dict[str, Any] = {
    "vsay": {"success": True, "message": "ok", "data": {"id": "x", "sessions": [], "logs": []}},
    "agents": {"id": "x", "agentId": "a", "taskId": "t"},
    "tasknet": {"sessionUUID": "x", "vncPassword": "pw", "status": "running"},
    "devices": {"id": "x", "device": {"id": "d"}},
    "rufus": {"body": {"description": "ok", "result": [{"token_session": "x", "active": True}]}},
}


class PathRecorder:
    """An ASGI app answering every request with its kind's envelope, keeping (method, raw path, query)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seen: list[tuple[str, bytes, bytes]] = []

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Any) -> None:
        assert scope["type"] == "http"
        self.seen.append((scope["method"], scope["raw_path"], scope["query_string"]))
        body = json.dumps(ANSWERS[self.kind]).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})


def adapter(kind: str, **extra: Any) -> tuple[Provider, PathRecorder]:
    app = PathRecorder(kind)
    config = parse_config({"providers": [provider_config(kind, **extra)]})
    return make_provider(config.providers[0], timeout=5, transport=httpx.ASGITransport(app=app)), app


def last_segment(raw_path: bytes, prefix: str) -> str:
    """The rest of the raw path after `prefix`, which must be one segment (no `/` in it)."""
    text = raw_path.decode("ascii")
    assert text.startswith(prefix), (text, prefix)
    rest = text[len(prefix):]
    assert "/" not in rest, f"{text!r}: the id is more than one segment"
    return rest


OPERATIONS: list[tuple[str, str, Callable[[Provider, str], Awaitable[Any]], str, str]] = [
    # (kind, what, call, method, path prefix before the id; a suffix after it is checked apart)
    ("vsay", "get", lambda p, i: p.get_session(i), "GET", "/base/sessions/"),
    ("vsay", "close", lambda p, i: p.close_session(i), "DELETE", "/base/sessions/"),
    ("vsay", "logs", lambda p, i: p.logs(i), "GET", "/base/sessions/"),  # + /logs
    ("agents", "close", lambda p, i: p.close_session(i), "DELETE", "/base/api/active-sessions/"),
    ("agents", "close by task", lambda p, i: p.close_by_task(i), "DELETE", "/base/api/active-sessions/by-task/"),
    ("agents", "link", lambda p, i: p.link_provider_session(i, "ps"), "PUT", "/base/api/active-sessions/provider-session/"),
    ("tasknet", "get", lambda p, i: p.get_session(i), "GET", "/base/live/v1/sessions/"),
    ("tasknet", "close", lambda p, i: p.close_session(i), "DELETE", "/base/live/v1/sessions/"),
    ("tasknet", "extend", lambda p, i: p.extend_session(i, 30), "PATCH", "/base/live/v1/sessions/"),
    ("tasknet", "vnc password", lambda p, i: p.vnc_password(i), "GET", "/base/live/v1/sessions/"),
    ("devices", "get", lambda p, i: p.get_session(i), "GET", "/base/api/v1/sessions/"),
    ("rufus", "get", lambda p, i: p.get_session(i), "GET", "/base/sessions/"),
    ("rufus", "close", lambda p, i: p.close_session(i), "PATCH", "/base/sessions/close/"),
]


@pytest.mark.parametrize("hostile,encoded", HOSTILE, ids=[h for h, _ in HOSTILE])
@pytest.mark.parametrize("kind,what,call,method,prefix", OPERATIONS, ids=[f"{o[0]}-{o[1]}" for o in OPERATIONS])
async def test_an_id_is_one_encoded_segment(kind, what, call, method, prefix, hostile, encoded):
    provider, app = adapter(kind)
    try:
        await call(provider, hostile)
    except ProviderError:
        pass  # the canned answer may not fit every verb; what was sent is the point
    finally:
        await provider.aclose()
    if what == "extend":  # the lease is read first (it is never shortened by surprise): a GET, then the PATCH
        assert [m for m, _, _ in app.seen] == ["GET", "PATCH"]
        assert last_segment(app.seen[0][1], prefix) == encoded
        del app.seen[0]
    assert len(app.seen) == 1
    sent_method, raw_path, query = app.seen[0]
    assert sent_method == method
    if what == "logs":
        assert raw_path.endswith(b"/logs")
        raw_path = raw_path[: -len(b"/logs")]
        assert query == b"format=json"
    else:
        assert query == b""  # nothing of the id became a query string
    segment = last_segment(raw_path, prefix)
    assert segment == encoded
    assert unquote(segment) == hostile  # and the server decodes it back to the very id


@pytest.mark.parametrize("hostile,encoded", HOSTILE, ids=[h for h, _ in HOSTILE])
async def test_agents_heartbeat_puts_the_task_id_in_one_segment(hostile, encoded):
    provider, app = adapter("agents")
    provider._task_of["s1"] = hostile  # the session's taskId, as a listing would have learned it
    await provider.extend_session("s1")
    await provider.aclose()
    assert [(m, last_segment(p, "/base/api/active-sessions/heartbeat/")) for m, p, _ in app.seen] == [("PUT", encoded)]


@pytest.mark.parametrize("hostile,encoded", HOSTILE, ids=[h for h, _ in HOSTILE])
async def test_rufus_device_ids_from_the_config_are_one_segment_too(hostile, encoded):
    provider, app = adapter("rufus", devices=[hostile])
    await provider.list_sessions()
    await provider.device_active(hostile)
    await provider.aclose()
    paths = [p.decode() for _, p, _ in app.seen]
    assert paths[0] == f"/base/sessions/device/{encoded}"
    assert paths[1] == f"/base/sessions/device/{encoded}/active"


async def test_tasknet_mode_is_one_segment():
    provider, app = adapter("tasknet", mode="../admin")
    await provider.list_sessions()
    await provider.aclose()
    assert app.seen[0][1] == b"/base/%2E%2E%2Fadmin/v1/sessions"


@pytest.mark.parametrize("kind,what,call,method,prefix", OPERATIONS, ids=[f"{o[0]}-{o[1]}" for o in OPERATIONS])
async def test_an_empty_id_is_refused_before_sending(kind, what, call, method, prefix):
    """`sessions/` + "" is the list itself: `close vsay ''` must not become a DELETE of the collection."""
    provider, app = adapter(kind)
    with pytest.raises(ProviderError) as info:
        await call(provider, "")
    await provider.aclose()
    assert "empty id" in info.value.message
    assert app.seen == []
