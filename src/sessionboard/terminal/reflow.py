"""Reflow: the main screen's lines re-wrapped at a new width, as tmux and xterm-likes do.

A line the terminal wrapped (`Row.wrapped`) is one logical line; at a new width its cells are
cut into rows again (a wide character that would be split goes whole to the next row), and the
rows of a line that now fits join again. The cursor keeps its place in its logical line. Lines
that fit and were not wrapped keep their `Row` (padded or cut, as before reflow), so a resize of
a screen of short lines costs little more than it did.

The alternate screen is not reflowed: its program redraws it for the new size.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from .screen import WRAP, WRAP_PAD, Row


def _content_length(row: Row) -> int:
    """Cells up to the last one that is not a default blank. Found by str.rstrip, in C: a
    trailing blank is always a one-cell " ", so cells and characters agree there."""
    chars, attrs = row.chars, row.attrs
    text = "".join(chars)
    n = len(chars) - (len(text) - len(text.rstrip(" ")))
    if n < len(chars) and any(attrs[n:]):  # a blank with a colour is content
        last = len(attrs) - 1
        while not attrs[last]:
            last -= 1
        n = last + 1
    return n


def _cut(chars: list[str], attrs: list[int], cols: int) -> tuple[list[Row], list[int]]:
    """One logical line's cells as rows of `cols` cells, and each row's first cell offset."""
    rows: list[Row] = []
    starts: list[int] = []
    pos, n = 0, len(chars)
    while True:
        end = min(pos + cols, n)
        wrap = WRAP
        if end < n and chars[end] == "" and end - 1 > pos:  # a wide character would be cut
            end -= 1
            wrap = WRAP_PAD
        row = Row(0)
        row.chars = chars[pos:end] + [" "] * (cols - (end - pos))
        row.attrs = attrs[pos:end] + [0] * (cols - (end - pos))
        starts.append(pos)
        rows.append(row)
        if end >= n:
            break
        row.wrapped = wrap
        pos = end
    return rows, starts


Place = tuple[int, int, bool]
"""(row index, column, pending wrap): where a tracked cell lands."""


def _place(offset: int, length: int, starts: list[int], base: int, cols: int) -> Place:
    """Where cell `offset` of a logical line of `length` cells, cut at `starts`, lands."""
    if offset < length:
        r = bisect_right(starts, offset) - 1
        return base + r, offset - starts[r], False
    r = len(starts) - 1  # past the content: on the last row, as far right as it fits
    col = offset - starts[r]
    if col >= cols:  # just past a full last row: there, with the wrap pending
        return base + r, cols - 1, True
    return base + r, col, False


def reflow(
    lines: Sequence[Row], points: Sequence[tuple[int, int]], old_cols: int, cols: int
) -> tuple[list[Row], list[Place]]:
    """`lines` (scrollback then screen, oldest first) re-wrapped at `cols`, and where each of
    `points` ((index into `lines`, column): the cursor, the screen's top) lands."""
    out: list[Row] = []
    placed: list[Place] = [(0, 0, False)] * len(points)
    i, n = 0, len(lines)
    while i < n:
        first = i
        while i < n - 1 and lines[i].wrapped:
            i += 1
        last = i  # rows first..last are one logical line
        i += 1
        inside = [k for k, (line, _) in enumerate(points) if first <= line <= last]
        if first == last:
            row = lines[first]
            if cols >= len(row.chars) or _content_length(row) <= cols:  # fits: the row itself
                row.fit(cols)
                row.wrapped = False
                for k in inside:
                    placed[k] = (len(out), min(points[k][1], cols - 1), False)
                out.append(row)
                continue
        chars: list[str] = []
        attrs: list[int] = []
        for k in range(first, last + 1):
            row = lines[k]
            if k < last:
                carried = row.carried()
                chars.extend(row.chars[:carried])
                attrs.extend(row.attrs[:carried])
            else:
                length = _content_length(row)
                chars.extend(row.chars[:length])
                attrs.extend(row.attrs[:length])
        rows, starts = _cut(chars, attrs, cols)
        for k in inside:
            line, col = points[k]
            placed[k] = _place((line - first) * old_cols + col, len(chars), starts, len(out), cols)
        out.extend(rows)
    return out, placed
