"""`watch`'s own parts in-process: which events `--events` keeps, and the readable line of each."""

from __future__ import annotations

import asyncio
import json

import pytest

from sessionboard.cli.watch import Printer, event_line, parse_events
from sessionboard.errors import UsageError
from sessionboard.model import Session
from sessionboard.poller.events import SessionEvent

AT = 1_900_000_000.0
S = Session(provider="browsers", kind="tasknet", id="b1", name="api", status="active",
            expires_at="2030-03-17T17:50:00Z")


def test_events_filter_and_existing_with_initial():
    assert parse_events(None, False) == {"appeared", "changed", "ended", "expiring", "provider_error", "provider_ok"}
    assert parse_events("ended, appeared", True) == {"ended", "appeared", "existing"}
    for bad in ("exploded", ",", "appeared,nope"):
        with pytest.raises(UsageError):
            parse_events(bad, False)


def test_the_printer_prints_only_the_wanted_events(capsys):
    printer = Printer(True, frozenset({"ended", "provider_error"}), asyncio.Event())
    printer.show([
        SessionEvent("appeared", "browsers", AT, S),
        SessionEvent("ended", "browsers", AT, S),
        SessionEvent("provider_ok", "browsers", AT),
        SessionEvent("provider_error", "browsers", AT, error="boom \x1b[2J"),
    ])
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["ended", "provider_error"]
    assert "\x1b" not in lines[1] and json.loads(lines[1])["error"] == "boom \x1b[2J"
    assert printer.printed == 2


def test_readable_lines():
    assert event_line(SessionEvent("appeared", "browsers", AT, S)) == (
        "2030-03-17T17:46:40.000Z  appeared        browsers  b1 (api) active"
    )
    assert event_line(SessionEvent("changed", "browsers", AT, S, ("expires_at", "raw"))).endswith(
        "b1 (api) active; changed: expires_at, raw"
    )
    assert event_line(SessionEvent("expiring", "browsers", AT, S, deadline=AT + 200)).endswith(
        "; lease ends 2030-03-17T17:50:00.000Z"
    )
    assert event_line(SessionEvent("provider_error", "browsers", AT, error="HTTP 500")) == (
        "2030-03-17T17:46:40.000Z  provider_error  browsers: HTTP 500"
    )
