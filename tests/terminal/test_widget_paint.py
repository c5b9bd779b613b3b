"""How `TerminalView` paints: its own fast path for a plain pane must give exactly the strips
Textual's general path gives (line filters included), and a styled pane must keep the general
path so borders and padding still show."""

from __future__ import annotations

import asyncio

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.color import Color
from textual.filter import DimFilter, LineFilter
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


class Shout(LineFilter):
    """A filter that is not one of Textual's per-style ones: it changes the text itself."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text.upper(), style, control) for text, style, control in segments]


@pytest.mark.parametrize("extra", [DimFilter, Shout])
async def test_every_line_filter_runs_on_the_fast_path(extra: type[LineFilter]) -> None:
    """Textual's per-style filters are folded into the style cache; any other one still runs
    over the strips. Either way the fast path paints what the general path paints."""
    app = PaneApp()
    async with app.run_test(size=(40, 6)):
        app._filters.append(extra())
        view = await painted(app)
        view.emulator.feed(b"\r\n\x1b[2;31mdim red\x1b[0m")
        crop = Region(0, 0, 40, 6)
        fast = view.render_lines(crop)
        assert segments(fast) == segments(Widget.render_lines(view, crop))
        text = "".join(strip.text for strip in fast)
        if extra is Shout:
            assert "PLAIN LINE" in text
        else:
            dim = next(seg for strip in fast for seg in strip if seg.text.startswith("dim red"))
            assert not dim.style.dim  # the dim filter turned dim into a blended colour


async def test_a_row_changed_after_its_paint_is_asked_for_again() -> None:
    """A row is handed to `refresh` once until it is painted, then again when it changes."""
    app = PaneApp()
    async with app.run_test(size=(40, 6)):
        view = await painted(app)
        view.render_lines(Region(0, 0, 40, 6))
        asked: list[tuple[Region, ...]] = []
        view.refresh = lambda *regions, **kw: asked.append(regions)  # type: ignore[method-assign]
        view.emulator.feed(b"\x1b[1;1Hfirst")
        view._flush()
        assert asked and Region(0, 0, 40, 1) in asked[-1]
        asked.clear()
        view.emulator.feed(b"\x1b[1;1Hsecond")
        view._flush()
        assert asked == []  # still waiting for its paint: no second refresh
        view.render_lines(Region(0, 0, 40, 1))
        view.emulator.feed(b"\x1b[1;1Hthird")
        view._flush()
        assert asked and Region(0, 0, 40, 1) in asked[-1]
