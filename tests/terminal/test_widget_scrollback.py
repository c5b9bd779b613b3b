"""Scrollback mode in a headless Textual app: keys and the wheel move through the history, the
pane says how far back it is, search highlights and counts, selections by keys and by mouse
reach the app's clipboard, and any key for the program returns to the live screen."""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.widget import CURRENT_STYLE, TerminalView

LONG = "".join(f"{i:03d}-" for i in range(50))  # 200 characters: three rows at 80 columns
OUTPUT = (
    "".join(f"row {i}\r\n" for i in range(1, 2001)) + LONG + "\r\nthe end\r\n$ "
).encode()


class Backend:
    """Sends `output` once, records what the pane writes, stays open until closed."""

    def __init__(self, output: bytes, mouse: bool = False) -> None:
        self.output = output + (b"\x1b[?1000h\x1b[?1006h" if mouse else b"")
        self.writes: list[bytes] = []
        self.closed = asyncio.Event()

    async def start(self, cols: int, rows: int) -> None:
        pass

    async def read(self) -> bytes:
        if self.output:
            data, self.output = self.output, b""
            return data
        await self.closed.wait()
        raise TerminalClosed("closed")

    async def write(self, data: bytes) -> None:
        self.writes.append(data)

    async def resize(self, cols: int, rows: int) -> None:
        pass

    async def close(self) -> None:
        self.closed.set()


class PaneApp(App[None]):
    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend

    def compose(self) -> ComposeResult:
        yield TerminalView(self.backend, title="pane")  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()


def rows(app: PaneApp) -> list[str]:
    view = app.query_one(TerminalView)
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


async def ready(pilot: Pilot) -> TerminalView:
    view = pilot.app.query_one(TerminalView)
    for _ in range(500):
        if "the end" in view.emulator.screen.display():
            await pilot.pause()
            return view
        await asyncio.sleep(0.01)
    raise AssertionError("the pane never showed its output")


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def current(style: object) -> bool:
    """The style is the current match's (the app's filters turn named colours into RGB)."""
    bg = getattr(style, "bgcolor", None)
    want = CURRENT_STYLE.bgcolor
    return bg is not None and want is not None and bg.get_truecolor() == want.get_truecolor()


def styles_at(view: TerminalView, y: int, x0: int, x1: int) -> set[object]:
    strip = view.render_line(y)
    out = set()
    pos = 0
    for seg in strip:
        end = pos + len(seg.text)
        if pos < x1 and end > x0:
            out.add(seg.style)
        pos = end
    return out


async def test_keys_scroll_back_the_pane_says_how_far_and_a_key_returns_live() -> None:
    backend = Backend(OUTPUT)
    app = PaneApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        history = len(view.emulator.screen.scrollback)
        await press(pilot, "shift+pageup", "shift+pageup")
        assert view.emulator.view_offset == 46
        top = rows(app)
        assert f"scrollback 46 of {history} lines up" in top[0]
        assert top[1] == "row 1937"  # the live top row is row 1982; 46 up the top is row 1936
        await press(pilot, "shift+pagedown")
        assert view.emulator.view_offset == 23 and f"scrollback 23 of {history}" in rows(app)[0]
        backend.writes.clear()
        await press(pilot, "x")  # a key for the program
        assert view.emulator.view_offset == 0 and not view.browser.active
        assert "scrollback" not in rows(app)[0]
        assert b"".join(backend.writes) == b"x"


async def test_the_wheel_scrolls_and_back_at_the_bottom_the_mode_ends() -> None:
    app = PaneApp(Backend(OUTPUT))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        for _ in range(4):
            view.post_message(events.MouseScrollUp(view, 5, 5, 0, -1, 0, False, False, False))
        await pilot.pause()
        assert view.emulator.view_offset == 12 and "scrollback 12 of" in rows(app)[0]
        for _ in range(4):
            view.post_message(events.MouseScrollDown(view, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert view.emulator.view_offset == 0 and not view.browser.active
        assert rows(app)[-2] == "the end"


async def test_the_wheel_goes_to_the_program_when_it_asked_for_mouse_reports() -> None:
    backend = Backend(OUTPUT, mouse=True)
    app = PaneApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        await pilot.pause(0.05)
        backend.writes.clear()
        view.post_message(events.MouseScrollUp(view, 5, 5, 0, -1, 0, False, False, False))
        await pilot.pause(0.05)
        assert view.emulator.view_offset == 0
        assert b"".join(backend.writes) == b"\x1b[<64;6;6M"


async def test_search_highlights_counts_and_steps_through_matches() -> None:
    app = PaneApp(Backend(OUTPUT))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        await press(pilot, "shift+pageup", "slash", "1", "7", "7", "enter")
        # "177" is in row 177, row 1177 and rows 1770-1779: the nearest above the bottom is 1779
        status = rows(app)[0]
        assert "/177: 12 of 12" in status
        screen_rows = rows(app)
        y = screen_rows.index("row 1779")
        assert all(current(s) for s in styles_at(view, y, 4, 7))
        others = [i for i, r in enumerate(screen_rows) if r.startswith("row 177") and r != "row 1779"]
        assert others, "the other matches are on the pane too"
        other = styles_at(view, others[0], 4, 7)
        assert all(getattr(s, "bgcolor", None) is not None and not current(s) for s in other)
        assert styles_at(view, y, 0, 4) == styles_at(view, y, 7, 8)  # "row " and "9": not marked
        await press(pilot, "n")
        assert "/177: 11 of 12" in rows(app)[0]
        await press(pilot, "N", "N")
        assert "/177: 1 of 12" in rows(app)[0]  # wrapped round to the oldest
        assert "row 177" in rows(app)
        await press(pilot, "slash", "n", "o", "p", "e", "enter")
        assert "/nope: no match" in rows(app)[0]


async def test_search_then_shift_arrows_select_and_y_copies_to_the_clipboard() -> None:
    app = PaneApp(Backend(OUTPUT))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await press(pilot, "shift+pageup", "slash", *"row 1500", "enter")
        await press(pilot, "shift+down", "shift+down", "y")
        assert app.clipboard == "row 1500\nrow 1501\nrow 1502"
        assert "copied 3 lines" in rows(app)[0]


async def test_wrapped_lines_are_one_line_when_searched_and_copied() -> None:
    app = PaneApp(Backend(OUTPUT))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # "019-020" runs across the first wrap of the long line (row 1 ends inside "019-").
        await press(pilot, "shift+pageup", "slash", *"019-020", "enter")
        assert "/019-020: 1 of 1" in rows(app)[0]
        await press(pilot, "escape")
        view = app.query_one(TerminalView)
        y = rows(app).index("the end") - 3
        view.post_message(events.MouseDown(view, 0, y, 0, 0, 1, False, False, False))
        view.post_message(events.MouseMove(view, 10, y + 3, 0, 0, 1, False, False, False))
        view.post_message(events.MouseUp(view, 10, y + 3, 0, 0, 1, False, False, False))
        await pilot.pause()
        assert app.clipboard == LONG + "\nthe end"


async def test_mouse_drag_selects_and_copies_a_click_does_not() -> None:
    backend = Backend(OUTPUT)
    app = PaneApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        y = rows(app).index("the end")
        view.post_message(events.MouseDown(view, 4, y, 0, 0, 1, False, False, False))
        view.post_message(events.MouseMove(view, 6, y, 0, 0, 1, False, False, False))
        await pilot.pause()
        assert any(s is not None and s.reverse for s in styles_at(view, y, 4, 7))  # shown selected
        view.post_message(events.MouseUp(view, 6, y, 0, 0, 1, False, False, False))
        await pilot.pause()
        assert app.clipboard == "end"
        view.post_message(events.MouseDown(view, 1, 1, 0, 0, 1, False, False, False))
        view.post_message(events.MouseUp(view, 1, 1, 0, 0, 1, False, False, False))
        await pilot.pause()
        assert app.clipboard == "end" and view.browser.selection is None
        assert backend.writes == []  # the program asked for no mouse reports: it got none


async def test_shift_drag_selects_even_when_the_program_takes_the_mouse() -> None:
    backend = Backend(OUTPUT, mouse=True)
    app = PaneApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        await pilot.pause(0.05)
        backend.writes.clear()
        y = rows(app).index("the end")
        view.post_message(events.MouseDown(view, 0, y, 0, 0, 1, True, False, False))
        view.post_message(events.MouseMove(view, 2, y, 0, 0, 1, True, False, False))
        view.post_message(events.MouseUp(view, 2, y, 0, 0, 1, True, False, False))
        await pilot.pause(0.05)
        assert app.clipboard == "the"
        assert backend.writes == []


async def test_capital_y_copies_the_live_screen_and_y_the_view() -> None:
    app = PaneApp(Backend(OUTPUT))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        live = "\n".join(view.emulator.screen.display()).rstrip("\n")
        await press(pilot, "shift+pageup", "shift+pageup", "Y")
        assert app.clipboard == live.replace(LONG[:80] + "\n" + LONG[80:160] + "\n", LONG[:160])
        await press(pilot, "y")
        assert app.clipboard == "\n".join(f"row {i}" for i in range(1936, 1960))


async def test_enter_right_after_scrolling_back_goes_to_the_program() -> None:
    backend = Backend(OUTPUT)
    app = PaneApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        await press(pilot, "shift+pageup", "enter")
        assert view.emulator.view_offset == 0 and not view.browser.active
        assert b"".join(backend.writes) == b"\r"
        assert app.clipboard == ""


async def test_a_resize_ends_scrollback_mode_and_reflows_the_history() -> None:
    app = PaneApp(Backend(OUTPUT))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await ready(pilot)
        await press(pilot, "shift+pageup", "slash", *"row 1999", "enter")
        assert view.browser.matches
        await pilot.resize_terminal(50, 24)
        await pilot.pause()
        assert not view.browser.active and view.browser.matches == []
        assert view.emulator.screen.display()[-6:-2] == [LONG[:50], LONG[50:100], LONG[100:150], LONG[150:]]
