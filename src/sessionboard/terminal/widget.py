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

Keys go to the program (see `keys.py`), with these exceptions: `ctrl+]` posts `Released` (the
console takes focus back), shift+pageup / shift+pagedown scroll the scrollback and start its
mode (see `browse.py`: search, selection, copy), whose own keys are the pane's while it lasts.
The widget claims every key in `check_consume_key` so that app bindings (even priority ones) do
not steal them while it has focus. With the mouse, a drag selects and copies (when the program
did not ask for mouse reports, or with shift held), the wheel scrolls the history.
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
from .browse import Browser, Mark
from .emulator import Emulator
from .history import Point, first_visible
from .keys import MouseAction, key_to_bytes, mouse_to_bytes, paste_to_bytes

FEED_SLICE = 64 * 1024  # 32 KB: 0.71-0.77x of the bare emulator over SSH; 64 KB: 0.77-0.83x
FRAME_DUE = 1 / 60
SLICE_YIELDS = 3  # loop turns after every slice: 1 gave 23 frames a second, 3 gives 56-58
PAINT_YIELDS = 12  # at most this many more when a frame is overdue
RELEASE_KEY = "ctrl+right_square_bracket"
VIEW_KEYS = frozenset({"shift+pageup", "shift+pagedown"})
"""Keys that open the pane's scrollback mode, also once its session has ended."""
# Textual's line filters that map each segment's style on its own (and nothing else), so they
# can be applied once per style instead of once per strip.
_STYLE_FILTERS = (ANSIToTruecolor, DimFilter, Monochrome, NoColor)
WHEEL_LINES = 3
MAX_QUERY = 200
# Highlights over the cells: explicit colours (reverse off, so a reversed cell shows them too);
# the selection toggles reverse video instead, so it shows under NO_COLOR as well.
MATCH_STYLE = Style(color="black", bgcolor="yellow", reverse=False)
CURRENT_STYLE = Style(color="black", bgcolor="dark_orange", bold=True, underline=True, reverse=False)
# shift+arrows in scrollback mode: (columns, lines) the selection's free end moves.
_EXTEND = {"shift+left": (-1, 0), "shift+right": (1, 0), "shift+up": (0, -1), "shift+down": (0, 1)}
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
        self.browser = Browser(self.emulator.screen)  # scrollback mode: search, selection
        self._dragging = False  # a mouse selection is being made

    # ----------------------------------------------------------------- lifecycle

    def on_mount(self) -> None:
        self._start_if_sized()

    def on_resize(self, event: events.Resize) -> None:
        cols, rows = self.size.width, self.size.height
        if cols <= 0 or rows <= 0:
            return
        if (cols, rows) != (self.emulator.cols, self.emulator.rows):
            if self.browser.painting:
                self.browser.leave()  # the rows are reflowed and renamed: matches point nowhere
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
        self.browser.leave()
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
        if self.browser.painting:
            strip = self._paint_browse(strip, y, width)
        return strip

    # ----------------------------------------------------------------- scrollback mode

    def _paint_browse(self, strip: Strip, y: int, width: int) -> Strip:
        """Matches, the selection and (on the top row) the status line over row y's cells."""
        browser = self.browser
        line = first_visible(self.emulator.screen) + y
        for x0, x1, mark in browser.marks_on(line, width):
            strip = self._restyle(strip, x0, x1, mark, width)
        if y == 0 and browser.active:
            label = Strip([Segment(f" {browser.status()} ")]).crop(0, width)
            style = self.emulator.renderer.mapped(self._base_style() + Style(reverse=True, bold=True))
            label = Strip([Segment(seg.text, style) for seg in label], label.cell_length)
            strip = Strip.join([strip.crop(0, width - label.cell_length), label])
        return strip

    def _restyle(self, strip: Strip, x0: int, x1: int, mark: Mark, width: int) -> Strip:
        left, middle, right = strip.divide([x0, x1, width])
        mapped = self.emulator.renderer.mapped
        segments = []
        for seg in middle:
            base = seg.style or Style()
            if mark is Mark.SELECTED:
                style = base + Style(reverse=not base.reverse)
            else:
                style = base + mapped(CURRENT_STYLE if mark is Mark.CURRENT else MATCH_STYLE)
            segments.append(Segment(seg.text, style))
        return Strip.join([left, Strip(segments, middle.cell_length), right])

    def _browse_changed(self) -> None:
        self.refresh()

    def _copy(self, text: str) -> None:
        """To the clipboard through the app (Textual writes OSC 52 to the outer terminal)."""
        if not text:
            self.browser.message = "nothing to copy"
            return
        self.app.copy_to_clipboard(text)
        lines = text.count("\n") + 1
        self.browser.message = f"copied {lines} line{'s' if lines != 1 else ''}"

    def _browse_key(self, key: str, character: str | None) -> bool:
        """A key in scrollback mode; False when it is not one of the mode's (it then goes to
        the program, and the pane back to the live screen)."""
        browser = self.browser
        if browser.query is not None:  # typing a search: every key is the query's
            if key == "escape":
                browser.query = None
            elif key == "enter":
                query, browser.query = browser.query, None
                if query:
                    browser.run_search(query)
            elif key == "backspace":
                browser.query = browser.query[:-1]
            elif character and len(character) == 1 and character.isprintable():
                browser.query = (browser.query + character)[:MAX_QUERY]
            return True
        browser.message = ""
        page = max(self.emulator.rows - 1, 1)
        if character == "/":
            browser.query = ""
        elif key == "escape" or character == "q":
            browser.leave()
        elif character == "n":
            browser.step(older=True)
        elif character == "N":
            browser.step(older=False)
        elif character == "y":
            self._copy(browser.selected_text())
        elif character == "Y":
            self._copy(browser.live_text())
        elif key in _EXTEND:
            browser.extend(*_EXTEND[key])
        elif key in ("up", "down", "pageup", "pagedown"):
            lines = {"up": 1, "down": -1, "pageup": page, "pagedown": -page}[key]
            browser.scroll(lines)
        else:
            return False
        return True

    def _scroll_back(self, lines: int) -> None:
        """shift+page keys and the wheel: scroll; back at the live screen with nothing searched
        or selected, scrollback mode ends."""
        browser = self.browser
        if lines > 0:
            browser.enter()
        self._scroll_view(lines)
        if not self.emulator.view_offset and browser.active and not browser.last_query and browser.selection is None:
            browser.leave()
        self._browse_changed()

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
        """Every key but ctrl+] belongs to the remote program while this pane has focus and its
        session lives; an ended pane claims none (the console's keys work on it at once) but
        while its scrollback mode is on, whose keys are the mode's."""
        return (self.ended is None or self.browser.active) and key != RELEASE_KEY

    async def _on_key(self, event: events.Key) -> None:
        if self.ended is not None and not self.browser.active and event.key not in VIEW_KEYS:
            return  # nothing to send it to: the key goes on to the console's bindings
        event.stop()
        event.prevent_default()
        key = event.key
        if key == RELEASE_KEY:
            self.post_message(self.Released(self))
            return
        emu = self.emulator
        page = max(emu.rows - 1, 1)
        if key == "shift+pageup":
            self._scroll_back(page)
            return
        if key == "shift+pagedown":
            self._scroll_back(-page)
            return
        browser = self.browser
        if browser.active and self._browse_key(key, event.character):
            self._browse_changed()
            return
        if browser.painting:
            browser.leave()  # a key for the program: back to the live screen
            self._browse_changed()
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
            if self.browser.painting:
                self.browser.leave()
                self._browse_changed()
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

    def _cell(self, event: events.MouseEvent) -> Point:
        screen = self.emulator.screen
        y = min(max(event.y, 0), screen.rows - 1)
        return Point(first_visible(screen) + y, min(max(event.x, 0), screen.cols - 1))

    def _selects(self, event: events.MouseEvent) -> bool:
        """A left drag selects when the program did not ask for the mouse, or with shift."""
        return event.button == 1 and (not self.emulator.modes.mouse or event.shift or self.ended is not None)

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        if not self.has_focus:
            self.focus()
        if self._selects(event):
            event.stop()
            cell = self._cell(event)
            self.browser.select(cell, cell)
            self._dragging = True
            self.capture_mouse()
            self._browse_changed()
            return
        if self._mouse(event, MouseAction.PRESS):
            event.stop()

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            event.stop()
            self._dragging = False
            self.release_mouse()
            browser = self.browser
            sel = browser.selection
            if sel is not None and sel.start != sel.end:
                self._copy(browser.selected_text())  # as xterm: what is selected is copied
            else:
                browser.clear_selection()  # a click, not a drag
            self._browse_changed()
            return
        if self._mouse(event, MouseAction.RELEASE):
            event.stop()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            anchor = self.browser.anchor
            if anchor is not None:
                self.browser.select(anchor, self._cell(event))
                self._browse_changed()
            return
        self._mouse(event, MouseAction.MOVE)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        event.prevent_default()
        if not self._mouse(event, MouseAction.SCROLL_UP):
            self._scroll_back(WHEEL_LINES)

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        event.prevent_default()
        if not self._mouse(event, MouseAction.SCROLL_DOWN):
            self._scroll_back(-WHEEL_LINES)
