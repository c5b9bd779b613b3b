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
    TRUECOLOR,
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


KEEP = -2  # "this field is not changed by the sequence"

SgrDelta = tuple[bool, int, int, int, int, int]
"""(reset first, fg or KEEP, bg or KEEP, flags to set, flags to clear, underline style or KEEP)."""


def apply_sgr(attr: Attr, params: str) -> Attr:
    """The attribute after `CSI params m`, starting from `attr`."""
    return apply_delta(attr, sgr_delta(params))


def apply_delta(attr: Attr, delta: SgrDelta) -> Attr:
    reset, dfg, dbg, setm, clearm, dul = delta
    fg, bg, flags, ul = DEFAULT_ATTR if reset else attr
    return (
        fg if dfg == KEEP else dfg,
        bg if dbg == KEEP else dbg,
        (flags & ~clearm) | setm,
        ul if dul == KEEP else dul,
    )


def sgr_delta(params: str) -> SgrDelta:
    """What `CSI params m` does, independent of the attribute it applies to.

    SGR parameters act in order, so the delta is a fold: the last reset wins over everything
    before it, the last colour wins, and each flag bit ends up set, cleared or untouched. Deltas
    depend only on the parameter text, so the parser caches them per sequence.
    """
    reset = False
    fg = bg = ul = KEEP
    setm = clearm = 0

    def on(bits: int) -> None:
        nonlocal setm, clearm
        setm |= bits
        clearm &= ~bits

    def off(bits: int) -> None:
        nonlocal setm, clearm
        clearm |= bits
        setm &= ~bits

    if not params:
        return (True, KEEP, KEEP, 0, 0, KEEP)
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
                    off(UNDERLINE)
                    ul = UL_NONE
                elif style <= 5:
                    on(UNDERLINE)
                    ul = style
            continue
        code = _int(group)
        if code == 0:
            reset = True
            fg = bg = ul = KEEP
            setm = clearm = 0
        elif code in _SET:
            on(_SET[code])
        elif code in _CLEAR:
            off(_CLEAR[code])
            if code == 24:
                ul = UL_NONE
        elif code == 4:
            on(UNDERLINE)
            ul = UL_SINGLE
        elif code == 21:
            on(UNDERLINE)
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
        # 59 (underline colour reset) and unknown codes: nothing rendered, nothing to do
    return (reset, fg, bg, setm, clearm, ul)


def _colour_params(value: int, base: int) -> str:
    """One colour as xterm's DECRQSS writes it: 30-37/90-97 (40-47/100-107) for the first 16,
    `38:5:n` for the rest of the palette, `38:2::r:g:b` for a direct colour."""
    if value & TRUECOLOR:
        return f"{base + 8}:2::{(value >> 16) & 255}:{(value >> 8) & 255}:{value & 255}"
    if value >= 16:
        return f"{base + 8}:5:{value}"
    return str(base + value if value < 8 else base + 60 + value - 8)


def sgr_params(attr: Attr) -> str:
    """The SGR parameters that set `attr` from the defaults, in the order xterm's DECRQSS
    reply uses (`0;1;4;...`), so `CSI <this> m` reproduces it."""
    fg, bg, flags, ul = attr
    out = ["0"]
    if flags & BOLD:
        out.append("1")
    if flags & UNDERLINE and ul != UL_DOUBLE:
        out.append("4" if ul in (UL_NONE, UL_SINGLE) else f"4:{ul}")
    for bit, code in ((BLINK, "5"), (REVERSE, "7"), (CONCEAL, "8"), (DIM, "2"), (ITALIC, "3"), (STRIKE, "9")):
        if flags & bit:
            out.append(code)
    if flags & UNDERLINE and ul == UL_DOUBLE:
        out.append("21")
    if flags & OVERLINE:
        out.append("53")
    if fg != DEFAULT_COLOR:
        out.append(_colour_params(fg, 30))
    if bg != DEFAULT_COLOR:
        out.append(_colour_params(bg, 40))
    return ";".join(out)
