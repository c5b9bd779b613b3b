"""An ended terminal tab hands every key back to the console: after `exit` or a refused connection
`ctrl+w` and `q` work at once (no `ctrl+]` first). And the other way round: `ctrl+w` on a live
shell asks first. A real bash over SSH on loopback (the rig of test_attach.py), at the three sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessionboard.ui.screens.confirm import ConfirmScreen
from sessionboard.ui.screens.main import MainScreen
from sessionboard.ui.screens.prompts import HostKeyScreen
from sessionboard.ui.widgets.sessions import SessionTable
from tests.ui.test_attach import (  # noqa: F401 - rig is the fixture
    Rig,
    attached,
    echo_42,
    host_key_dialog,
    pane_of,
    release,
    rig,
    screen_text,
    select_vsay,
    type_line,
    wait_for,
)

SIZES = [(80, 24), (120, 35), (200, 50)]


@pytest.mark.parametrize("size", SIZES)
async def test_after_exit_ctrl_w_closes_the_tab_at_once(rig: Rig, size: tuple[int, int]) -> None:
    async with rig.run(size) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await type_line(pilot, "exit")
        await wait_for(pilot, lambda: view.ended is not None, "the end of the shell", view)
        assert app.focused is view  # the keyboard is still on the ended tab...
        assert "ctrl+w closes the tab" in str(pane_of(screen, session).status.render())
        await pilot.press("ctrl+w")  # ...and ctrl+w is the console's: no ctrl+] first, no question
        await wait_for(pilot, lambda: screen.terminals is None, "the tab closed")
        assert isinstance(app.screen, MainScreen)
        assert isinstance(app.focused, SessionTable)


@pytest.mark.parametrize("size", SIZES)
async def test_after_exit_q_quits_at_once(rig: Rig, size: tuple[int, int]) -> None:
    async with rig.run(size) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await type_line(pilot, "exit")
        await wait_for(pilot, lambda: view.ended is not None, "the end of the shell", view)
        await pilot.press("q")  # no live terminal is left: quitting needs no question
        await wait_for(pilot, lambda: not app.is_running, "the console quit")


@pytest.mark.parametrize("size", SIZES)
async def test_after_a_refused_connection_ctrl_w_and_q_work_at_once(
    rig: Rig, tmp_path: Path, size: tuple[int, int]
) -> None:
    async with rig.run(size, known_hosts=tmp_path / "none") as (_, app, pilot, screen):
        first = await select_vsay(pilot, screen)
        await host_key_dialog(pilot)
        await pilot.press("n")  # refused: the tab ends
        pane = pane_of(screen, first)
        await wait_for(pilot, lambda: pane.ended is not None, "the refusal")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the dialog gone")
        await wait_for(pilot, lambda: app.focused is pane.view, "the keyboard back on the tab")
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: screen.terminals is None, "the tab closed")

        await host_key_dialog(pilot)  # again, and this time q
        await pilot.press("n")
        pane = pane_of(screen, first)
        await wait_for(pilot, lambda: pane.ended is not None, "the refusal")
        await wait_for(pilot, lambda: app.focused is pane.view, "the keyboard back on the tab")
        assert not any(isinstance(s, HostKeyScreen) for s in app.screen_stack)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the console quit")


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_w_on_a_live_shell_asks_first(rig: Rig, size: tuple[int, int]) -> None:
    async with rig.run(size) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await release(pilot)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert session.id in dialog.question and "shell ends" in dialog.question
        await pilot.press("n")  # kept: the shell goes on
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "back on the board")
        assert screen.terminals is not None and pane_of(screen, session).view is view
        assert view.ended is None
        await pilot.press("t")
        await wait_for(pilot, lambda: app.focused is view, "back in the terminal")
        await echo_42(pilot, view)
        await pilot.press("ctrl+w")  # in a live shell ctrl+w is the shell's (it deletes a word)
        assert not isinstance(app.screen, ConfirmScreen) and screen.terminals is not None
        await release(pilot)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.terminals is None, "the tab closed")
        assert isinstance(app.focused, SessionTable)
        assert "hello-42" in screen_text(view)  # it was the live shell that was closed


async def test_an_ended_tab_keeps_its_scrollback_mode_keys_while_the_mode_is_on(rig: Rig) -> None:
    """shift+pageup still opens the history of an ended tab; while that mode is on its keys are
    its own (q leaves the mode), and once it is left they are the console's again (q quits)."""
    async with rig.run((120, 35)) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await type_line(pilot, "seq 1 200; exit")
        await wait_for(pilot, lambda: view.ended is not None, "the end of the shell", view)
        await pilot.press("shift+pageup")
        assert view.browser.active
        await pilot.press("q")  # the mode's: back to the live screen, the console goes on
        assert not view.browser.active and app.is_running
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the console quit")
