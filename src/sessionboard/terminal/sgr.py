"""SGR (`CSI ... m`): turn a parameter string into a new attribute tuple.

Both the semicolon forms (`38;5;n`, `38;2;r;g;b`) and the ITU colon forms (`38:5:n`,
`38:2::r:g:b`, `38:2:r:g:b`, `4:3`) are parsed; a malformed parameter is skipped, never printed.
"""

from __future__ import annotations

from .attrs import (
    BLINK,
    BOLD,
    CONCEAL,
    DEFAULT_ATTR,
    DEFAULT_COLOR,
    DIM,
    ITALIC,
    OVERLINE,
    REVERSE,
    STRIKE,
    UL_DOUBLE,
    UL_NONE,
    UL_SINGLE,
    UNDERLINE,
    Attr,
    rgb,
)

_SET = {1: BOLD, 2: DIM, 3: ITALIC, 5: BLINK, 6: BLINK, 7: REVERSE, 8: CONCEAL, 9: STRIKE, 53: OVERLINE}
_CLEAR = {
    22: BOLD | DIM,
    23: ITALIC,
    24: UNDERLINE,
    25: BLINK,
    27: REVERSE,
    28: CONCEAL,
    29: STRIKE,
    55: OVERLINE,
}


def _int(text: str) -> int:
    """Parameter text to int; empty or junk counts as 0 (the VT default)."""
    try:
        return int(text) if text else 0
    except ValueError:
        return 0


def _colour_from_colon(sub: list[str]) -> int | None:
    """`38:5:n`, `38:2::r:g:b` (with colour-space id) or `38:2:r:g:b` (without)."""
    if len(sub) < 3:
        return None
    kind = _int(sub[1])
    if kind == 5:
        n = _int(sub[2])
        return n if 0 <= n <= 255 else None
    if kind == 2:
        comps = sub[3:6] if len(sub) >= 6 else sub[2:5]
        if len(comps) < 3:
            return None
        return rgb(_int(comps[0]), _int(comps[1]), _int(comps[2]))
    return None


def apply_sgr(attr: Attr, params: str) -> Attr:
    """The attribute after `CSI params m`, starting from `attr`."""
    if not params or params == "0":
        return DEFAULT_ATTR
    fg, bg, flags, ul = attr
    groups = params.split(";")
    i = 0
    n = len(groups)
    while i < n:
        group = groups[i]
        i += 1
        if ":" in group:
            sub = group.split(":")
            code = _int(sub[0])
            if code in (38, 48, 58):
                colour = _colour_from_colon(sub)
                if colour is not None:
                    if code == 38:
                        fg = colour
                    elif code == 48:
                        bg = colour
            elif code == 4:
                style = _int(sub[1]) if len(sub) > 1 else UL_SINGLE
                if style == UL_NONE:
                    flags &= ~UNDERLINE
                    ul = UL_NONE
                elif style <= 5:
                    flags |= UNDERLINE
                    ul = style
            continue
        code = _int(group)
        if code == 0:
            fg, bg, flags, ul = DEFAULT_ATTR
        elif code in _SET:
            flags |= _SET[code]
        elif code in _CLEAR:
            flags &= ~_CLEAR[code]
            if code == 24:
                ul = UL_NONE
        elif code == 4:
            flags |= UNDERLINE
            ul = UL_SINGLE
        elif code == 21:
            flags |= UNDERLINE
            ul = UL_DOUBLE
        elif 30 <= code <= 37:
            fg = code - 30
        elif code == 39:
            fg = DEFAULT_COLOR
        elif 40 <= code <= 47:
            bg = code - 40
        elif code == 49:
            bg = DEFAULT_COLOR
        elif 90 <= code <= 97:
            fg = code - 90 + 8
        elif 100 <= code <= 107:
            bg = code - 100 + 8
        elif code in (38, 48, 58):
            colour: int | None = None
            if i < n and groups[i] == "5":
                if i + 1 < n:
                    v = _int(groups[i + 1])
                    colour = v if 0 <= v <= 255 else None
                i += 2
            elif i < n and groups[i] == "2":
                if i + 3 < n:
                    colour = rgb(_int(groups[i + 1]), _int(groups[i + 2]), _int(groups[i + 3]))
                i += 4
            if colour is not None:
                if code == 38:
                    fg = colour
                elif code == 48:
                    bg = colour
        elif code == 59:
            pass  # underline colour reset: underline colour is not rendered
    return (fg, bg, flags, ul)
