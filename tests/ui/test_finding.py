"""Finding and reading sessions (issue 15 items 5 and 6): the filter matches every normalized field
whole, the id included; ids and UUID-heavy values show their first 8 characters in the table and
whole in the detail pane; the id and each kind's own fields (declared by its adapter, never read
from `raw` by the UI) can be shown as columns, by `C` or the palette, and the choice is kept."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.app import App, ComposeResult
from textual.widgets import SelectionList

from sessionboard.model import DisplayField, Session
from sessionboard.ui.clock import fixed_now
from sessionboard.ui.screens.columns import ColumnsScreen
from sessionboard.ui.widgets.sessions import SessionTable
from sessionboard.ui.widgets.sessions.columns import short_id
from tests.ui.helpers import console, screen_text, select, settle, wait_for

SIZES = [(80, 24), (120, 35), (200, 50)]
ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


def visible(table: SessionTable) -> str:
    """The table as painted: the header and every row on screen."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def type_filter(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash", *text, "enter")
    await pilot.pause()


@ids
async def test_the_filter_finds_a_session_by_its_whole_id(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, _, pilot, screen):
        table = screen.table
        for provider in ("ssh", "agents", "timing"):  # sess_467869, a UUID, a 32-hex token
            session = table.session(next(k for k in table.keys() if k[0] == provider))
            await type_filter(pilot, session.id)
            assert table.keys() == [session.key], (provider, session.id)
            await pilot.press("escape")
            await pilot.pause()
        # a part of a UUID the table does not show finds it too (the filter has it whole)
        agents = table.session(next(k for k in table.keys() if k[0] == "agents"))
        await type_filter(pilot, agents.id[-12:])
        assert table.keys() == [agents.key]


@ids
async def test_the_filter_matches_every_normalized_field(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, _, pilot, screen):
        table = screen.table
        lab = table.session(next(k for k in table.keys() if k[0] == "lab"))
        assert lab.user and len(lab.user) == 36
        for text, finds in (
            (lab.user[9:], lab.key),  # the user, a UUID, beyond the 8 characters shown
            (lab.started_at, lab.key),  # a time as the provider sent it
            ("devices", None),  # the kind, which no column shows
            ("android", None),  # a display value (devices platform)
        ):
            await type_filter(pilot, text)
            keys = table.keys()
            assert keys, text
            if finds is not None:
                assert finds in keys, text
            else:
                assert {k[0] for k in keys} == {"lab"}, text
            await pilot.press("escape")
            await pilot.pause()
        # a query never matches across two fields: the end of the name and the status after it
        name = lab.name or ""
        table.set_filter(f"{name[-3:]}")
        assert lab.key in table.keys()
        table.set_filter(f"{name[-3:]}active")
        assert lab.key not in table.keys()


@ids
async def test_uuids_show_their_first_8_characters_and_whole_in_the_detail(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, _, pilot, screen):
        table = screen.table
        session = select(screen, "agents")
        await pilot.pause()
        painted = visible(table)
        assert session.name and len(session.name) == 36
        assert session.name[:8] in painted and session.name[:9] not in painted  # `35840124`, not `35840124-…`
        assert session.target[:8] in painted and session.target[:9] not in painted  # type: ignore[index]
        if screen.narrow:
            await pilot.press("enter")
        await settle(pilot)
        fields = str(screen.detail.query_one("#detail-fields").render())
        assert session.id in fields and session.name in fields and session.target in fields  # type: ignore[operator]
        ssh = next(table.session(k) for k in table.keys() if k[0] == "ssh")
        assert short_id(ssh.id) == ssh.id and short_id(ssh.target) == ssh.target  # sess_467869, mch_1730: whole


@ids
async def test_c_shows_the_id_column_and_the_choice_is_kept(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, app, pilot, screen):
        table = screen.table
        assert "id" not in [c.key for c in table.columns_shown.columns]
        await pilot.press("C")
        assert isinstance(app.screen, ColumnsScreen)
        listing = app.screen.query_one(SelectionList)
        assert listing.get_option_at_index(0).value == "id"
        await pilot.press("space")  # the highlighted first entry: the id
        await pilot.press("escape")
        await pilot.pause()
        assert table.chosen_columns == {"id"}
        assert table.columns_shown.columns[1].key == "id"  # right after the provider
        session = select(screen, "agents")
        await pilot.pause()
        row = table.row_of(session.key) - int(table.scroll_offset.y) + 1  # type: ignore[operator]
        cells = table.render_line(row).text.split()
        assert cells[1] == session.id[:8]
        # kept through a resize, and the dialog shows it chosen
        await pilot.resize_terminal(size[0] + 10, size[1])
        await pilot.pause()
        assert table.columns_shown.shows("id")
        await pilot.press("C")
        assert app.screen.query_one(SelectionList).selected == ["id"]
        await pilot.press("escape")


@ids
async def test_the_palette_toggles_an_adapters_own_column(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (_, app, pilot, screen):
        table = screen.table
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Column: show trigger")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "field.trigger" in table.chosen_columns, "the trigger column chosen")
        await pilot.pause()
        assert table.columns_shown.shows("field.trigger"), [c.key for c in table.columns_shown.columns]
        assert "trigger" in table.render_line(0).text
        session = select(screen, "agents")
        await pilot.pause()
        row = table.row_of(session.key) - int(table.scroll_offset.y) + 1  # type: ignore[operator]
        assert session.display["trigger"] in table.render_line(row).text
        assert session.display["trigger"] == session.raw["triggerType"]  # what the adapter read, for the test only
        assert "trigger" in screen_text(app)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionTable(now=fixed_now(2_000_000_000.0))


async def test_a_display_column_reads_the_sessions_display_values_not_raw() -> None:
    """The column shows what the adapter put in `Session.display`; a wire key in `raw` is not
    looked at (a session whose raw says otherwise still shows its display value)."""
    base = Session("p", "agents", "s1", "one", "active", raw={"triggerType": "from-raw"})
    sessions = [
        replace(base, display={"trigger": "manual"}),
        replace(base, id="s2", name="two", raw={"triggerType": "webhook"}),  # no display value: a blank cell
    ]
    app = TableApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(SessionTable)
        table.offer_fields([DisplayField("trigger", "trigger", 10)])
        table.apply_sessions("p", sessions)
        table.toggle_column("field.trigger")
        await pilot.pause()
        text = "\n".join(table.render_line(y).text for y in range(3))
        assert "manual" in text
        assert "from-raw" not in text and "webhook" not in text
        table.set_filter("manual")
        assert table.keys() == [("p", "s1")]
