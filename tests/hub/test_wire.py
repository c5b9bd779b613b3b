"""The wire format: sessions and changes come back exactly as written, and anything the hub would
not have written is refused as `BadData` (never a crash, never a wrong session)."""

from __future__ import annotations

import json

import pytest

from sessionboard.hub.wire import (
    MAX_VALUE_BYTES,
    BadData,
    Change,
    Keys,
    Meta,
    decode_change,
    decode_meta,
    decode_session,
    encode_meta,
    encode_session,
)
from sessionboard.model import Session

SESSION = Session(
    provider="ssh", kind="vsay", id="s:1/é", name="web \ud800 \x1b[31m", status="active", target="m1",
    user=None, started_at="2030-01-01T00:00:00Z", raw={"n": 1.5, "deep": [{"x": None}], "token": "***"}, stale=True,
)


def record(**changes: object) -> bytes:
    data = json.loads(encode_session(SESSION))
    data["session"].update(changes)
    return json.dumps(data).encode()


def test_a_session_comes_back_equal_with_its_stale_flag_and_odd_text() -> None:
    back = decode_session(SESSION.id.encode(), encode_session(SESSION), "ssh", "vsay")
    assert back == SESSION and back.stale is True
    assert back.to_json() == SESSION.to_json()


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (b"not json", "not JSON"),
        (b"[1,2]", "not a session record"),
        (record(status="gone"), "status"),
        (record(name=5), "name is not a string"),
        (record(raw=[1]), "raw is not an object"),
        (record(id="other"), "id does not match"),
        (record(provider="lab"), "another provider"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    ],
)
def test_what_the_hub_would_not_write_is_refused(value: bytes, why: str) -> None:
    with pytest.raises(BadData, match=why):
        decode_session(SESSION.id, value, "ssh", "vsay")


def test_a_huge_value_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(BadData, match="larger than"):
        decode_session("x", b" " * (MAX_VALUE_BYTES + 1), "ssh", "vsay")


def test_meta_round_trip_and_refusals() -> None:
    meta = Meta("ssh", "vsay", "e1", 7, polled_at=10.5, latency=0.2, error="x", stale=True, polls=9, failures=1,
                hub="h:1", requested_by="alex@box")
    assert decode_meta(encode_meta(meta), "ssh") == meta
    good = meta.to_json()
    for bad, why in [({"v": 2}, "version"), ({"seq": -1}, "seq"), ({"seq": True}, "seq"),
                     ({"polled_at": "now"}, "polled_at"), ({"provider": "lab"}, "another provider"),
                     ({"stale": "yes"}, "stale")]:
        with pytest.raises(BadData, match=why):
            decode_meta(json.dumps({**good, **bad}), "ssh")


def test_a_change_decodes_to_its_sessions_and_removals() -> None:
    meta = Meta("ssh", "vsay", "e1", 3)
    change = Change(meta, {SESSION.id: encode_session(SESSION)}, ("gone",))
    back = decode_change(change.encode(), "ssh", "vsay")
    assert back.meta == meta and back.upsert == {SESSION.id: SESSION} and back.remove == ("gone",)
    assert not back.reset
    with pytest.raises(BadData, match="config says"):
        decode_change(change.encode(), "ssh", "agents")


def test_keys_cannot_collide_between_provider_names() -> None:
    assert Keys("p", "a:b").sessions != Keys("p:a", "b").sessions
    assert Keys("p", "a:b").sessions == "p:sessions:a%3Ab"
