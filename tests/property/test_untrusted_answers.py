"""Property: whatever a provider answers, per kind, the adapter returns sessions or raises one
`ProviderError` (never anything else), the poller's snapshot holds what the adapter gave, and
what a person sees of it holds no raw control character: the table's painted row strips, the
detail pane's text, the CLI's table, its `--json` array and its error line.

Answers are built from the seeds' shapes with arbitrary fields (`strategies.py`); the HTTP layer
is `httpx.MockTransport`; the table is a real `SessionTable` in a headless app, painted line by
line. Deterministic (derandomized, no example database) and bounded: 60 examples per kind."""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from sessionboard.cli import output
from sessionboard.config import parse_config
from sessionboard.errors import ProviderError
from sessionboard.model import Session, is_safe
from sessionboard.poller import ProviderPoller, Snapshot
from sessionboard.providers import make_provider
from sessionboard.providers.base import Provider
from sessionboard.sim.hostile import KINDS, RUFUS_DEVICES, HostileServer
from sessionboard.ui.clock import fixed_now
from sessionboard.ui.widgets.detail.pane import detail_text
from sessionboard.ui.widgets.sessions import SessionTable
from tests.property.strategies import answers, envelope
from tests.ui.helpers import FIXED

RAW_IN_JSON = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What `--json` output may not hold raw: inside its strings JSON escapes these as \\uXXXX."""
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


class TableApp(App[None]):
    """Just the session table, tall and wide enough that every row is painted."""

    def compose(self) -> ComposeResult:
        yield SessionTable(now=fixed_now(FIXED.timestamp()))


@pytest.fixture
async def pilot() -> AsyncIterator[Pilot[Any]]:
    app = TableApp()
    async with app.run_test(size=(230, 80)) as running:
        yield running


def provider_for(kind: str, status: int, body: bytes) -> Provider:
    entry = HostileServer("clean", kinds=(kind,)).provider_table(kind, "property-key")
    config = parse_config({"providers": [entry]}).providers[0]
    empty = json.dumps(envelope(kind, [])).encode()

    def answer(request: httpx.Request) -> httpx.Response:
        quiet = kind == "rufus" and not request.url.path.endswith(RUFUS_DEVICES[0])  # one device answers
        return httpx.Response(200 if quiet else status, content=empty if quiet else body,
                              headers={"content-type": "application/json"})

    return make_provider(config, timeout=5.0, transport=httpx.MockTransport(answer))


def painted(table: SessionTable) -> list[str]:
    return ["".join(segment.text for segment in table.render_line(y)) for y in range(table.row_count + 1)]


def cli_error_line(text: str) -> str:
    """What the CLI writes to stderr for one error or warning line."""
    stream = io.StringIO()
    with contextlib.redirect_stderr(stream):
        output.error(text)
    return stream.getvalue()


async def check(pilot: Pilot[Any], kind: str, status: int, body: bytes) -> None:
    provider = provider_for(kind, status, body)
    error: ProviderError | None = None
    warnings: tuple[str, ...] = ()
    try:
        listing = await provider.poll()
        sessions: list[Session] = list(listing)
        warnings = listing.warnings  # skipped sessions, duplicate ids: lines a person reads
    except ProviderError as exc:  # the one exception an answer may cause
        sessions, error = [], exc
    snapshot: Snapshot = await ProviderPoller(provider, 5.0, lambda snap: None).poll_once()
    await provider.aclose()
    assert (snapshot.error is None) == (error is None)
    assert list(snapshot.sessions) == sessions

    table = pilot.app.query_one(SessionTable)
    table.set_show_all(True)
    table.apply_sessions(provider.name, snapshot.sessions, stale=snapshot.stale)
    await pilot.pause()
    for line in painted(table):
        assert is_safe(line), repr(line)
    for session in sessions:
        text = detail_text(session).plain
        assert is_safe(text, multiline=True), repr(text[:500])

    for line in output.session_table(sessions).split("\n"):
        assert is_safe(line), repr(line)
    array = output.json_array(s.to_json() for s in sessions)
    assert RAW_IN_JSON.search(array) is None
    assert len(json.loads(array)) == len(sessions)
    for said in ([error.line()] if error is not None else []) + [f"{provider.name}: {w}" for w in warnings]:
        line = cli_error_line(said)
        assert line.endswith("\n") and is_safe(line[:-1]), repr(line)


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(data=st.data())
async def test_any_answer_becomes_sessions_or_one_error_and_shows_no_control_byte(
    pilot: Pilot[Any], kind: str, data: st.DataObject
) -> None:
    status, body = data.draw(answers(kind), label="answer")
    await check(pilot, kind, status, body)
