"""The detail pane's JSON (issue 15 item 8): indented and in colour as `jq` shows it, never
wrapped (the pane scrolls sideways to read a long line), and still bounded by `raw_view`."""

from __future__ import annotations

import pytest
from textual.content import Content
from textual.widgets import Static

from sessionboard.model import Session
from sessionboard.poller import Snapshot
from sessionboard.ui.widgets.detail.jsonview import KEY_STYLE, NULL_STYLE, NUMBER_STYLE, STRING_STYLE, json_content
from sessionboard.ui.widgets.detail.pane import RAW_LINES, raw_view
from tests.ui.helpers import FIXED, console, settle, wait_for

SIZES = [(80, 24), (120, 35), (200, 50)]
LONG = "x" * 150 + " the end"


def styles_of(content: Content, text: str) -> list[str]:
    """The styles of the spans that cover exactly `text`."""
    plain = content.plain
    return [str(span.style) for span in content.spans if plain[span.start:span.end] == text]


def test_json_is_coloured_by_token() -> None:
    content = json_content(raw_view({"id": "a:b", "n": -12.5, "ok": True, "none": None, "list": [1, "two"]}))
    assert KEY_STYLE in styles_of(content, '"id"') and KEY_STYLE in styles_of(content, '"list"')
    assert styles_of(content, '"a:b"') == [STRING_STYLE]  # a colon inside a string is no key
    assert styles_of(content, "-12.5") == [NUMBER_STYLE] and styles_of(content, "1") == [NUMBER_STYLE]
    assert styles_of(content, "null") == [NULL_STYLE]
    assert styles_of(content, '"two"') == [STRING_STYLE]


def wide_session() -> Session:
    return Session(
        provider="ssh", kind="vsay", id="wide-one", name="wide", status="active",
        started_at="2035-03-02T09:00:00Z",
        raw={"note": LONG, "count": 3, "items": list(range(5000)), "nothing": None},
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_raw_json_scrolls_sideways_instead_of_wrapping(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, app, pilot, screen):
        session = wide_session()
        screen.apply_snapshot(Snapshot(provider="ssh", kind="vsay").succeeded([session], FIXED.timestamp(), 0.01))
        await pilot.pause()
        assert screen.table.select_key(session.key)
        await pilot.pause()
        await pilot.press("enter")  # narrow and medium: opens the pane; wide: into the pane
        await settle(pilot)
        pane = screen.detail
        if app.focused is not pane:
            pane.focus()
            await pilot.pause()
        raw = pane.query_one("#detail-raw", Static)
        text = raw_view(session.raw)
        lines = text.split("\n")
        assert raw.region.height == len(lines)  # one row per line: nothing wrapped
        assert f'"note": "{LONG}",' in text
        assert raw.size.width >= max(len(line) for line in lines) > pane.scrollable_content_region.width
        content = raw.render()
        assert isinstance(content, Content)
        assert KEY_STYLE in styles_of(content, '"note"') and STRING_STYLE in styles_of(content, f'"{LONG}"')
        assert pane.scroll_x == 0
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert pane.scroll_x > 0
        assert pane.max_scroll_x >= len(f'  "note": "{LONG}",') - pane.scrollable_content_region.width
        fields = pane.query_one("#detail-fields", Static)
        assert fields.size.width <= pane.scrollable_content_region.width  # the fields wrap to the pane


async def test_a_huge_raw_stays_bounded_in_lines() -> None:
    async with console(size=(200, 50), poll_interval=600) as (_, _, pilot, screen):
        session = Session("ssh", "vsay", "huge", "h", "active", raw={"items": list(range(100_000))})
        screen.apply_snapshot(Snapshot(provider="ssh", kind="vsay").succeeded([session], FIXED.timestamp(), 0.01))
        await pilot.pause()
        screen.table.select_key(session.key)
        await wait_for(pilot, lambda: screen.detail.session == session, "the pane shows it")
        await pilot.pause()
        raw = screen.detail.query_one("#detail-raw", Static)
        assert raw.region.height <= RAW_LINES + 10
        assert "more items)" in raw.render().plain  # type: ignore[union-attr]
