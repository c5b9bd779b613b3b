"""The selection never drifts: from the first paint the cursor belongs to a session, rows that
arrive above it leave it there, and when its session goes the cursor moves to a neighbour and the
detail pane (and a notice) say so. Against the simulators, at the three everyday sizes; what the
simulators were sent says which session each key acted on."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from sessionboard.model import SessionKey
from sessionboard.ui.screens.confirm import ConfirmScreen
from sessionboard.ui.screens.main import MainScreen
from sessionboard.ui.widgets.sessions import SessionTable
from tests.ui.helpers import console, messages, wait_for
from tests.ui.test_table import NOW, session
from sessionboard.ui.clock import fixed_now

SIZES = [(80, 24), (120, 35), (200, 50)]


async def newer_agent_runs(pilot: Any, cluster: Any, screen: MainScreen, count: int) -> None:
    """`count` agent runs newer than any listed (they sort above every agents row), then a poll."""
    sim = cluster.sims["agents"]
    before = screen.table.count("agents")
    sim.clock.advance(1)  # newer than the newest listed: first in the provider's order
    for _ in range(count):
        sim.create(sim.agent_ids[0], "manual")
    screen.poll_now("agents")
    await wait_for(pilot, lambda: screen.table.count("agents") == before + count, "the new runs listed")
    await pilot.pause()


def detail_text(screen: MainScreen) -> str:
    return str(screen.detail.query_one(Static).render())


async def open_detail(pilot: Any, screen: MainScreen) -> None:
    """Below 180 columns the detail pane opens on enter; beside the table it is always shown."""
    if screen.narrow and not screen.has_class("-detail-open"):
        await pilot.press("enter")
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_rows_arriving_above_never_move_the_selection_from_the_first_paint(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (cluster, app, pilot, screen):
        table = screen.table
        first = table.cursor_key  # nobody has moved the cursor: it is on the first row
        assert first is not None and table.cursor_row == 0 and first[0] == "agents"
        chosen = table.session(first)
        assert chosen is not None and chosen.target

        await newer_agent_runs(pilot, cluster, screen, 3)
        assert table.cursor_key == first and table.cursor_row == 3
        assert screen.detail.session is not None and screen.detail.session.key == first

        await pilot.press("x")  # x names the session it would close: the one chosen
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the close question")
        assert chosen.id in app.screen.question
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen, "back on the board")

        await newer_agent_runs(pilot, cluster, screen, 2)  # two polls later, more rows above
        await newer_agent_runs(pilot, cluster, screen, 1)
        assert table.cursor_key == first and table.cursor_row == 6
        await pilot.press("e")  # a heartbeat: no dialog, so its notice names the session
        beat = ("PUT", f"/api/active-sessions/heartbeat/{chosen.target}")
        await wait_for(pilot, lambda: beat in cluster.sims["agents"].requests, "the heartbeat for it")
        assert [r for r in cluster.sims["agents"].requests if r[0] == "PUT"] == [beat]
        await wait_for(pilot, lambda: any(chosen.id in m and "heartbeat sent" in m for m in messages(app)), "the notice")

        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the close question")
        assert chosen.id in app.screen.question
        await pilot.press("y")
        gone = ("DELETE", f"/api/active-sessions/{chosen.id}")
        await wait_for(pilot, lambda: gone in cluster.sims["agents"].requests, "the DELETE of the chosen run")
        assert [r for r in cluster.sims["agents"].requests if r[0] == "DELETE"] == [gone]


@pytest.mark.parametrize("size", SIZES)
async def test_when_its_session_ends_the_cursor_goes_to_a_neighbour_and_the_detail_says_so(
    size: tuple[int, int],
) -> None:
    async with console(size=size, poll_interval=600) as (cluster, app, pilot, screen):
        table = screen.table
        keys = [k for k in table.keys() if k[0] == "browsers"]
        assert len(keys) >= 3
        chosen, after = keys[1], keys[2]
        assert table.select_key(chosen)
        await open_detail(pilot, screen)
        cluster.sims["tasknet"].modes["live"][chosen[1]].status = "terminated"  # ended elsewhere
        cluster.sims["tasknet"].clock.advance(1)
        for _ in range(2):  # and in the same poll two newer sessions arrive above it
            cluster.sims["tasknet"].create("live", 30)
        screen.poll_now("browsers")
        await wait_for(pilot, lambda: table.cursor_key != chosen, "the cursor off the ended session")
        await pilot.pause()
        assert table.cursor_key == after  # the next one down, not whatever is now at its row number
        assert screen.detail.session is not None and screen.detail.session.key == after
        text = detail_text(screen)
        assert f"session {table.session(chosen).name} ({chosen[1]}) has ended" in text
        assert "the cursor is on the next one" in text
        assert any(chosen[1] in m and "has ended" in m for m in messages(app))
        await pilot.press("up")  # the user moves on: the note has said its piece
        await pilot.pause()
        assert "has ended" not in detail_text(screen)


async def test_a_session_no_longer_listed_is_said_so() -> None:
    async with console(size=(120, 35), poll_interval=600) as (cluster, app, pilot, screen):
        table = screen.table
        keys = [k for k in table.keys() if k[0] == "agents"]
        chosen = keys[4]
        name = table.session(chosen).name
        assert table.select_key(chosen)
        cluster.sims["agents"].delete(chosen[1])
        screen.poll_now("agents")
        await wait_for(pilot, lambda: table.cursor_key != chosen, "the cursor off the removed session")
        assert table.cursor_key == keys[5]
        await open_detail(pilot, screen)
        assert f"agents: session {name} ({chosen[1]}) is no longer listed" in detail_text(screen)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionTable(now=fixed_now(NOW))


async def test_while_settling_the_cursor_keeps_to_the_top_then_to_its_session() -> None:
    """The board's first view: providers answer in any order; until each has been listed once
    the cursor is on the first row, then it keeps to that session."""
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(SessionTable)
        table.settling = True
        table.apply_sessions("zeta", [session("zeta", n) for n in range(5)])
        await pilot.pause()
        table.apply_sessions("alpha", [session("alpha", n) for n in range(5)])  # sorts above
        table.settle()
        top: SessionKey = ("alpha", "s00004")
        assert table.cursor_key == top and table.cursor_row == 0
        table.apply_sessions("alpha", [session("alpha", n) for n in range(8)])  # newer ones above
        await pilot.pause()
        assert table.cursor_key == top and table.cursor_row == 3
