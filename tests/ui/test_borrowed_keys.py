"""Keys people bring from other tools, and the mouse (issue 15 item 9): `j`/`k`, `g`/`G` and
`ctrl+d`/`ctrl+u` move the table's cursor, unless the console binds that key (a `[keys]` entry
wins: `close = "ctrl+d"` closes); a click selects a row, a double click opens its detail."""

from __future__ import annotations

import pytest

from sessionboard.ui.screens.confirm import ConfirmScreen
from tests.ui.helpers import console

SIZES = [(80, 24), (120, 35), (200, 50)]
ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@ids
async def test_j_k_g_shift_g_and_half_pages_move_the_cursor(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, _, pilot, screen):
        table = screen.table
        assert table.cursor_row == 0
        await pilot.press("j", "j", "j")
        assert table.cursor_row == 3
        await pilot.press("k")
        assert table.cursor_row == 2
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        half = (table.scrollable_content_region.height - 1) // 2
        await pilot.press("ctrl+d")
        assert table.cursor_row == half
        await pilot.press("ctrl+d")
        assert table.cursor_row == min(2 * half, table.row_count - 1)
        await pilot.press("ctrl+u")
        assert table.cursor_row == half
        assert table.selected is not None and table.selected.key == table.keys()[half]


async def test_a_key_the_config_binds_wins_over_a_borrowed_one() -> None:
    """CONFIG.md's own example rebinds close to ctrl+d: it must close, not page down."""
    async with console(poll_interval=600, keys={"close": "ctrl+d", "refresh": "g"}) as (cluster, app, pilot, screen):
        table = screen.table
        table.select_key(next(k for k in table.keys() if k[0] == "ssh"))
        await pilot.pause()
        row = table.cursor_row
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert table.cursor_row == row
        await pilot.press("escape")
        await pilot.pause()
        gets = len(cluster.sims["vsay"].requests)
        await pilot.press("g")  # refresh, not the first row
        await pilot.pause(0.3)
        assert table.cursor_row == row
        assert len(cluster.sims["vsay"].requests) > gets
        await pilot.press("G")  # not rebound: still the last row
        assert table.cursor_row == table.row_count - 1


@ids
async def test_a_click_selects_a_row_and_a_double_click_opens_its_detail(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, app, pilot, screen):
        table = screen.table
        await pilot.click(table, offset=(5, 4))  # the header is row 0: the fourth session
        await pilot.pause()
        assert table.cursor_row == 3
        assert screen.detail.session is not None and screen.detail.session.key == table.keys()[3]
        if screen.narrow:
            assert not screen.has_class("-detail-open")
        await pilot.double_click(table, offset=(5, 6))
        await pilot.pause()
        assert table.cursor_row == 5
        if screen.narrow:
            assert screen.has_class("-detail-open")
            await pilot.pause()
            assert screen.detail.region.height > 3
        else:
            assert app.focused is screen.detail
        assert screen.detail.session is not None and screen.detail.session.key == table.keys()[5]
        if screen.narrow:  # another double click keeps it open (it opens, never toggles)
            await pilot.double_click(table, offset=(5, 2))
            await pilot.pause()
            assert screen.has_class("-detail-open") and table.cursor_row == 1
