"""TerminalView in a headless Textual app over a real local pty: a person at the keyboard types,
the assertions read what the pane renders. Waits poll the screen with a generous deadline (a
loaded 2-core machine); nothing here measures speed."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot

from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.pty_backend import LocalPtyBackend
from sessionboard.terminal.widget import TerminalView

DEADLINE = 20.0


def shell_env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PS1": "$ ",
    }


class RecordingPty(LocalPtyBackend):
    """A LocalPtyBackend that remembers every write, to check what was (not) sent."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[bytes] = []

    async def write(self, data: bytes) -> None:
        self.writes.append(data)
        await super().write(data)


class TermApp(App[None]):
    # A priority binding, like the console's own: the focused terminal must still get the key.
    BINDINGS = [Binding("x", "app_x", "an app binding the terminal must shadow", priority=True)]

    def __init__(self, backend) -> None:
        super().__init__()
        self.backend = backend
        self.released = 0
        self.ended: list[str] = []
        self.app_x = 0

    def compose(self) -> ComposeResult:
        yield TerminalView(self.backend, title="test")

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()

    def action_app_x(self) -> None:
        self.app_x += 1

    def on_terminal_view_released(self, message: TerminalView.Released) -> None:
        self.released += 1

    def on_terminal_view_ended(self, message: TerminalView.Ended) -> None:
        self.ended.append(message.reason)


def screen_rows(app: TermApp) -> list[str]:
    view = app.query_one(TerminalView)
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


async def wait_until(pilot: Pilot, cond: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not cond():
        if time.monotonic() > end:
            rows = "\n".join(screen_rows(pilot.app))  # type: ignore[arg-type]
            raise AssertionError(f"timed out waiting for {what}; screen:\n{rows}")
        await pilot.pause(0.03)


async def type_text(pilot: Pilot, text: str) -> None:
    keys = []
    for ch in text:
        keys.append({" ": "space", "\n": "enter", ";": "semicolon", "-": "minus"}.get(ch, ch))
    await pilot.press(*keys)


def has_row(app: TermApp, text: str) -> bool:
    return text in screen_rows(app)


@pytest.fixture
def shell(tmp_path: Path) -> RecordingPty:
    return RecordingPty(["bash", "--norc", "--noprofile", "-i"], env=shell_env(tmp_path), cwd=str(tmp_path))


async def test_echo_round_trip(shell: RecordingPty) -> None:
    app = TermApp(shell)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: has_row(app, "$"), "the prompt")
        await type_text(pilot, "echo round-trip\n")
        await wait_until(pilot, lambda: has_row(app, "round-trip"), "the echoed line")
        assert has_row(app, "$ echo round-trip")
        assert app.app_x == 0


async def test_tput_sees_the_size_after_an_app_resize(shell: RecordingPty) -> None:
    app = TermApp(shell)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: has_row(app, "$"), "the prompt")
        await pilot.resize_terminal(100, 30)
        view = app.query_one(TerminalView)
        await wait_until(pilot, lambda: (view.emulator.cols, view.emulator.rows) == (100, 30), "resize")
        await type_text(pilot, "tput cols; tput lines\n")
        await wait_until(pilot, lambda: has_row(app, "100") and has_row(app, "30"), "tput output")


async def test_less_enters_and_leaves_the_alternate_screen(shell: RecordingPty, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("".join(f"pager line {i}\n" for i in range(200)))
    app = TermApp(shell)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: has_row(app, "$"), "the prompt")
        await type_text(pilot, "echo before-less\n")
        await wait_until(pilot, lambda: has_row(app, "before-less"), "echo")
        await type_text(pilot, "less f.txt\n")
        view = app.query_one(TerminalView)
        await wait_until(pilot, lambda: has_row(app, "pager line 0"), "less showing the file")
        assert view.emulator.screen.alt_active
        assert not has_row(app, "before-less")
        await pilot.press("q")
        await wait_until(pilot, lambda: not view.emulator.screen.alt_active, "less to exit")
        await wait_until(pilot, lambda: has_row(app, "before-less"), "the shell screen back")
        assert not any(row.startswith("pager line") for row in screen_rows(app))
        assert has_row(app, "$ less f.txt")


async def test_ctrl_bracket_releases_and_sends_nothing(shell: RecordingPty) -> None:
    app = TermApp(shell)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: has_row(app, "$"), "the prompt")
        shell.writes.clear()
        await pilot.press("ctrl+right_square_bracket")
        await wait_until(pilot, lambda: app.released == 1, "Released")
        # Keys sent after it arrive in order; ctrl+] would have been before them.
        # ctrl+q is Textual's priority quit binding, tab the screen's focus-next binding.
        await pilot.press("x", "ctrl+q", "tab", "ctrl+c")
        await wait_until(pilot, lambda: b"".join(shell.writes).endswith(b"\x03"), "the keys")
        assert b"".join(shell.writes) == b"x\x11\t\x03"
        assert app.focused is app.query_one(TerminalView)
        assert app.app_x == 0  # the app's own "x" binding did not fire: the terminal had the key
        assert app.is_running


async def test_program_exit_shows_the_reason(tmp_path: Path) -> None:
    backend = LocalPtyBackend(["sh", "-c", "echo bye; exit 3"], env=shell_env(tmp_path))
    app = TermApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.ended == ["exit status 3"], "Ended")
        await wait_until(pilot, lambda: has_row(app, "[session ended: exit status 3]"), "the reason")
        assert has_row(app, "bye")
        await pilot.press("a")  # keys after the end go nowhere and break nothing
        assert app.is_running


class BrokenBackend:
    """A transport that fails with an exception whose text must never reach the screen."""

    def __init__(self) -> None:
        self.closed = False

    async def start(self, cols: int, rows: int) -> None:
        pass

    async def read(self) -> bytes:
        await asyncio.sleep(0.01)
        raise RuntimeError("token=SECRET-abc123 in a stack trace")

    async def write(self, data: bytes) -> None:
        pass

    async def resize(self, cols: int, rows: int) -> None:
        pass

    async def close(self) -> None:
        self.closed = True


async def test_reader_exception_is_shown_without_traceback_or_secret() -> None:
    app = TermApp(BrokenBackend())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: bool(app.ended), "Ended")
        assert app.ended == ["terminal error (RuntimeError)"]
        text = "\n".join(screen_rows(app))
        assert "[session ended: terminal error (RuntimeError)]" in text
        assert "SECRET" not in text and "Traceback" not in text
        assert app.is_running


class FailingStart(BrokenBackend):
    async def start(self, cols: int, rows: int) -> None:
        raise TerminalClosed("connection refused")


async def test_start_failure_shows_reason() -> None:
    app = TermApp(FailingStart())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.ended == ["connection refused"], "Ended")
        assert has_row(app, "[session ended: connection refused]")


async def test_shift_pageup_scrolls_back_and_a_key_returns(shell: RecordingPty) -> None:
    app = TermApp(shell)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: has_row(app, "$"), "the prompt")
        await type_text(pilot, "seq 1 100\n")
        await wait_until(pilot, lambda: has_row(app, "100"), "seq")
        assert not has_row(app, "50")
        await pilot.press("shift+pageup", "shift+pageup")
        await wait_until(pilot, lambda: has_row(app, "50"), "older lines")
        await pilot.press("shift+pagedown", "shift+pagedown")
        await wait_until(pilot, lambda: has_row(app, "100"), "back at the bottom")
        await pilot.press("shift+pageup")
        await wait_until(pilot, lambda: app.query_one(TerminalView).emulator.view_offset > 0, "scrolled")
        await pilot.press("space")
        await wait_until(pilot, lambda: app.query_one(TerminalView).emulator.view_offset == 0, "bottom")


async def test_bracketed_paste_when_the_program_asks(shell: RecordingPty) -> None:
    app = TermApp(shell)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: has_row(app, "$"), "the prompt")
        view = app.query_one(TerminalView)
        await wait_until(pilot, lambda: view.emulator.modes.bracketed_paste, "bash's ESC[?2004h")
        shell.writes.clear()
        view.post_message(events.Paste("echo pasted"))
        await wait_until(pilot, lambda: bool(shell.writes), "the paste")
        assert shell.writes[0] == b"\x1b[200~echo pasted\x1b[201~"


async def test_keys_are_handled_during_a_flood(tmp_path: Path) -> None:
    """While `cat` pours 6 MB into the pane, a key press is written to the program before the
    flood is over: the reader yields between slices instead of holding the event loop."""
    big = tmp_path / "big.txt"
    line = "flood " * 13 + "\n"
    big.write_text(line * (6_000_000 // len(line)))
    backend = RecordingPty(
        ["sh", "-c", f"stty -echo; cat {big}; read reply; echo got-$reply"],
        env=shell_env(tmp_path),
    )
    fed_at_write: list[int] = []
    app = TermApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TerminalView)
        original = backend.write

        async def write(data: bytes) -> None:
            fed_at_write.append(view.bytes_fed)
            await original(data)

        backend.write = write  # type: ignore[method-assign]
        await wait_until(pilot, lambda: view.bytes_fed > 200_000, "the flood to start")
        await pilot.press("k", "enter")
        await wait_until(pilot, lambda: has_row(app, "got-k"), "the program to read the key")
        assert fed_at_write and fed_at_write[0] < big.stat().st_size


async def test_mouse_reports_reach_the_program_when_it_asks(tmp_path: Path) -> None:
    """The program turns on SGR mouse reporting; a click arrives as ESC[<0;x;yM / m."""
    backend = RecordingPty(
        ["sh", "-c", "printf 'ready\\033[?1000h\\033[?1006h'; stty raw -echo; head -c 18 >/dev/null"],
        env=shell_env(tmp_path),
    )
    app = TermApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TerminalView)
        await wait_until(pilot, lambda: view.emulator.modes.mouse == 1000, "mouse mode on")
        backend.writes.clear()
        await pilot.click(TerminalView, offset=(4, 2))
        await wait_until(pilot, lambda: len(b"".join(backend.writes)) >= 2 * len(b"\x1b[<0;5;3M"), "reports")
        assert b"".join(backend.writes) == b"\x1b[<0;5;3M\x1b[<0;5;3m"


async def test_wheel_scrolls_the_scrollback_when_mouse_is_off(shell: RecordingPty) -> None:
    app = TermApp(shell)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: has_row(app, "$"), "the prompt")
        await type_text(pilot, "seq 1 60\n")
        await wait_until(pilot, lambda: has_row(app, "60"), "seq")
        view = app.query_one(TerminalView)
        shell.writes.clear()
        view.post_message(events.MouseScrollUp(view, 5, 5, 0, -1, 0, False, False, False))
        await wait_until(pilot, lambda: view.emulator.view_offset == 3, "the view to move")
        assert shell.writes == []
