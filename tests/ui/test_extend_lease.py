"""`e` never shortens a lease by surprise: the dialog shows the current end and the new one as the
operator types, starts at the longest lease, and refuses a shortening unless it is confirmed; the
adapter checks again before it sends. At the three everyday sizes, against the simulators."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button, Checkbox, Input, Label

from sessionboard.model import Session
from sessionboard.ui.screens.extend import MinutesScreen
from sessionboard.ui.screens.main import MainScreen
from tests.ui.helpers import console, messages, select, wait_for

SIZES = [(80, 24), (120, 35), (200, 50)]


def text(dialog: MinutesScreen, selector: str) -> str:
    return str(dialog.query_one(selector, Label).render())


def patches(cluster: Any, session: Session) -> list[str]:
    path = f"/live/v1/sessions/{session.id}"
    return [p for m, p in cluster.sims["tasknet"].requests if m == "PATCH" and p == path]


async def a_lease_of(pilot: Any, cluster: Any, screen: MainScreen, minutes: int) -> Session:
    """A tasknet session whose lease was set `minutes` ago from now (both clocks are FIXED), selected."""
    made = cluster.sims["tasknet"].create("live", minutes)
    screen.poll_now("browsers")
    key = ("browsers", made.session_uuid)
    await wait_for(pilot, lambda: key in screen.table.keys(), "the new session listed")
    assert screen.table.select_key(key)
    await pilot.pause()
    session = screen.table.session(key)
    assert session is not None
    return session


async def open_dialog(pilot: Any) -> MinutesScreen:
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MinutesScreen), "the extend dialog")
    dialog = pilot.app.screen
    assert isinstance(dialog, MinutesScreen)
    await pilot.pause()
    return dialog


async def type_minutes(pilot: Any, dialog: MinutesScreen, minutes: str) -> None:
    box = dialog.query_one("#minutes", Input)
    if not box.has_focus:
        await pilot.click("#minutes")
    await pilot.press("end", *["backspace"] * len(box.value), *minutes)
    assert box.value == minutes


@pytest.mark.parametrize("size", SIZES)
async def test_the_dialog_starts_at_the_longest_lease_and_shows_both_ends(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (cluster, app, pilot, screen):
        session = await a_lease_of(pilot, cluster, screen, 30)
        dialog = await open_dialog(pilot)
        assert session.id in text(dialog, "#question")
        assert dialog.query_one("#minutes", Input).value == "60"
        # FIXED is 09:30:00 UTC: the lease ends 10:00:00, 60 minutes from now is 10:30:00.
        assert "10:00:00" in text(dialog, "#current") and "in 30:00" in text(dialog, "#current")
        assert "10:30:00 instead of 10:00:00 (30 min later)" in text(dialog, "#new")
        await type_minutes(pilot, dialog, "45")
        assert "10:15:00 instead of 10:00:00 (15 min later)" in text(dialog, "#new")
        assert not dialog.query_one("#shorten", Checkbox).display
        frame = dialog.query_one("Vertical").content_region
        for part in ("#question", "#current", "#minutes", "#new", "#ok", "#cancel"):
            assert frame.contains_region(dialog.query_one(part).region), part  # nothing cut off
        await pilot.press("enter")
        await wait_for(pilot, lambda: patches(cluster, session), "the PATCH")
        await wait_for(pilot, lambda: screen.last_result is not None, "the result")
        assert screen.last_result.ok and session.id in screen.last_result.message
        assert cluster.sims["tasknet"].modes["live"][session.id].lease == 45


@pytest.mark.parametrize("size", SIZES)
async def test_a_shortening_is_refused_until_it_is_confirmed(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (cluster, app, pilot, screen):
        session = await a_lease_of(pilot, cluster, screen, 30)
        dialog = await open_dialog(pilot)
        await type_minutes(pilot, dialog, "20")
        assert "09:50:00 instead of 10:00:00 (10 min sooner)" in text(dialog, "#new")
        box = dialog.query_one("#shorten", Checkbox)
        assert box.display and not box.value
        frame = dialog.query_one("Vertical").content_region
        assert frame.contains_region(box.region) and frame.contains_region(dialog.query_one("#ok").region)
        assert str(dialog.query_one("#ok", Button).label) == "Shorten"
        await pilot.press("enter")  # refused: the dialog stays, nothing is sent
        await pilot.pause()
        assert app.screen is dialog
        assert "sooner" in text(dialog, "#error")
        assert patches(cluster, session) == []
        await pilot.click("#shorten")
        assert box.value
        await type_minutes(pilot, dialog, "25")  # another value: the confirmation was for 20
        assert not box.value
        await pilot.click("#shorten")
        await pilot.click("#ok")
        await wait_for(pilot, lambda: patches(cluster, session), "the PATCH")
        await wait_for(pilot, lambda: screen.last_result is not None, "the result")
        assert screen.last_result.ok, screen.last_result.message
        assert cluster.sims["tasknet"].modes["live"][session.id].lease == 25


async def test_a_value_that_no_longer_shortens_drops_the_confirmation() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        await a_lease_of(pilot, cluster, screen, 30)
        dialog = await open_dialog(pilot)
        await type_minutes(pilot, dialog, "20")
        await pilot.click("#shorten")
        await type_minutes(pilot, dialog, "40")
        assert not dialog.query_one("#shorten", Checkbox).display
        assert str(dialog.query_one("#ok", Button).label) == "Extend"


async def test_a_lease_extended_elsewhere_meanwhile_is_not_cut_back() -> None:
    """The dialog works from the last poll; the adapter reads the lease again before it sends."""
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = await a_lease_of(pilot, cluster, screen, 30)
        dialog = await open_dialog(pilot)
        cluster.sims["tasknet"].modes["live"][session.id].lease = 60  # another operator, unseen here
        await type_minutes(pilot, dialog, "45")
        assert not dialog.query_one("#shorten", Checkbox).display  # as far as the table knows
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.last_result is not None, "the result")
        assert not screen.last_result.ok
        assert "would shorten" in screen.last_result.message
        assert patches(cluster, session) == []
        assert cluster.sims["tasknet"].modes["live"][session.id].lease == 60
        assert any("would shorten" in m for m in messages(app))


@pytest.mark.parametrize("size", SIZES)
async def test_a_heartbeat_names_the_session_it_kept_alive(size: tuple[int, int]) -> None:
    async with console(size=size, poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "agents")
        await pilot.press("e")
        await wait_for(pilot, lambda: screen.last_result is not None, "the heartbeat")
        assert screen.last_result.ok
        assert session.id in screen.last_result.message and str(session.target) in screen.last_result.message
        assert ("PUT", f"/api/active-sessions/heartbeat/{session.target}") in cluster.sims["agents"].requests
        assert any(session.id in m for m in messages(app))  # the notice names it


async def test_a_session_that_ends_while_the_dialog_is_open_is_not_extended() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = await a_lease_of(pilot, cluster, screen, 30)
        dialog = await open_dialog(pilot)
        cluster.sims["tasknet"].modes["live"][session.id].status = "terminated"
        screen.poll_now("browsers")
        await wait_for(pilot, lambda: "has ended" in text(dialog, "#current"), "the dialog saying it ended")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "has ended" in text(dialog, "#error")
        assert patches(cluster, session) == []
