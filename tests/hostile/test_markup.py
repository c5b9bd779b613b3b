"""Row 4: Rich markup in provider text is shown as the text it is, never obeyed: an id
`[@click=app.quit]QUIT[/]` is no link (in the lease-warning toast, the confirm dialog, the detail
pane), and a stray `[/]` crashes nothing, neither at start nor on `x` `y`."""

from __future__ import annotations

from pathlib import Path

from sessionboard.model import Capability
from sessionboard.sim.hostile import MARKUP_CLOSE, MARKUP_QUIT, HostileServer
from sessionboard.ui.screens.confirm import ConfirmScreen
from tests.hostile.helpers import NAME, Board, hostile_console, run_cli, server_for, until, write_config
from tests.ui.helpers import messages, screen_text


async def close_with_confirmation(board: Board, key: tuple[str, str]) -> None:
    screen, pilot, app = board.screen, board.pilot, board.app
    assert screen.table.select_key(key)
    await pilot.pause()
    await pilot.press("x")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirm dialog")
    await pilot.pause()
    assert key[1] in screen_text(app)  # the dialog names the session as it is
    await pilot.press("y")
    await until(pilot, lambda: screen.last_result is not None and screen.last_result.session == key, "the close")
    await pilot.pause(0.2)


async def test_markup_ids_start_the_console_and_show_as_text() -> None:
    server = server_for("markup-id")
    async with hostile_console(server) as board:
        screen, app = board.screen, board.app
        assert len([k for k in screen.table.keys() if k[1] == MARKUP_CLOSE]) == 5
        text = screen_text(app)
        assert "[bold red]not bol" in text  # the name, cut to its column, brackets and all
        assert screen.table.select_key(("ssh", MARKUP_QUIT))
        detail = screen.detail
        await until(board.pilot, lambda: detail.rich is not None or detail.note is not None, "the detail's get")
        await board.pilot.pause()
        assert MARKUP_QUIT in screen_text(app)  # the detail pane shows the id literally


async def test_the_lease_warning_shows_a_markup_id_as_text_not_a_link() -> None:
    server = server_for("markup-id", kinds=("tasknet",))
    async with hostile_console(server) as board:
        screen, app, pilot = board.screen, board.app, board.pilot
        assert screen.table.select_key(("browsers", MARKUP_QUIT))
        await until(pilot, lambda: any(MARKUP_QUIT in m for m in messages(app)), "the lease warning", 10)
        await until(pilot, lambda: bool(app.screen.query("Toast")), "the toast")
        await pilot.pause(0.2)
        shown = [str(toast.render()) for toast in app.screen.query("Toast")]  # the type by name: Toast is private
        # As markup, the brackets would be gone and "QUIT" a link that quits the console.
        assert any(f"the lease of {MARKUP_QUIT} ends in" in text for text in shown), shown
        assert app.is_running


async def test_x_then_y_on_markup_ids_closes_them_and_the_console_goes_on() -> None:
    server = server_for("markup-id")
    async with hostile_console(server, notifications=False) as board:  # see test_paths: no toast timers
        screen, app = board.screen, board.app
        for kind in ("vsay", "tasknet", "rufus", "agents"):
            assert screen.providers[NAME[kind]].can(Capability.CLOSE)
            for session_id in (MARKUP_CLOSE, MARKUP_QUIT):
                await close_with_confirmation(board, (NAME[kind], session_id))
                assert screen.last_result is not None and screen.last_result.ok, screen.last_result
                assert app.is_running and app.return_code is None
        assert MARKUP_QUIT in screen_text(app) or any(MARKUP_QUIT in m for m in messages(app))
        closed = [s for s in server.seen if s.method in ("DELETE", "PATCH")]
        assert len(closed) == 8


def test_the_cli_prints_markup_as_it_is(tmp_path: Path) -> None:
    with HostileServer("markup-id") as server:
        config = str(write_config(server, tmp_path))
        listed = run_cli("list", "--all", "--config", config)
        closed = run_cli("close", "browsers", MARKUP_QUIT, "--config", config)
    assert listed.returncode == 0, listed
    assert MARKUP_QUIT in listed.out and MARKUP_CLOSE in listed.out
    assert closed.returncode == 0 and MARKUP_QUIT in closed.out, closed


async def test_a_stray_closing_tag_in_a_toast_at_start_crashes_nothing() -> None:
    """The cursor starts on the newest session: a tasknet `x[/]y` whose lease ends in 30 s."""
    server = server_for("markup-id", kinds=("tasknet",))
    async with hostile_console(server) as board:
        assert board.screen.table.cursor_key == ("browsers", MARKUP_CLOSE)
        await until(board.pilot, lambda: any(MARKUP_CLOSE in m for m in messages(board.app)), "the lease warning", 10)
        await until(board.pilot, lambda: bool(board.app.screen.query("Toast")), "the toast")
        await board.pilot.pause(0.2)
        shown = [str(toast.render()) for toast in board.app.screen.query("Toast")]
        assert any(f"the lease of {MARKUP_CLOSE} ends in" in text for text in shown), shown
