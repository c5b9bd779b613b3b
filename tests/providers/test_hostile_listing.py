"""Rows 13 and 14 of issue 14: one malformed session is one line, not the provider's failure, and
an id listed twice is kept once (the first) with a warning naming it, in the adapters, the
poller's snapshot, `list` (stderr lines, exit 0) and `check`."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from sessionboard.cli.commands import check_command, list_command
from sessionboard.config import parse_config
from sessionboard.model import Listing, is_safe
from sessionboard.poller import ProviderPoller, Snapshot
from tests.providers.conftest import json_response, provider_config
from tests.providers.rawhttp import head, raw_server


def good(kind: str, sid: str, name: str = "n") -> dict[str, Any]:
    return {
        "vsay": {"id": sid, "status": "active", "machine": {"id": "m", "name": name}},
        "agents": {"id": sid, "agentId": name, "taskId": "t"},
        "tasknet": {"sessionUUID": sid, "driver": name, "status": "running"},
        "devices": {"id": sid, "device": {"id": "d", "name": name}},
        "rufus": {"token_session": sid, "alias": name, "active": True},
    }[kind]


ID_KEY = {"vsay": "id", "agents": "id", "tasknet": "sessionUUID", "devices": "id", "rufus": "token_session"}
WRONG_FIELD = {  # a field of the wrong type, and how the line names it
    "vsay": ("machine", "a string", "machine: not an object"),
    "agents": ("taskId", 7, "taskId: not a string"),
    "tasknet": ("currentLeaseTime", "long", "currentLeaseTime: not a whole number"),
    "devices": ("device", None, "device: not an object"),
    "rufus": ("active", "maybe", "active: not true or false"),
}


def hostile_items(kind: str) -> list[Any]:
    key = ID_KEY[kind]
    field, value, _ = WRONG_FIELD[kind]
    return [
        good(kind, "g1", "first"),
        good(kind, "g2"),
        {**good(kind, "x"), key: None},  # 3: id null
        good(kind, "g3"),
        {**good(kind, "x"), key: 42},  # 5: id a number
        {**good(kind, "bad"), field: value},  # 6: a wrong-typed field
        "not a session",  # 7
        good(kind, "g1", "second"),  # 8: g1 again
        {k: v for k, v in good(kind, "x").items() if k != key},  # 9: no id at all
        good(kind, "g4"),
    ]


def envelope(kind: str, items: list[Any]) -> Any:
    return {
        "vsay": {"success": True, "data": {"sessions": items}},
        "agents": items,
        "tasknet": {"sessions": items},
        "devices": {"object": "list", "data": items, "nextCursor": None},
        "rufus": {"body": {"result": items}},
    }[kind]


def expected_skips(kind: str) -> list[str]:
    key = ID_KEY[kind]
    return [
        f"session 3 (id null) skipped: {key}: not a string",
        f"session 5 (id 42) skipped: {key}: not a string",
        f"session 6 (id bad) skipped: {WRONG_FIELD[kind][2]}",
        "session 7 skipped: not an object (a string)",
        f"session 9 (no id) skipped: {key}: missing",
    ]


KINDS = list(ID_KEY)


@pytest.mark.parametrize("kind", KINDS)
async def test_bad_sessions_are_skipped_and_named_and_the_rest_listed(make, kind):
    provider, _ = make(kind, lambda r: json_response(200, envelope(kind, hostile_items(kind))))
    listing = await provider.poll()
    assert isinstance(listing, Listing)
    assert [s.id for s in listing] == ["g1", "g2", "g3", "g4"]
    assert next(s for s in listing if s.id == "g1").name == "first"  # the first g1 kept, not the second
    assert list(listing.skipped) == expected_skips(kind)
    assert listing.duplicates == ("g1",)
    assert listing.warnings[-1] == "id g1 listed more than once; kept once (the first)"
    assert listing.summary == "5 sessions skipped, 1 duplicate id"
    # list_sessions (its callers want sessions only) gives the same sessions
    assert [s.id for s in await provider.list_sessions()] == ["g1", "g2", "g3", "g4"]


async def test_sessions_are_numbered_across_rufus_devices_and_ids_deduplicated_across_them(make):
    def handler(request):
        device = request.url.path.rsplit("/", 1)[-1]
        items = [good("rufus", "t1"), {"token_session": None, "active": True}] if device == "RUF-001" else [
            good("rufus", "t1"), good("rufus", "t2")]
        return json_response(200, {"body": {"result": items}})

    provider, _ = make("rufus", handler, devices=["RUF-001", "RUF-002"])
    listing = await provider.poll()
    assert [(s.id, s.target) for s in listing] == [("t1", "RUF-001"), ("t2", "RUF-002")]
    assert listing.skipped == ("session 2 (id null) skipped: token_session: not a string",)
    assert listing.duplicates == ("t1",)


async def test_devices_pages_are_one_listing(make):
    pages = {
        None: {"data": [good("devices", "a"), {"id": 5, "device": {"id": "d"}}], "nextCursor": "c1"},
        "c1": {"data": [good("devices", "a"), good("devices", "b")], "nextCursor": None},
    }
    provider, _ = make("devices", lambda r: json_response(200, pages[r.url.params.get("before")]))
    listing = await provider.poll()
    assert [s.id for s in listing] == ["a", "b"]
    assert listing.skipped == ("session 2 (id 5) skipped: id: not a string",)
    assert listing.duplicates == ("a",)


async def test_a_warning_holds_no_control_byte_and_no_unbounded_id(make):
    nasty = "\x1b]0;PWNED\x07" + "x" * 10_000
    items = [good("vsay", "ok"), {"id": nasty, "status": 3}, good("vsay", "\x1b[2Jdup"), good("vsay", "\x1b[2Jdup")]
    provider, _ = make("vsay", lambda r: json_response(200, envelope("vsay", items)))
    listing = await provider.poll()
    assert [s.id for s in listing] == ["ok", "\x1b[2Jdup"]  # the session itself is as the provider says
    for line in listing.warnings:
        assert is_safe(line) and len(line) < 300, line
    assert listing.skipped[0].startswith("session 2 (id \\x1b]0;PWNED\\x07xxx")


async def test_an_adapter_bug_on_one_session_costs_that_session(make, monkeypatch):
    provider, _ = make("agents", lambda r: json_response(200, [good("agents", "a"), good("agents", "boom")]))
    real = provider._to_session

    def flaky(item, what):
        if item["id"] == "boom":
            raise OverflowError("date value out of range")
        return real(item, what)

    monkeypatch.setattr(provider, "_to_session", flaky)
    listing = await provider.poll()
    assert [s.id for s in listing] == ["a"]
    assert listing.skipped == ("session 2 (id boom) skipped: internal error: OverflowError",)


async def test_the_snapshot_carries_the_warnings_and_keeps_them_while_polls_fail(make):
    answers = [json_response(200, envelope("vsay", hostile_items("vsay"))), json_response(500, {})]
    provider, _ = make("vsay", lambda r: answers.pop(0))
    seen: list[Snapshot] = []
    poller = ProviderPoller(provider, 60, seen.append, rng=random.Random(1))
    snap = await poller.poll_once()
    assert [s.id for s in snap.sessions] == ["g1", "g2", "g3", "g4"] and snap.error is None
    assert snap.warnings == (*expected_skips("vsay"), "id g1 listed more than once; kept once (the first)")
    assert snap.warning_summary == "5 sessions skipped, 1 duplicate id"
    failed = await poller.poll_once()
    assert failed.stale and failed.warnings == snap.warnings  # they still describe what is shown


# ---- the CLI ---------------------------------------------------------------------------------------


def cli_config(port: int) -> Any:
    return parse_config({"providers": [provider_config("vsay", base_url=f"http://127.0.0.1:{port}/v1")]})


async def serve_vsay(items: list[Any]):
    body = json.dumps(envelope("vsay", items)).encode()

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head(content_type="application/json", content_length=str(len(body))) + body)

    return raw_server(answer)


async def test_list_prints_the_good_sessions_names_the_bad_on_stderr_and_exits_0(capsys):
    async with await serve_vsay(hostile_items("vsay")) as port:
        status = await list_command(cli_config(port), None, as_json=True, show_all=True)
    out, err = capsys.readouterr()
    assert status == 0
    assert [s["id"] for s in json.loads(out)] == ["g1", "g2", "g3", "g4"]  # one of each id, in --json too
    assert err.splitlines() == [
        *(f"sessionboard: myvsay: {line}" for line in expected_skips("vsay")),
        "sessionboard: myvsay: id g1 listed more than once; kept once (the first)",
    ]


async def test_check_says_ok_and_each_warning(capsys):
    async with await serve_vsay(hostile_items("vsay")) as port:
        status = await check_command(cli_config(port))
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert status == 0
    assert lines[0].startswith("ok   myvsay (vsay): ") and lines[0].endswith(" ms, 4 sessions")
    assert lines[1:] == [
        *(f"warn myvsay (vsay): {line}" for line in expected_skips("vsay")),
        "warn myvsay (vsay): id g1 listed more than once; kept once (the first)",
    ]


async def test_check_says_a_provider_is_rate_limited(capsys):
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        body = b'{"success": false, "message": "too many requests"}'
        writer.write(head("429 Too Many Requests", content_type="application/json", retry_after="30",
                          content_length=str(len(body))) + body)

    async with raw_server(answer) as port:
        status = await check_command(cli_config(port))
    out, _ = capsys.readouterr()
    assert status == 1
    assert out.splitlines() == [
        "FAIL myvsay (vsay): GET /sessions: rate limited (HTTP 429): too many requests; asked to wait 30 s (Retry-After)"
    ]
