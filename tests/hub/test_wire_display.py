"""A session's display values (the adapter's optional columns) travel through the hub: a team
console offers the same columns as one polling directly."""

from __future__ import annotations

import json

import pytest

from sessionboard.hub.wire import BadData, decode_session, encode_session
from sessionboard.model import Session

SESSION = Session(
    provider="ag", kind="agents", id="a1", name="n", status="active",
    raw={"triggerType": "webhook"}, display={"trigger": "webhook", "provider_session": "ps_1"},
)


def test_display_values_come_back_equal() -> None:
    back = decode_session(SESSION.id, encode_session(SESSION), "ag", "agents")
    assert back == SESSION and dict(back.display) == {"trigger": "webhook", "provider_session": "ps_1"}


def test_a_session_without_display_values_writes_none_and_reads_back_empty() -> None:
    plain = Session(provider="ag", kind="agents", id="a2", name=None, status="active")
    data = json.loads(encode_session(plain))
    assert "display" not in data
    assert dict(decode_session("a2", encode_session(plain), "ag", "agents").display) == {}


@pytest.mark.parametrize("display", [[1], {"trigger": 5}, "webhook"])
def test_display_values_the_hub_would_not_write_are_refused(display: object) -> None:
    data = json.loads(encode_session(SESSION))
    data["display"] = display
    with pytest.raises(BadData, match="display"):
        decode_session(SESSION.id, json.dumps(data).encode(), "ag", "agents")
