"""The pane's scrollback mode: where the view is, the search and its matches, the selection, and
the line the pane shows about them. Keys and the mouse reach it through the widget (widget.py);
this module holds no Textual state, so every step of it is a plain unit test.

Scrollback mode starts with shift+pageup or the wheel (when the program did not ask for mouse
reports) and ends with escape or q, or with any key that goes to the program. In it:
`/` types a search (enter runs it), `n` / `N` go to the next older / newer match, shift+arrows
extend the selection (from the match), `y` copies the selection (the view when there is none),
`Y` copies the live screen, arrows and pageup/pagedown scroll. Enter is not the mode's: typed
right after scrolling back, it is the program's (and returns the pane to the live screen).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from enum import Enum

from .history import MAX_MATCHES, Point, Span, first_visible, search, text_of, visible_text
from .screen import Screen


class Mark(Enum):
    """What a highlighted cell is: a match, the current match, or selected."""

    MATCH = "match"
    CURRENT = "current"
    SELECTED = "selected"


@dataclass
class Browser:
    """Scrollback-mode state of one pane over its emulator's screen."""

    screen: Screen
    active: bool = False
    query: str | None = None  # being typed after `/`; None when not typing
    last_query: str = ""
    matches: list[Span] = field(default_factory=list)
    current: int = -1
    selection: Span | None = None
    anchor: Point | None = None  # where the selection started (mouse press, match start)
    message: str = ""  # said once on the status line ("copied 3 lines")
    _starts: list[int] = field(default_factory=list)
    _longest: int = 0  # rows the longest match spans, less one

    # ----------------------------------------------------------------- the view

    def enter(self) -> None:
        self.active = True

    def leave(self) -> None:
        """Back to the live screen; search, selection and message forgotten."""
        self.active = False
        self.query = None
        self.matches = []
        self._starts = []
        self.current = -1
        self.clear_selection()
        self.message = ""
        self.screen.scroll_view(-self.screen.view_offset)

    def scroll(self, lines: int) -> None:
        self.screen.scroll_view(lines)

    def show(self, line: int) -> None:
        """Scroll so that `line` is on the pane, in its middle when the history allows."""
        s = self.screen
        top = first_visible(s)
        if top <= line < top + s.rows:
            return
        bottom_top = s.dropped + len(s.scrollback)  # the live view's first line
        wanted = bottom_top - (line - s.rows // 2)
        s.scroll_view(wanted - s.view_offset)

    # ----------------------------------------------------------------- search

    def run_search(self, query: str) -> None:
        """Find `query`; the current match is the nearest one at or above the pane's bottom."""
        self.last_query = query
        self.matches = search(self.screen, query)
        self._starts = [m.start.line for m in self.matches]
        self._longest = max((m.end.line - m.start.line for m in self.matches), default=0)
        self.current = -1
        if not self.matches:
            return
        bottom = first_visible(self.screen) + self.screen.rows - 1
        self.current = max(bisect_right(self._starts, bottom) - 1, 0)
        self._select_current()

    def step(self, older: bool) -> None:
        """`n` (older) / `N` (newer): the next match, wrapping around the ends."""
        if not self.matches:
            if self.last_query:
                self.run_search(self.last_query)
            return
        n = len(self.matches)
        self.current = (self.current + (-1 if older else 1)) % n
        self._select_current()

    def _select_current(self) -> None:
        match = self.matches[self.current]
        self.anchor = match.start
        self.selection = match
        self.show(match.start.line)

    # ----------------------------------------------------------------- selection

    def clear_selection(self) -> None:
        self.selection = None
        self.anchor = None

    def select(self, anchor: Point, head: Point) -> None:
        self.anchor = anchor
        self.selection = Span.between(anchor, head)

    def extend(self, dx: int, dy: int) -> None:
        """Move the selection's free end by dx cells / dy lines (shift+arrows); it starts at the
        current match, or at the pane's top-left cell when there is none."""
        s = self.screen
        if self.selection is None or self.anchor is None:
            start = Point(first_visible(s), 0)
            self.select(start, start)
            if not dx and not dy:
                return
        assert self.selection is not None and self.anchor is not None
        sel = self.selection
        head = sel.end if self.anchor == sel.start else sel.start
        line, col = head.line, head.col + dx
        if col >= s.cols:
            line, col = line + 1, 0
        elif col < 0:
            line, col = line - 1, s.cols - 1
        line += dy
        lowest = s.dropped + (len(s.scrollback) if s.alt_active else 0)
        line = min(max(line, lowest), s.dropped + len(s.scrollback) + s.rows - 1)
        self.select(self.anchor, Point(line, col))
        self.show(line)

    def selected_text(self) -> str:
        """The selection as text, or what the pane shows when nothing is selected."""
        if self.selection is None:
            return visible_text(self.screen)
        return text_of(self.screen, self.selection)

    def live_text(self) -> str:
        """The live screen as text, whatever the view (`Y`)."""
        s = self.screen
        top = s.dropped + len(s.scrollback)
        return text_of(s, Span(Point(top, 0), Point(top + s.rows - 1, s.cols - 1))).rstrip("\n")

    # ----------------------------------------------------------------- painting

    @property
    def painting(self) -> bool:
        """Anything to draw over the cells (highlights or the status line)."""
        return self.active or self.selection is not None

    def marks_on(self, line: int, width: int) -> list[tuple[int, int, Mark]]:
        """Highlighted column ranges of `line`, matches first, the selection last (on top)."""
        out: list[tuple[int, int, Mark]] = []
        if self.matches:
            i0 = bisect_left(self._starts, line - self._longest)
            i1 = bisect_right(self._starts, line)
            for i in range(i0, i1):
                cols = self.matches[i].cols_on(line, width)
                if cols:
                    out.append((*cols, Mark.CURRENT if i == self.current else Mark.MATCH))
        selection = self.selection
        if selection is not None and not (self.matches and selection == self.matches[self.current]):
            cols = selection.cols_on(line, width)
            if cols:
                out.append((*cols, Mark.SELECTED))
        return out

    def status(self) -> str:
        """The pane's status line while browsing: where the view is, the search, the message."""
        s = self.screen
        parts = [f"scrollback {s.view_offset} of {len(s.scrollback)} lines up" if s.view_offset else "live"]
        if self.query is not None:
            parts.append(f"/{self.query}_")
        elif self.last_query:
            if self.matches:
                count = f"{MAX_MATCHES}+" if len(self.matches) > MAX_MATCHES else str(len(self.matches))
                parts.append(f"/{self.last_query}: {self.current + 1} of {count}")
            else:
                parts.append(f"/{self.last_query}: no match")
        if self.message:
            parts.append(self.message)
        elif self.query is None:
            parts.append("/ search · n N · y copy · esc back")
        return " · ".join(parts)
