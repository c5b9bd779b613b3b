"""Rows of the screen as Textual `Strip`s.

A rich `Style` is built once per attribute id and kept (building one costs far more than drawing a
row); neighbouring cells with the same attribute become one `Segment`. A row whose cells all share
one attribute (most rows) is one segment made by a single `str.join`.

The app's line filters (truecolor, NO_COLOR, dim) map each segment's style on its own, so the
widget's fast path folds them into that per-attribute cache (`set_filter`) instead of running
them over every strip of every frame: one new `Strip` per row instead of two.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from itertools import compress, islice
from operator import ne

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from .attrs import (
    BLINK,
    BOLD,
    CONCEAL,
    DEFAULT_COLOR,
    DIM,
    ITALIC,
    OVERLINE,
    REVERSE,
    STRIKE,
    TRUECOLOR,
    UL_DOUBLE,
    UNDERLINE,
    Attr,
)
from .screen import Screen

StyleMap = Callable[[Style], Style]


def _color(value: int) -> Color | None:
    if value == DEFAULT_COLOR:
        return None
    if value & TRUECOLOR:
        return Color.from_rgb((value >> 16) & 255, (value >> 8) & 255, value & 255)
    return Color.from_ansi(value)


def style_for(attr: Attr, invert: bool = False) -> Style:
    """The rich Style of one attribute tuple; `invert` draws the cursor (reverse toggled)."""
    fg, bg, flags, ul = attr
    reverse = bool(flags & REVERSE) ^ invert
    return Style(
        color=_color(fg),
        bgcolor=_color(bg),
        bold=bool(flags & BOLD) or None,
        dim=bool(flags & DIM) or None,
        italic=bool(flags & ITALIC) or None,
        underline=(bool(flags & UNDERLINE) and ul != UL_DOUBLE) or None,
        underline2=(bool(flags & UNDERLINE) and ul == UL_DOUBLE) or None,
        blink=bool(flags & BLINK) or None,
        reverse=reverse or None,
        conceal=bool(flags & CONCEAL) or None,
        strike=bool(flags & STRIKE) or None,
        overline=bool(flags & OVERLINE) or None,
    )


class StripRenderer:
    """Turns screen rows into Strips, with a per-attribute style cache under a base style."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self._base = Style()
        self._filter_key: Hashable = None
        self._filter: StyleMap | None = None
        self._blank_style = self._base
        self._styles: dict[int, Style] = {}
        self._cursor_styles: dict[int, Style] = {}

    def set_base(self, base: Style) -> None:
        """The widget's own colours under every cell (cells with default colours show these)."""
        if base != self._base:
            self._base = base
            self._clear()

    def set_filter(self, key: Hashable, style_map: StyleMap | None) -> None:
        """Map every style through `style_map` from now on (None: styles as they are); `key`
        names the mapping, so the cache is rebuilt only when the mapping changes."""
        if key != self._filter_key:
            self._filter_key = key
            self._filter = style_map
            self._clear()

    def _clear(self) -> None:
        self._styles.clear()
        self._cursor_styles.clear()
        self._blank_style = self._mapped(self._base)

    def _mapped(self, style: Style) -> Style:
        return style if self._filter is None else self._filter(style)

    def mapped(self, style: Style) -> Style:
        """`style` through the app's line filters when they are folded in here (see
        `set_filter`), as is otherwise: for what the widget paints over the cells."""
        return self._mapped(style)

    @property
    def blank_style(self) -> Style:
        """The widget's colours, filtered like the cells: what empty cells are drawn in."""
        return self._blank_style

    def blank(self, width: int) -> Strip:
        """A row of `width` empty cells."""
        return Strip.blank(width, self._blank_style)

    def default_rgb(self, *, foreground: bool) -> tuple[int, int, int]:
        """The colour a cell with default colours shows (the widget's theme colours once known;
        light grey on black before the first paint)."""
        color = self._base.color if foreground else self._base.bgcolor
        if color is None:
            return (229, 229, 229) if foreground else (0, 0, 0)
        triplet = color.get_truecolor()
        return triplet.red, triplet.green, triplet.blue

    def style(self, aid: int) -> Style:
        st = self._styles.get(aid)
        if st is None:
            st = self._styles[aid] = self._mapped(self._base + style_for(self.screen.table[aid]))
        return st

    def cursor_style(self, aid: int) -> Style:
        st = self._cursor_styles.get(aid)
        if st is None:
            st = self._cursor_styles[aid] = self._mapped(self._base + style_for(self.screen.table[aid], True))
        return st

    def render_line(self, y: int, cursor: bool = True) -> Strip:
        screen = self.screen
        cols = screen.cols
        if not 0 <= y < screen.rows:
            return self.blank(cols)
        row = screen.visible_row(y)
        chars = row.chars
        attrs = row.attrs
        if len(chars) != cols:  # a scrollback row from before a resize
            chars = ([*chars] + [" "] * cols)[:cols]
            attrs = ([*attrs] + [0] * cols)[:cols]
        cx = -1
        if cursor and y == screen.y and not screen.view_offset and screen.modes.cursor_visible:
            cx = screen.x
        style = self.style
        first = attrs[0]
        if cx < 0 and attrs.count(first) == cols:
            return Strip([Segment("".join(chars), style(first))], cols)
        segments: list[Segment] = []
        append = segments.append
        if cx >= 0:
            # Split around the cursor cell (both halves of a wide character under it).
            if chars[cx] == "" and cx > 0:
                cx -= 1
            cend = cx + 1
            if cend < cols and chars[cend] == "":
                cend += 1
            if cx > 0:
                self._runs(chars, attrs, 0, cx, append)
            append(Segment("".join(chars[cx:cend]), self.cursor_style(attrs[cx])))
            if cend < cols:
                self._runs(chars, attrs, cend, cols, append)
            return Strip(segments, cols)
        # Run boundaries found in C (map/compress), not by a Python loop over every cell.
        start = 0
        for i in compress(range(1, cols), map(ne, attrs, islice(attrs, 1, None))):
            append(Segment("".join(chars[start:i]), style(attrs[start])))
            start = i
        append(Segment("".join(chars[start:cols]), style(attrs[start])))
        return Strip(segments, cols)

    def _runs(self, chars: list[str], attrs: list[int], start: int, end: int, append) -> None:
        style = self.style
        current = attrs[start]
        if attrs[start:end].count(current) == end - start:
            append(Segment("".join(chars[start:end]), style(current)))
            return
        run = start
        for i in compress(range(start + 1, end), map(ne, islice(attrs, start, end), islice(attrs, start + 1, end))):
            append(Segment("".join(chars[run:i]), style(attrs[run])))
            run = i
        append(Segment("".join(chars[run:end]), style(attrs[run])))
