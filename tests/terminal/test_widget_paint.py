"""How `TerminalView` paints: its own fast path for a plain pane must give exactly the strips
Textual's general path gives (line filters included), and a styled pane must keep the general
path so borders and padding still show."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget

from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.widget import TerminalView

OUTPUT = b"plain line\r\n\x1b[31mRED\x1b[0m and \x1b[1;44mbold on blue\x1b[0m\r\n\x1b[38;2;10;200;30mtrue\x1b[0m"


class ScriptedBackend:
    """A transport that sends one fixed output, then stays open until closed."""

    def __init__(self, output: bytes) -> None:
        self.output = output
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
        pass

    async def resize(self, cols: int, rows: int) -> None:
        pass

    async def close(self) -> None:
        self.closed.set()


class PaneApp(App[None]):
    def __init__(self, css: str = "") -> None:
        self.CSS = css
        super().__init__()

    def compose(self) -> ComposeResult:
        yield TerminalView(ScriptedBackend(OUTPUT), title="pane")


def segments(strips) -> list[list[tuple[str, object]]]:
    return [[(seg.text, seg.style) for seg in strip] for strip in strips]


async def painted(app: PaneApp) -> TerminalView:
    view = app.query_one(TerminalView)
    for _ in range(200):
        if "RED" in "".join(view.emulator.screen.text_lines()):
            return view
        await asyncio.sleep(0.01)
    raise AssertionError("the pane never showed its output")


@pytest.mark.parametrize("no_color", [False, True])
async def test_plain_pane_paints_what_the_general_path_paints(monkeypatch, no_color: bool) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = PaneApp()
    async with app.run_test(size=(40, 6)):
        view = await painted(app)
        assert view._plain_box()
        for crop in (Region(0, 0, 40, 6), Region(0, 1, 40, 2), Region(3, 1, 10, 2)):
            fast = view.render_lines(crop)
            general = Widget.render_lines(view, crop)
            assert segments(fast) == segments(general), crop
        red = next(seg for seg in view.render_lines(Region(0, 1, 40, 1))[0] if seg.text == "RED")
        triplet = red.style.color.get_truecolor()
        # The app's filters ran on the fast path: NO_COLOR turns red grey, and without it the
        # ANSI red is made truecolor from the app's theme.
        assert red.style.color.is_system_defined is False
        assert (triplet.red == triplet.green == triplet.blue) is no_color


async def test_styled_pane_keeps_its_border_and_padding() -> None:
    app = PaneApp("TerminalView { border: round red; padding: 0 2; }")
    async with app.run_test(size=(40, 8)):
        view = await painted(app)
        assert not view._plain_box()
        rows = [strip.text for strip in view.render_lines(Region(0, 0, 40, 8))]
        assert rows[0].startswith("╭") and "pane" in rows[0]
        assert rows[1].startswith("│  plain line")
        assert rows[-1].startswith("╰")
