"""Cell attributes, interned to small ints.

Every cell stores one int (an index into `AttrTable`) rather than a tuple or an object: a row's
attributes are then a plain `list[int]`, slice assignment writes a run of text in C, and the
renderer can compare neighbours with `==` on ints to merge runs into one segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Colour encoding inside an attribute: -1 = the terminal's default, 0..255 = the xterm palette,
# TRUECOLOR | 0xRRGGBB = a 24-bit colour. Plain ints keep attributes hashable and cheap to compare.
DEFAULT_COLOR = -1
TRUECOLOR = 1 << 24

BOLD = 1
DIM = 2
ITALIC = 4
UNDERLINE = 8
BLINK = 16
REVERSE = 32
CONCEAL = 64
STRIKE = 128
OVERLINE = 256

# Underline styles of `CSI 4:n m`: 0 none, 1 single, 2 double, 3 curly, 4 dotted, 5 dashed.
UL_NONE, UL_SINGLE, UL_DOUBLE, UL_CURLY, UL_DOTTED, UL_DASHED = range(6)

Attr = tuple[int, int, int, int]
"""(foreground, background, flag bits, underline style)."""

DEFAULT_ATTR: Attr = (DEFAULT_COLOR, DEFAULT_COLOR, 0, 0)


def rgb(r: int, g: int, b: int) -> int:
    """A 24-bit colour in the attribute encoding (components clamped to 0..255)."""
    r, g, b = (min(max(c, 0), 255) for c in (r, g, b))
    return TRUECOLOR | (r << 16) | (g << 8) | b


@dataclass
class AttrTable:
    """Interns attribute tuples; id 0 is always the default attribute.

    The table only grows; a session that cycles through millions of distinct true colours would
    grow it without bound, so past `limit` entries new attributes collapse to their nearest
    already-known cousin without colour (still correct text, slightly wrong colour).
    """

    limit: int = 65536
    attrs: list[Attr] = field(default_factory=lambda: [DEFAULT_ATTR])
    ids: dict[Attr, int] = field(default_factory=lambda: {DEFAULT_ATTR: 0})

    def intern(self, attr: Attr) -> int:
        aid = self.ids.get(attr)
        if aid is None:
            if len(self.attrs) >= self.limit:
                return self.ids.get((DEFAULT_COLOR, DEFAULT_COLOR, attr[2], attr[3]), 0)
            aid = len(self.attrs)
            self.attrs.append(attr)
            self.ids[attr] = aid
        return aid

    def __getitem__(self, aid: int) -> Attr:
        return self.attrs[aid]
