"""Row 12 of issue 14: a 429 or 503 with `Retry-After` (seconds or an HTTP date) holds every
request to that provider until then, capped at ten minutes; the error carries the hold."""

from __future__ import annotations

from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from sessionboard.providers import ProviderError
from sessionboard.providers.retry import MAX_HOLD, retry_after_seconds
from tests.providers.conftest import json_response

NOW = 1_800_000_000.0


def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.fromtimestamp(NOW + seconds_from_now, timezone.utc), usegmt=True)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("120", 120.0),
        (" 30 ", 30.0),
        ("0", 0.0),
        (http_date(90), 90.0),
        (http_date(-90), 0.0),  # a date past is no hold
        ("3600", MAX_HOLD),  # an hour asked: ten minutes held
        ("9" * 5000, MAX_HOLD),  # more digits than int() takes
        (http_date(365 * 86400), MAX_HOLD),
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("1e3", None),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: a digit to str.isdigit, not to RFC 9110
    ],
)
def test_retry_after_in_seconds_or_as_a_date(value, expected):
    assert retry_after_seconds(value, NOW) == expected


EMPTY = {"agents": [], "devices": {"data": []}, "tasknet": {}, "vsay": {"success": True, "data": {"sessions": []}}}


def limited(status: int, retry_after: str | None, kind: str = "agents"):
    """A handler: the first request gets `status` (with Retry-After when given), the rest an empty list."""
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            headers = {"content-type": "application/json"}
            if retry_after is not None:
                headers["retry-after"] = retry_after
            return httpx.Response(status, content=b'{"message": "slow down"}', headers=headers)
        return json_response(200, EMPTY[kind])

    return handler


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_429_holds_every_request_until_its_retry_after(make):
    provider, rec = make("agents", limited(429, "120"))
    provider.clock = clock = Clock()
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert info.value.retry_after == 120 and info.value.status == 429
    assert info.value.message == (
        "GET /api/active-sessions: rate limited (HTTP 429): slow down; asked to wait 120 s (Retry-After)"
    )
    # Within the hold nothing is sent: not a poll, not an action.
    clock.now += 119
    for call in (provider.list_sessions(), provider.close_session("s1"), provider.cleanup()):
        with pytest.raises(ProviderError) as held:
            await call
        assert "not sent" in held.value.message and "next request in 1 s" in held.value.message
        assert held.value.retry_after == pytest.approx(1)
    assert len(rec.requests) == 1
    clock.now += 1.5  # the hold is over
    assert await provider.list_sessions() == []
    assert len(rec.requests) == 2


async def test_a_503_with_an_http_date_holds_too(make):
    in_45_s = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=45), usegmt=True)
    provider, rec = make("vsay", limited(503, in_45_s, "vsay"))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert 40 < info.value.retry_after <= 45
    with pytest.raises(ProviderError):
        await provider.list_sessions()
    assert len(rec.requests) == 1


async def test_the_hold_is_capped_at_ten_minutes(make):
    provider, rec = make("tasknet", limited(429, "86400", "tasknet"))
    provider.clock = clock = Clock()
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert info.value.retry_after == MAX_HOLD == 600
    clock.now += 601
    await provider.list_sessions()
    assert len(rec.requests) == 2


@pytest.mark.parametrize("status,retry_after", [(429, None), (429, "soon"), (500, "120"), (429, "0")])
async def test_no_hold_without_a_usable_retry_after_on_a_429_or_503(make, status, retry_after):
    provider, rec = make("devices", limited(status, retry_after, "devices"))
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert info.value.retry_after is None
    assert "Retry-After" not in info.value.message
    await provider.list_sessions()  # sent at once
    assert len(rec.requests) == 2


async def test_a_hold_set_by_one_request_covers_the_others(make):
    """Rufus lists its devices at once: a 429 on one holds the next listing of them all."""
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if request.url.path.endswith("RUF-002"):
            return httpx.Response(429, headers={"retry-after": "30"}, content=b"")
        return json_response(200, {"body": {"result": []}})

    provider, rec = make("rufus", handler, devices=["RUF-001", "RUF-002"])
    provider.clock = Clock()
    with pytest.raises(ProviderError) as info:
        await provider.list_sessions()
    assert info.value.retry_after == 30
    with pytest.raises(ProviderError):
        await provider.get_session("tok")
    assert len(rec.requests) == 2 and provider.held_for() == 30
