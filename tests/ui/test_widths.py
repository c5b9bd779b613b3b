"""Everyday widths (issue 15 item 4): at 80x24, 120x35 and 200x50 the table shows the columns it
has room for, each whole (its header never cut, the sort arrow included) or not at all, the less
useful dropped first; the provider panel is one line on a narrow screen, leaving the rows to the
sessions; the key bar never drops `?` and `q`."""

from __future__ import annotations

import pytest

from sessionboard.ui.widgets.keys import KeyBar
from sessionboard.ui.widgets.sessions import SessionTable
from sessionboard.ui.widgets.sessions.columns import ALL_COLUMNS, EXPIRES, GAP, fit_columns
from tests.ui.helpers import console, screen_text

SIZES = [(80, 24), (120, 35), (200, 50)]
WATCHED = ("provider", "name", "status", "started", "expires")
"""What an operator watches, at every size (a tasknet operator watches `expires`)."""


def header(table: SessionTable) -> str:
    return table.render_line(0).text


def assert_whole_or_absent(table: SessionTable) -> None:
    """The header is exactly the shown columns' labels, each whole, and nothing reaches past the
    table's right edge (no column half on screen, no sideways scrolling needed)."""
    text = header(table)
    shown = table.columns_shown
    labels = [c.header(c.key == table.sort_key, table.sort_reverse) for c in shown.columns]
    assert "…" not in text, text
    assert text.split() == " ".join(labels).split(), text
    for column, width in zip(shown.columns, shown.widths):
        assert len(column.header(column.key == table.sort_key, table.sort_reverse)) <= width
    assert shown.row_width <= table.scrollable_content_region.width
    assert table.virtual_size.width <= table.scrollable_content_region.width


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_columns_an_operator_watches_are_on_screen_whole(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, app, pilot, screen):
        table = screen.table
        keys = [c.key for c in table.columns_shown.columns]
        for key in WATCHED:
            assert key in keys, (size, keys)
        assert_whole_or_absent(table)
        # the expires column shows the countdown itself, in full, on a tasknet row
        browsers = next(k for k in table.keys() if k[0] == "browsers" and table.session(k).expires_at)
        table.select_key(browsers)
        await pilot.pause()
        row = table.row_of(browsers)
        assert row is not None
        line = table.render_line(row - int(table.scroll_offset.y) + 1).text.rstrip()
        countdown = table.row_text(row).split()[-1]
        assert ":" in countdown and line.endswith(countdown), line
        # the sort arrow, on every column it can sort by, never cuts its header
        for key in [c.key for c in table.columns_shown.columns]:
            table.set_sort(key)
            await pilot.pause()
            assert_whole_or_absent(table)
            assert table.column(key).header(True, False) in header(table)
            table.reverse_sort()
            await pilot.pause()
            assert_whole_or_absent(table)
            assert table.column(key).header(True, True) in header(table)
        if size[0] >= 200:
            assert len(table.columns_shown.columns) == len(ALL_COLUMNS)  # room for every one
        assert "starte " not in screen_text(app) + " "


def test_less_useful_columns_drop_first_and_a_wider_table_only_adds() -> None:
    previous: list[str] = []
    for width in range(20, 160):
        shown = [c.key for c in fit_columns(ALL_COLUMNS, width, "provider").columns]
        assert set(previous) <= set(shown), (width, previous, shown)
        by_priority = sorted(ALL_COLUMNS, key=lambda c: c.priority)
        # what is shown is always a prefix of the priority order: nothing less useful in a more useful one's place
        assert {c.key for c in by_priority[: len(shown)]} == set(shown), (width, shown)
        previous = shown
    layout = fit_columns(ALL_COLUMNS, 60, "expires")
    assert EXPIRES in layout.columns and layout.widths[-1] >= len("expires ▲")
    assert layout.row_width <= 60 and layout.row_width == 1 + sum(layout.widths) + GAP * (len(layout.widths) - 1)


async def test_at_80x24_the_provider_panel_is_one_line_and_ten_rows_of_sessions_show() -> None:
    async with console(size=(80, 24), poll_interval=600) as (_, _, pilot, screen):
        assert screen.panel.region.height == 1
        table = screen.table
        assert table.region.height - 1 >= 10  # the header row aside
        assert table.row_count >= 10
        for y in range(1, 11):  # ten rows painted with their sessions
            key = table.keys()[int(table.scroll_offset.y) + y - 1]
            assert table.render_line(y).text.split()[0] == key[0]
        strip = screen.panel.render_line(0).text
        for name in ("all", "timing", "lab", "ssh", "agents", "browsers"):
            assert name in strip
        # wider, the panel is back at the side with a line or two per provider
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert screen.panel.region.height > 5 and screen.panel.region.x == 0


async def test_the_narrow_panel_names_a_failing_provider_and_chooses_on_a_click() -> None:
    from sessionboard.sim.faults import Fault

    async with console(size=(80, 24), poll_interval=600) as (cluster, _, pilot, screen):
        cluster.sims["agents"].fault = Fault("500")
        await pilot.press("r")
        await pilot.pause(0.5)
        for _ in range(100):
            if screen.statuses["agents"].error:
                break
            await pilot.pause(0.05)
        assert screen.statuses["agents"].error
        await pilot.pause()
        strip = screen.panel.render_line(0).text
        assert "✖ agents" in strip and "agents: " in strip, strip
        # a click on a provider in the strip shows only its sessions
        start = strip.index("lab")
        await pilot.click(screen.panel, offset=(start + 1, 0))
        await pilot.pause()
        assert screen.table.provider_filter == "lab"
        assert {k[0] for k in screen.table.keys()} == {"lab"}
        assert "▶ lab" in screen.panel.render_line(0).text


@pytest.mark.parametrize("width", [40, 80, 120, 200])
async def test_the_key_bar_never_drops_help_and_quit(width: int) -> None:
    async with console(size=(width, 24), poll_interval=600, keys={"help": "f1", "quit": "ctrl+q"}) as (_, app, _, _):
        bar = app.screen.query_one(KeyBar)
        text = bar.render().plain
        assert "f1 Help" in text and "ctrl+q Quit" in text, text
        assert len(text) <= width
        if width >= 80:
            assert "/ Filter" in text and "enter Detail" in text
        if width >= 200:
            assert "^p palette" in text and "I Reverse" in text


async def test_the_narrow_panel_is_chosen_from_with_the_keyboard_too() -> None:
    async with console(size=(80, 24), poll_interval=600) as (_, app, pilot, screen):
        panel = screen.panel
        panel.focus()
        await pilot.pause()
        before = panel.render_line(0)
        await pilot.press("right", "right")  # all -> timing -> lab
        await pilot.pause()
        after = panel.render_line(0)
        assert after.text == before.text and list(after) != list(before)  # the mark moved, the words did not
        await pilot.press("enter")
        await pilot.pause()
        assert screen.table.provider_filter == "lab"
        await pilot.press("left", "left", "enter")
        await pilot.pause()
        assert screen.table.provider_filter is None
