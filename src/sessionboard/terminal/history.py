"""Reading what the terminal showed: rows named across the scrollback, search, text for copying.

A row is named by a line number that new output does not change: `Screen.dropped` (rows that
fell off the scrollback's far end) plus its index in scrollback-then-screen. The view, search
matches and selections all speak in those numbers, so a match stays on its text while output
goes on. Rows wrapped by the terminal (`Row.wrapped`: autowrap carried the line on) are one
logical line: searched as one, and copied without a line break where the terminal broke them.

No Textual here: the widget (widget.py) turns these into highlights, keys and the clipboard.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .screen import Row, Screen

MAX_MATCHES = 10_000  # a one-letter search over 10,000 lines stops counting here


@dataclass(frozen=True, order=True)
class Point:
    """A cell: line number (see the module docstring) and column."""

    line: int
    col: int


@dataclass(frozen=True)
class Span:
    """Cells from `start` to `end` inclusive, in reading order (start <= end)."""

    start: Point
    end: Point

    @staticmethod
    def between(a: Point, b: Point) -> Span:
        return Span(a, b) if a <= b else Span(b, a)

    def cols_on(self, line: int, width: int) -> tuple[int, int] | None:
        """The columns [x0, x1) of `line` inside the span, or None."""
        if not self.start.line <= line <= self.end.line:
            return None
        x0 = self.start.col if line == self.start.line else 0
        x1 = self.end.col + 1 if line == self.end.line else width
        return (x0, min(x1, width)) if x1 > x0 else None


def rows(screen: Screen) -> tuple[int, Sequence[Row]]:
    """(line number of the first row, the rows) of what can be read: the scrollback and the
    screen; on the alternate screen only that screen (its program owns it, it has no history)."""
    if screen.alt_active:
        return screen.dropped + len(screen.scrollback), screen.lines
    return screen.dropped, [*screen.scrollback, *screen.lines]


def first_visible(screen: Screen) -> int:
    """The line number shown on the pane's top row."""
    return screen.dropped + len(screen.scrollback) - screen.view_offset


def row_at(screen: Screen, line: int) -> Row | None:
    """The row with this line number, or None when it is gone (or never was)."""
    index = line - screen.dropped
    sb = screen.scrollback
    if 0 <= index < len(sb):
        return sb[index]
    index -= len(sb)
    if 0 <= index < len(screen.lines):
        return screen.lines[index]
    return None


def _cells_to_chars(row: Row, x0: int, x1: int) -> str:
    """The text of columns [x0, x1): a wide character once, even when its left half is cut."""
    chars = row.chars
    if 0 < x0 < len(chars) and chars[x0] == "":
        x0 -= 1
    return "".join(chars[x0:x1])


def text_of(screen: Screen, span: Span) -> str:
    """The span as text: a row the terminal wrapped joins the next without a line break; the
    end of every other line loses its trailing blanks, as a terminal's copy does."""
    out: list[str] = []
    for line in range(span.start.line, span.end.line + 1):
        row = row_at(screen, line)
        if row is None:
            continue
        cols = span.cols_on(line, len(row.chars))
        piece = _cells_to_chars(row, *cols) if cols else ""
        last = line == span.end.line
        if row.wrapped and not last:
            if cols and cols[1] > row.carried():
                piece = piece[:-1]  # the blank a wide character left at the edge
            out.append(piece)
        else:
            out.append(piece.rstrip(" ") + ("" if last else "\n"))
    return "".join(out)


def visible_text(screen: Screen) -> str:
    """What the pane shows now, as text (wrapped rows joined), without trailing blank lines."""
    top = first_visible(screen)
    span = Span(Point(top, 0), Point(top + screen.rows - 1, screen.cols - 1))
    return text_of(screen, span).rstrip("\n")


def _col_of(row: Row, char_index: int) -> int:
    """The column where the `char_index`-th character of `"".join(row.chars)` starts."""
    seen = 0
    for col, cell in enumerate(row.chars):
        if cell == "":
            continue
        if seen >= char_index:
            return col
        seen += len(cell)
    return len(row.chars)


def search(screen: Screen, query: str) -> list[Span]:
    """Every match of `query` in the readable rows, oldest first (at most MAX_MATCHES+1, so a
    caller can say "more"). Case is ignored unless the query has a capital (smart case). A match
    may run across rows the terminal wrapped, never across a real line break."""
    if not query:
        return []
    first, readable = rows(screen)
    texts = ["".join(row.chars[: row.carried()]) if row.wrapped else "".join(row.chars) for row in readable]
    starts: list[int] = []  # offset of each row's text in the haystack
    pieces: list[str] = []
    offset = 0
    for row, text in zip(readable, texts):
        starts.append(offset)
        pieces.append(text)
        offset += len(text)
        if not row.wrapped:
            pieces.append("\n")
            offset += 1
    hay = "".join(pieces)
    flags = 0 if any(c.isupper() for c in query) else re.IGNORECASE
    found: list[Span] = []
    for m in re.finditer(re.escape(query), hay, flags):
        a, b = m.start(), m.end() - 1
        ra, rb = bisect_right(starts, a) - 1, bisect_right(starts, b) - 1
        start = Point(first + ra, _col_of(readable[ra], a - starts[ra]))
        end_row = readable[rb]
        end_col = _col_of(end_row, b - starts[rb])
        if end_col + 1 < len(end_row.chars) and end_row.chars[end_col + 1] == "":
            end_col += 1  # a wide character's right half belongs to it
        found.append(Span(start, Point(first + rb, end_col)))
        if len(found) > MAX_MATCHES:
            break
    return found
