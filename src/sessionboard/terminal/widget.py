"""`TerminalView`: a Textual widget that is a terminal on any `TerminalBackend`.

How it stays responsive under a flood (`cat` of a 20 MB file):
- one reader task reads a chunk, feeds it to the emulator in slices of `FEED_SLICE` bytes (about
  6 ms of work each) and yields to the event loop a few turns between slices, so a key pressed
  meanwhile is handled within a slice or two;
- it reads the next chunk only when the current one is processed: the backend's own buffer is the
  only queue, so back-pressure reaches the program (its writes block) instead of memory growing;
- after each slice the rows the emulator marked dirty are handed to `refresh`; Textual's screen
  paints what accumulated at most `TEXTUAL_FPS` (60) times a second, however many slices came in
  between. (A timer of our own at 60 Hz beat against the screen's: 43 frames a second.) A
  refresh reaches the screen through several messages, each needing a turn of the loop, so the
  reader gives a few turns per slice, and more when a frame is overdue (`_let_paint`).

Keys go to the program (see `keys.py`), with two exceptions: `ctrl+]` posts `Released` (the
console takes focus back) and shift+pageup / shift+pagedown scroll the scrollback. The widget
claims every key in `check_consume_key` so that app bindings (even priority ones) do not steal
them while it has focus.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Union

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.filter import ANSIToTruecolor, DimFilter, LineFilter, Monochrome, NoColor
from textual.color import Color
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from sessionboard.model import safe_text

from .backend import TerminalBackend, TerminalClosed
from .emulator import Emulator
from .keys import MouseAction, key_to_bytes, mouse_to_bytes, paste_to_bytes

FEED_SLICE = 64 * 1024  # 32 KB: 0.71-0.77x of the bare emulator over SSH; 64 KB: 0.77-0.83x
FRAME_DUE = 1 / 60
SLICE_YIELDS = 3  # loop turns after every slice: 1 gave 23 frames a second, 3 gives 56-58
PAINT_YIELDS = 12  # at most this many more when a frame is overdue
RELEASE_KEY = "ctrl+right_square_bracket"
# Textual's line filters that map each segment's style on its own (and nothing else), so they
# can be applied once per style instead of once per strip.
_STYLE_FILTERS = (ANSIToTruecolor, DimFilter, Monochrome, NoColor)
_Resize = tuple[int, int]
_Outgoing = Union[bytes, _Resize]


def _style_map(filters: Sequence[LineFilter], background: Color) -> Callable[[Style], Style]:
    """One style through `filters` in turn, as each would map a segment of that style."""

    def apply(style: Style) -> Style:
        segments = [Segment(" ", style)]
        for line_filter in filters:
            segments = line_filter.apply(segments, background)
        mapped = segments[0].style
        return Style() if mapped is None else mapped

    return apply


class TerminalView(Widget, can_focus=True):
    """A terminal pane: shows what the backend sends, sends it what the user types."""

    DEFAULT_CSS = """
    TerminalView {
        width: 1fr;
        height: 1fr;
        background: $background;
        color: $foreground;
        overflow: hidden;
    }
    """

    class Released(Message):
        """The user pressed ctrl+]: they want the keyboard back for the console."""

        def __init__(self, view: TerminalView) -> None:
            self.view = view
            super().__init__()

        @property
        def control(self) -> TerminalView:
            return self.view

    class Ended(Message):
        """The session ended (or failed); `reason` is what the pane shows."""

        def __init__(self, view: TerminalView, reason: str) -> None:
            self.view = view
            self.reason = reason
            super().__init__()

        @property
        def control(self) -> TerminalView:
            return self.view

    def __init__(
        self,
        backend: TerminalBackend,
        title: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.backend = backend
        self.title = title
        self.border_title = Content(title)  # a str border title is markup: "[/]" in a session name raised
        self.emulator = Emulator(80, 24, on_reply=self._send_reply)
        self.ended: str | None = None
        self.frames = 0  # refresh calls made (Textual coalesces them into frames), for the benchmark
        self.painted_at = 0.0  # when a line was last rendered: the read loop paces frames by it
        self.bytes_fed = 0
        self.feed_seconds = 0.0  # time spent inside the emulator, for the benchmark
        # Bytes to write and sizes to send, in order; the writer task drains it.
        self._outbox: deque[_Outgoing] = deque()
        self._outbox_ready = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._cursor_drawn: tuple[int, int] | None = None
        self._requested: set[int] = set()  # rows handed to `refresh` and not painted since
        self._base: Style | None = None

    # ----------------------------------------------------------------- lifecycle

    def on_mount(self) -> None:
        self._start_if_sized()

    def on_resize(self, event: events.Resize) -> None:
        cols, rows = self.size.width, self.size.height
        if cols <= 0 or rows <= 0:
            return
        if (cols, rows) != (self.emulator.cols, self.emulator.rows):
            self.emulator.resize(cols, rows)
            if self._reader is not None:
                self._enqueue((cols, rows))
        self._start_if_sized()
        self.refresh()

    def _start_if_sized(self) -> None:
        if self._reader is not None:
            return
        cols, rows = self.size.width, self.size.height
        if cols <= 0 or rows <= 0:
            return
        self.emulator.resize(cols, rows)
        self._reader = asyncio.create_task(self._read_loop(cols, rows))

    async def on_unmount(self) -> None:
        await self.stop()

    async def stop(self) -> None:
        """Stop reading and writing and close the backend (idempotent)."""
        for task in (self._reader, self._writer):
            if task is not None and not task.done():
                task.cancel()
        try:
            await self.backend.close()
        except Exception:
            pass

    # ----------------------------------------------------------------- reading

    async def _read_loop(self, cols: int, rows: int) -> None:
        reason = "terminal closed"
        try:
            await self.backend.start(cols, rows)
            if (self.emulator.cols, self.emulator.rows) != (cols, rows):
                self._enqueue((self.emulator.cols, self.emulator.rows))
            self._writer = asyncio.create_task(self._write_loop())
            feed = self.emulator.feed
            clock = time.perf_counter
            while True:
                data = await self.backend.read()
                for i in range(0, len(data), FEED_SLICE):
                    t = clock()
                    feed(data[i : i + FEED_SLICE])
                    self.feed_seconds += clock() - t
                    self.bytes_fed += min(FEED_SLICE, len(data) - i)
                    self._flush()
                    for _ in range(SLICE_YIELDS):
                        await asyncio.sleep(0)  # let keys and a due frame through between slices
                    if clock() - self.painted_at > FRAME_DUE:
                        await self._let_paint()
        except TerminalClosed as closed:
            reason = closed.reason or reason
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never a traceback in the pane, nor the exception's text
            reason = f"terminal error ({type(exc).__name__})"
        self._end(reason)

    async def _let_paint(self) -> None:
        """A frame is due: yield until the screen has painted, a few loop turns at most.

        A refresh reaches the screen through a chain of messages (widget, screen, update timer),
        each needing a turn of the event loop; one turn per slice made a frame wait for several
        slices (24 frames a second with 64 KB slices). Extra turns cost microseconds when
        nothing is ready, and the cap keeps parsing going if the screen's timer is not due."""
        due = self.painted_at
        for _ in range(PAINT_YIELDS):
            await asyncio.sleep(0)
            if self.painted_at != due:
                return

    def _end(self, reason: str) -> None:
        if self.ended is not None:
            return
        self.ended = reason = safe_text(reason, limit=1000)  # the reason may carry a server's own words
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
        self.emulator.screen.view_offset = 0
        self.emulator.feed_text(f"\x1b[0m\r\n[session ended: {reason}]")
        self.emulator.modes.cursor_visible = False
        self.post_message(self.Ended(self, reason))
        self._flush()

    # ----------------------------------------------------------------- writing

    def _send_reply(self, data: bytes) -> None:
        if self.ended is None:
            self._enqueue(data)

    def send(self, data: bytes) -> None:
        """Queue bytes for the program (keys, pastes); dropped once the session has ended."""
        if self.ended is None and data:
            self._enqueue(data)

    def _enqueue(self, item: _Outgoing) -> None:
        self._outbox.append(item)
        self._outbox_ready.set()

    async def _write_loop(self) -> None:
        outbox = self._outbox
        try:
            while True:
                await self._outbox_ready.wait()
                self._outbox_ready.clear()
                while outbox:
                    item = outbox.popleft()
                    if isinstance(item, bytes):
                        # Coalesce what queued up meanwhile (fast typing, a paste) into one write.
                        while outbox and isinstance(outbox[0], bytes):
                            item += outbox.popleft()  # type: ignore[operator]
                        await self.backend.write(item)
                    else:
                        await self.backend.resize(*item)
        except TerminalClosed:
            pass  # the reader reports the end
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._end(f"terminal error ({type(exc).__name__})")

    # ----------------------------------------------------------------- painting

    def _flush(self) -> None:
        """Ask for a repaint of the rows that changed (and of the cursor's old and new row).

        Rows already asked for since the last paint are not asked for again: the reader
        flushes after every slice, several times a frame, and in a flood every row is dirty
        every time; one `refresh` per frame is what Textual needs (a refresh costs 0.1 ms)."""
        emu = self.emulator
        dirty = emu.take_dirty()
        cursor = (emu.screen.x, emu.screen.y)
        if cursor != self._cursor_drawn:
            if self._cursor_drawn is not None:
                dirty.add(self._cursor_drawn[1])
            dirty.add(cursor[1])
            self._cursor_drawn = cursor
        dirty -= self._requested
        if not dirty:
            return
        self._requested |= dirty
        width, height = self.size
        rows = sorted(y for y in dirty if y < height)
        regions = []
        start = prev = None
        for y in rows:
            if start is None:
                start = prev = y
            elif y == prev + 1:  # type: ignore[operator]
                prev = y
            else:
                regions.append(Region(0, start, width, prev - start + 1))  # type: ignore[operator]
                start = prev = y
        if start is not None:
            regions.append(Region(0, start, width, prev - start + 1))  # type: ignore[operator]
        if regions:
            self.frames += 1
            self.refresh(*regions)

    def _scroll_view(self, lines: int) -> None:
        """Move the view through the scrollback (positive: back in time) and show it."""
        self.emulator.scroll_view(lines)
        self._flush()

    def _base_style(self) -> Style:
        """The widget's colours; `rich_style` walks the DOM, so it is read once per frame."""
        if self._base is None:
            self._base = self.rich_style
            self.emulator.renderer.set_base(self._base)
        return self._base

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None

    def render_lines(self, crop: Region) -> list[Strip]:
        """The frame's rows straight from the emulator when the pane is a plain box.

        Textual's general path (`Widget.render_lines` through its styles cache) handles borders,
        padding, outlines, tint, opacity and hatching for every line it renders, and caches
        strips the emulator already renders fresh per dirty row: a tenth of the wall time of a
        `cat` flood, 0.75x of the bare emulator instead of 0.83-0.92x over SSH. A pane with any
        of those styles still takes the general path, so styling it stays correct. The app's
        line filters (truecolor, NO_COLOR, dim) apply on both paths; on this one, when they are
        Textual's own per-style filters, they are folded into the renderer's style cache."""
        self._requested.clear()  # every row asked for is painted now (see `_flush`)
        renderer = self.emulator.renderer
        if not self._plain_box():
            renderer.set_filter(None, None)  # Textual's styles cache applies the filters
            return super().render_lines(crop)
        background = self.background_colors[1]
        filters = self.app.get_line_filters()
        if all(type(line_filter) in _STYLE_FILTERS for line_filter in filters):
            renderer.set_filter((*filters, background), _style_map(filters, background))
            filters = []
        else:
            renderer.set_filter(None, None)
        self.painted_at = time.perf_counter()
        self._base_style()
        width = self.size.width
        cursor = self.has_focus and self.ended is None
        row = self._row
        strips = []
        for y in crop.line_range:
            strip = row(y, width, cursor)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain_box(self) -> bool:
        """No border, padding, outline, tint, hatch or opacity: content is the whole region."""
        styles = self.styles
        return (
            not any(styles.gutter)
            and not any(edge for edge, _ in styles.outline)
            and not styles.tint.a
            and styles.text_opacity == 1.0
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and self.opacity == 1.0
        )

    def render_line(self, y: int) -> Strip:
        self.painted_at = time.perf_counter()
        self._base_style()
        return self._row(y, self.size.width, self.has_focus and self.ended is None)

    def _row(self, y: int, width: int, cursor: bool) -> Strip:
        """Row `y` of the screen as a strip exactly `width` cells wide."""
        renderer = self.emulator.renderer
        if y >= self.emulator.rows:
            return renderer.blank(width)
        strip = self.emulator.render_line(y, cursor=cursor)
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, renderer.blank_style)
        return strip

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self._cursor_drawn = None
        self._base = None
        self._flush()
        if self.emulator.modes.focus_events:
            self.send(b"\x1b[I")

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self._cursor_drawn = None
        self._base = None
        self._flush()
        if self.emulator.modes.focus_events:
            self.send(b"\x1b[O")

    # ----------------------------------------------------------------- keys, paste, mouse

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Every key but ctrl+] belongs to the remote program while this pane has focus."""
        return key != RELEASE_KEY

    async def _on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        key = event.key
        if key == RELEASE_KEY:
            self.post_message(self.Released(self))
            return
        emu = self.emulator
        page = max(emu.rows - 1, 1)
        if key == "shift+pageup":
            self._scroll_view(page)
            return
        if key == "shift+pagedown":
            self._scroll_view(-page)
            return
        if self.ended is not None:
            return
        if emu.view_offset:
            self._scroll_view(-emu.view_offset)
        data = key_to_bytes(key, event.character, emu.modes.app_cursor)
        if data:
            self.send(data)

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if self.ended is None and event.text:
            self.send(paste_to_bytes(event.text, self.emulator.modes.bracketed_paste))

    def _mouse(self, event: events.MouseEvent, action: MouseAction) -> bool:
        modes = self.emulator.modes
        if not modes.mouse or self.ended is not None:
            return False
        data = mouse_to_bytes(
            action,
            event.button,
            max(event.x, 0),
            max(event.y, 0),
            mode=modes.mouse,
            sgr=modes.mouse_sgr,
            shift=event.shift,
            alt=event.meta,
            ctrl=event.ctrl,
        )
        if data:
            self.send(data)
        return True

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        if not self.has_focus:
            self.focus()
        if self._mouse(event, MouseAction.PRESS):
            event.stop()

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        if self._mouse(event, MouseAction.RELEASE):
            event.stop()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._mouse(event, MouseAction.MOVE)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        event.prevent_default()
        if not self._mouse(event, MouseAction.SCROLL_UP):
            self._scroll_view(3)

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        event.prevent_default()
        if not self._mouse(event, MouseAction.SCROLL_DOWN):
            self._scroll_view(-3)
