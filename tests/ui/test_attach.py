"""`t` in the console: a real terminal in a tab below the board, against real servers on loopback.

Every test runs the console over a `SimCluster` served on a loopback port (real HTTP, and the vsay
WebSocket terminal) whose vsay machines are reached over SSH at a `LocalSshServer` (asyncssh, a
real bash in a real pty). The user's ~/.ssh is kept out (`attach_options`). Waits are for
conditions with generous deadlines; nothing asserts on time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from textual.pilot import Pilot

from sessionboard.config import parse_config
from sessionboard.model import Session
from sessionboard.providers import make_providers
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.ssh_server import LocalSshServer
from sessionboard.terminal.hostkeys import known_hosts_line
from sessionboard.terminal.widget import TerminalView
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.screens.confirm import ConfirmScreen
from sessionboard.ui.screens.main import MainScreen
from sessionboard.ui.screens.prompts import HostKeyScreen, KbdIntScreen, PasswordScreen
from sessionboard.ui.widgets.terminal import TerminalPane, TerminalTabs
from sessionboard.ui.widgets.sessions import SessionTable
from tests.ui.helpers import Console, burst, console

DEADLINE = 25.0  # generous: a loaded 2-core machine; a condition, never a speed assertion
PASSWORD = "correct horse battery staple"


@dataclass
class Rig:
    server: LocalSshServer
    cluster: SimCluster
    client_key: Path
    known_hosts: Path

    def app(self, *, known_hosts: Path | None = None, client_keys: list[str] | None = None) -> SessionboardApp:
        providers = self.cluster.provider_dicts()
        for entry in providers:
            if entry["kind"] == "vsay":
                entry["ssh"] = {
                    "port": self.server.port,
                    "username": self.server.username,
                    "known_hosts": str(known_hosts or self.known_hosts),
                    "client_keys": [str(self.client_key)] if client_keys is None else client_keys,
                }
        config = parse_config({"app": {"poll_interval": 30.0}, "providers": providers})
        app = SessionboardApp(config, providers=make_providers(config))
        app.attach_options = {"ssh_config": (), "use_agent": False}
        return app

    def run(self, size: tuple[int, int], **options: Any) -> AbstractAsyncContextManager[Console]:
        """`app(**options)` running at `size`, handed over once every provider has been polled."""
        return console(self.cluster, app=self.app(**options), size=size, limit=DEADLINE)


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    server = LocalSshServer(password=PASSWORD, workdir=tmp_path / "sshd")
    client_key = server.generate_client_key()
    await server.start()
    known_hosts = server.write_known_hosts(tmp_path / "known_hosts")
    cluster = SimCluster(seed=5, sessions_per_provider=3, ssh_port=server.port)
    await cluster.start()
    try:
        yield Rig(server, cluster, client_key, known_hosts)
    finally:
        await cluster.stop()
        await server.stop()


# ---- helpers -----------------------------------------------------------------------------------------
def screen_text(view: TerminalView) -> str:
    return "\n".join(view.emulator.render_line(y, cursor=False).text.rstrip() for y in range(view.emulator.rows))


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], what: str, show: TerminalView | None = None) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while not condition():
        if loop.time() > end:
            extra = f"\nscreen:\n{screen_text(show)}" if show is not None else ""
            raise AssertionError(f"never happened: {what}{extra}")
        await pilot.pause(0.03)


async def select_vsay(pilot: Pilot[Any], screen: MainScreen, session_id: str | None = None) -> Session:
    table = screen.table

    def pick() -> Session | None:
        for key in table.keys():
            session = table.session(key)
            if session and session.kind == "vsay" and session.active and session_id in (None, session.id):
                return session
        return None

    await wait_for(pilot, lambda: pick() is not None, "an active vsay session in the table")
    session = pick()
    assert session is not None
    assert table.select_key(session.key)
    await pilot.pause()
    return session


def pane_of(screen: MainScreen, session: Session) -> TerminalPane:
    tabs = screen.terminals
    assert isinstance(tabs, TerminalTabs), "no terminal area"
    pane = tabs.pane_for(session.key)
    assert pane is not None, "no tab for the session"
    return pane


async def type_line(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text, "enter")


async def attached(pilot: Pilot[Any], screen: MainScreen, session: Session) -> TerminalView:
    """Press `t` and wait for the shell's prompt in the new tab."""
    await pilot.press("t")
    await wait_for(pilot, lambda: screen.terminals is not None and screen.terminals.pane_for(session.key) is not None, "a tab")
    return await prompt(pilot, pane_of(screen, session).view)


async def prompt(pilot: Pilot[Any], view: TerminalView) -> TerminalView:
    """Wait for the shell's prompt on `view`."""
    await wait_for(pilot, lambda: "$" in screen_text(view) or "#" in screen_text(view), "the shell prompt", view)
    return view


async def release(pilot: Pilot[Any]) -> None:
    """ctrl+] gives the keyboard back to the table."""
    await pilot.press("ctrl+right_square_bracket")
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, SessionTable), "the table has the keyboard")


async def host_key_dialog(pilot: Pilot[Any]) -> None:
    """`t` on a host not known (yet) asks about its key."""
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HostKeyScreen), "the host key dialog")


async def echo_42(pilot: Pilot[Any], view: TerminalView) -> None:
    # "/" is the board's filter key (a priority binding): in a terminal it must be the shell's.
    await type_line(pilot, "echo hello-$((84/2))")
    await wait_for(pilot, lambda: "hello-42" in screen_text(view), "hello-42 on the terminal", view)


# ---- the tests -----------------------------------------------------------------------------------------
async def test_t_opens_a_shell_over_ssh_and_ctrl_bracket_gives_the_keyboard_back(rig: Rig) -> None:
    async with rig.run((80, 24)) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        assert app.focused is view
        await echo_42(pilot, view)
        assert "ssh " in str(pane_of(screen, session).status.render())  # where it is connected

        # At 80x24 the terminal has most of the screen and the table is still there.
        assert view.size.height >= 12
        assert screen.table.size.height >= 3 and screen.table.display

        await release(pilot)
        assert view.ended is None
        await pilot.press("t")  # the same session: back into its tab, not a second one
        await wait_for(pilot, lambda: app.focused is view, "the terminal has the keyboard again")
        assert screen.terminals is not None and len(screen.terminals.panes) == 1
        await type_line(pilot, "echo still-$((40+2))")
        await wait_for(pilot, lambda: "still-42" in screen_text(view), "the connection survived the release", view)


async def test_resizing_the_console_resizes_the_remote_pty(rig: Rig) -> None:
    async with rig.run((100, 30)) as (_, _, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await pilot.resize_terminal(140, 44)
        await wait_for(pilot, lambda: view.emulator.cols == 140, "the emulator follows the pane")
        rows = view.emulator.rows
        await type_line(pilot, "stty size")
        await wait_for(pilot, lambda: f"{rows} 140" in screen_text(view), f"stty size says {rows} 140", view)


async def test_a_session_created_from_the_console_attaches_over_the_websocket(rig: Rig) -> None:
    async with rig.run((120, 36)) as (_, app, pilot, screen):
        provider = screen.providers["ssh"]
        machine = next(iter(rig.cluster.sims["vsay"].machines))  # type: ignore[attr-defined]
        created = await provider.create_session({"machine_id": machine, "cols": 100, "rows": 30})
        screen.poll_now("ssh")
        session = await select_vsay(pilot, screen, created.id)
        view = await attached(pilot, screen, session)
        await wait_for(
            pilot, lambda: "websocket" in str(pane_of(screen, session).status.render()), "the WebSocket route"
        )
        await echo_42(pilot, view)
        token = rig.cluster.sims["vsay"].sessions[created.id].token  # type: ignore[attr-defined]
        assert token and token not in app.export_screenshot()  # the terminal's credential is never shown


async def test_an_unknown_host_key_is_asked_by_fingerprint_and_accepting_remembers_it(
    rig: Rig, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "empty_known_hosts"
    known_hosts.write_text("")
    async with rig.run((120, 36), known_hosts=known_hosts) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        await host_key_dialog(pilot)
        dialog = app.screen
        assert isinstance(dialog, HostKeyScreen)
        assert dialog.fingerprint == rig.server.host_key_fingerprint
        assert rig.server.host_key_fingerprint in str(dialog.query_one("#fingerprint").render())
        await pilot.press("y")
        view = await prompt(pilot, pane_of(screen, session).view)
        assert app.focused is view
        await echo_42(pilot, view)
        assert known_hosts.read_text().strip() == rig.server.known_hosts_line()


@pytest.mark.parametrize("key", ["n", "enter"])  # enter: the dialog's focus starts on Refuse
async def test_refusing_an_unknown_host_key_ends_the_tab_with_the_refusal(
    rig: Rig, tmp_path: Path, key: str
) -> None:
    async with rig.run((120, 36), known_hosts=tmp_path / "no_such_known_hosts") as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        await host_key_dialog(pilot)
        await wait_for(pilot, lambda: getattr(app.screen.focused, "id", None) == "refuse", "focus on Refuse")
        await pilot.press(key)
        pane = pane_of(screen, session)
        await wait_for(pilot, lambda: pane.ended is not None, "the refusal")
        assert "was not accepted" in (pane.ended or "")
        assert rig.server.host_key_fingerprint in (pane.ended or "")
        assert "not accepted" in str(pane.status.render())
        assert "(ended)" in str(screen.terminals.get_tab(pane.id).label)  # type: ignore[union-attr,arg-type]
        assert not (tmp_path / "no_such_known_hosts").exists()
        assert "[session ended:" in screen_text(pane.view)
        assert isinstance(app.screen, MainScreen)  # the board goes on


async def test_a_changed_host_key_is_refused_without_asking(rig: Rig, tmp_path: Path) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519")
    known_hosts = tmp_path / "known_hosts_changed"
    known_hosts.write_text(known_hosts_line(rig.server.host, rig.server.port, other) + "\n")
    async with rig.run((120, 36), known_hosts=known_hosts) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        await pilot.press("t")
        pane = pane_of(screen, session)
        await wait_for(pilot, lambda: pane.ended is not None, "the refusal")
        assert "CHANGED" in (pane.ended or "") and "man-in-the-middle" in (pane.ended or "")
        assert not any(isinstance(s, HostKeyScreen) for s in app.screen_stack)


async def test_a_password_is_asked_in_a_dialog_and_goes_to_the_server(rig: Rig) -> None:
    async with rig.run((120, 36), client_keys=[]) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        await pilot.press("t")
        await wait_for(
            pilot, lambda: isinstance(app.screen, (PasswordScreen, KbdIntScreen)), "the password dialog"
        )
        await pilot.press(*PASSWORD, "enter")
        view = await prompt(pilot, pane_of(screen, session).view)
        await echo_42(pilot, view)
        assert PASSWORD not in screen_text(view)


async def test_a_shell_that_exits_shows_why_in_its_tab_t_reconnects_and_ctrl_w_closes_it(rig: Rig) -> None:
    async with rig.run((120, 36)) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await type_line(pilot, "exit 3")
        pane = pane_of(screen, session)
        await wait_for(pilot, lambda: pane.ended is not None, "the end of the shell", view)
        assert pane.ended == "exit status 3"
        assert "exit status 3" in str(pane.status.render())
        assert "[session ended: exit status 3]" in screen_text(view)
        assert screen.table.row_count > 0  # the board is undisturbed
        await release(pilot)
        again = await attached(pilot, screen, session)  # `t` on an ended terminal connects anew
        assert again is not view and again.ended is None
        assert screen.terminals is not None and len(screen.terminals.panes) == 1
        await pilot.press("ctrl+right_square_bracket")
        await pilot.press("ctrl+w")  # the new shell is live: closing it is asked first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the close-tab question")
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.terminals is None, "the terminal area gone with its last tab")
        assert isinstance(app.focused, SessionTable)


async def test_x_on_a_session_with_a_terminal_ends_it_with_session_closed(rig: Rig) -> None:
    async with rig.run((120, 36)) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await release(pilot)
        assert screen.table.selected is not None and screen.table.selected.key == session.key
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the close confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: view.ended is not None, "the terminal ended", view)
        assert view.ended == "session closed"
        status = pane_of(screen, session).status  # the tab hears of the end by a message, after the view
        await wait_for(pilot, lambda: "session closed" in str(status.render()), "the status line saying so")


async def test_a_session_ended_elsewhere_ends_its_terminal_at_the_next_poll(rig: Rig) -> None:
    async with rig.run((120, 36)) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        rig.cluster.sims["vsay"].terminate(session.id)  # type: ignore[attr-defined]
        await type_line(pilot, "echo still-here")
        await wait_for(pilot, lambda: "still-here" in screen_text(view), "the shell still answering", view)
        assert view.ended is None  # nothing has polled yet: the console cannot know
        screen.poll_now(session.provider)
        await wait_for(pilot, lambda: view.ended is not None, "the terminal ended", view)
        assert view.ended == f"the session ended in {session.provider}"
        status = pane_of(screen, session).status  # the tab hears of the end by a message, after the view
        await wait_for(pilot, lambda: str(view.ended) in str(status.render()), "the status line saying so")
        assert screen.table.row_count > 0  # the board is undisturbed


async def test_q_asks_first_while_a_terminal_is_attached(rig: Rig) -> None:
    async with rig.run((120, 36)) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        await attached(pilot, screen, session)
        await release(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the quit question")
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "1 terminal" in dialog.question
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "back on the board")
        assert app.is_running
        await pilot.press("ctrl+q")  # Textual's own quit key asks too
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the quit question again")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, "the console quit")


async def test_t_on_a_session_that_cannot_attach_says_so(rig: Rig) -> None:
    async with rig.run((120, 36)) as (_, app, pilot, screen):
        table = screen.table
        await wait_for(pilot, lambda: any(k[0] == "timing" for k in table.keys()), "a rufus session")
        table.select_key(next(k for k in table.keys() if k[0] == "timing"))
        await pilot.press("t")
        await wait_for(pilot, lambda: bool(app._notifications), "a notification")
        messages = [n.message for n in app._notifications]
        assert any("cannot attach a terminal" in m and "ssh (vsay)" in m for m in messages), messages
        assert screen.terminals is None


async def test_ending_a_terminal_while_its_host_key_question_is_open_takes_the_dialog_down(
    rig: Rig, tmp_path: Path
) -> None:
    async with rig.run((120, 36), known_hosts=tmp_path / "none") as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        await host_key_dialog(pilot)
        assert screen.terminals is not None and screen.terminals.end(session.key, "session closed")
        pane = pane_of(screen, session)
        await wait_for(pilot, lambda: pane.ended is not None, "the terminal ended")
        assert pane.ended == "session closed"
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the dialog taken down")
        assert not (tmp_path / "none").exists()


async def test_a_lost_connection_ends_only_its_tab(rig: Rig) -> None:
    async with rig.run((120, 36)) as (_, _, pilot, screen):
        session = await select_vsay(pilot, screen)
        view = await attached(pilot, screen, session)
        await rig.server.drop_connections()
        pane = pane_of(screen, session)
        await wait_for(pilot, lambda: pane.ended is not None, "the end of the connection", view)
        assert (pane.ended or "").startswith("connection lost")
        assert f"[session ended: {pane.ended}" in screen_text(view).replace("\n", "")
        screen.poll_now()  # the rest of the console goes on: polls still land
        before = screen.statuses["ssh"].received_at
        await wait_for(pilot, lambda: screen.statuses["ssh"].received_at != before, "a poll after the loss")


async def test_keys_typed_in_a_burst_after_t_reach_the_shell(rig: Rig) -> None:
    """Type-ahead is kept: `t` and a command arriving in one read (a fast typist, tmux send-keys)
    go to the new terminal, queued until it connects, not to the table (where s sorts)."""
    async with rig.run((120, 36)) as (_, app, pilot, screen):
        session = await select_vsay(pilot, screen)
        burst(app, "techo typed-ahead-$((6*7)) sorted\r")
        await wait_for(pilot, lambda: screen.terminals is not None and screen.terminals.pane_for(session.key) is not None, "a tab")
        view = pane_of(screen, session).view
        await wait_for(pilot, lambda: "typed-ahead-42 sorted" in screen_text(view), "the command's output", view)
        assert screen.table.sort_key == "provider"  # no "s" reached the table
