"""Sorting (issue 15 item 7): `I` turns the order round (rebindable as `sort_reverse`), the header's
arrow says which way it runs and is never cut, and a click on a header sorts by that column (a
second click turns it round)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.app import App, ComposeResult

from sessionboard.model import Session
from sessionboard.ui.clock import fixed_now
from sessionboard.ui.widgets.sessions import SessionTable
from tests.ui.helpers import console, messages

SIZES = [(80, 24), (120, 35), (200, 50)]


def label_x(table: SessionTable, key: str) -> int:
    """Where a column's header is, in the table's cells."""
    x = 1
    for column, width in zip(table.columns_shown.columns, table.columns_shown.widths):
        if column.key == key:
            return x
        x += width + 2
    raise AssertionError(f"{key} not shown")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_i_reverses_the_order_and_the_arrow_says_so(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, app, pilot, screen):
        table = screen.table
        table.set_sort("started")
        await pilot.pause()
        forward = table.keys()
        assert "started ▼" in table.render_line(0).text  # newest first
        times = [table.session(k).started_at for k in forward]
        assert times == sorted(times, reverse=True)
        await pilot.press("I")
        await pilot.pause()
        assert table.sort_reverse and table.keys() == forward[::-1]
        assert "started ▲" in table.render_line(0).text and "started ▼" not in table.render_line(0).text
        assert "sort: started ▲" in str(screen.query_one("#title").render())
        assert any("sorted by started, oldest first" in m for m in messages(app))
        await pilot.press("I")
        await pilot.pause()
        assert not table.sort_reverse and table.keys() == forward


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionTable(now=fixed_now(2_000_000_000.0))


def session(n: int, name: str) -> Session:
    return Session("p", "vsay", f"s{n:04d}", name, "active", started_at=f"2033-05-18T10:{n % 60:02d}:00Z")


async def test_a_poll_puts_new_rows_where_they_sort_in_a_reversed_order() -> None:
    """A few rows that come or change place go where they sort (bisect), the other way round too:
    the order is the one a full sort gives."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(SessionTable)
        sessions = [session(n, f"name {n * 7919 % 1000:03d}") for n in range(300)]
        table.apply_sessions("p", sessions)
        table.set_sort("name", reverse=True)
        await pilot.pause()
        assert [table.session(k).name for k in table.keys()] == sorted((s.name for s in sessions), reverse=True)
        changed = [*sessions[5:], session(900, "name 500a"), session(901, "aaa"), session(902, "zzz")]
        changed[10] = replace(changed[10], name="name 250b")  # moves
        stats = table.apply_sessions("p", changed)
        await pilot.pause()
        assert stats.reordered and stats.added == 3 and stats.removed == 5
        names = [table.session(k).name for k in table.keys()]
        assert names == sorted((s.name for s in changed), reverse=True)
        assert names[0] == "zzz" and names[-1] == "aaa"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_click_on_a_header_sorts_by_it_and_again_reverses(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, _, pilot, screen):
        table = screen.table
        await pilot.click(table, offset=(label_x(table, "status") + 1, 0))
        await pilot.pause()
        assert table.sort_key == "status" and not table.sort_reverse
        assert "status ▲" in table.render_line(0).text
        await pilot.click(table, offset=(label_x(table, "status") + 1, 0))
        await pilot.pause()
        assert table.sort_key == "status" and table.sort_reverse
        assert "status ▼" in table.render_line(0).text
        await pilot.click(table, offset=(label_x(table, "expires") + 1, 0))
        await pilot.pause()
        assert table.sort_key == "expires" and not table.sort_reverse
        assert "sort: expires ▲" in str(screen.query_one("#title").render())


async def test_the_reverse_key_is_rebound_by_its_action_name() -> None:
    async with console(poll_interval=600, keys={"sort_reverse": "ctrl+r"}) as (_, _, pilot, screen):
        await pilot.press("I")
        await pilot.pause()
        assert not screen.table.sort_reverse
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.table.sort_reverse


async def test_s_cycles_through_the_columns_on_screen() -> None:
    async with console(size=(80, 24), poll_interval=600) as (_, _, pilot, screen):
        table = screen.table
        shown = [c.key for c in table.columns_shown.columns]
        assert "last_activity" not in shown  # no room at 80 columns
        seen = []
        for _ in shown:
            await pilot.press("s")
            seen.append(table.sort_key)
        assert seen == [*shown[1:], shown[0]]
