"""Textual key events, pastes and mouse events to the bytes an xterm would send.

Pure functions of (key name, character, modes): no widget, no I/O, so every key class is a unit
test. Key names are Textual's (`"ctrl+a"`, `"shift+tab"`, `"alt+x"`, `"f5"`, `"ctrl+up"`).
"""

from __future__ import annotations

from enum import Enum

# Cursor keys: final byte; sent as CSI x normally, SS3 x in application cursor mode (DECCKM),
# and as CSI 1;m x with a modifier.
_CURSOR = {"up": "A", "down": "B", "right": "C", "left": "D", "home": "H", "end": "F"}
# Keys sent as CSI n ~ (with CSI n;m ~ when modified).
_TILDE = {
    "insert": 2, "delete": 3, "pageup": 5, "pagedown": 6,
    "f5": 15, "f6": 17, "f7": 18, "f8": 19, "f9": 20, "f10": 21, "f11": 23, "f12": 24,
}
# F1-F4: SS3 P..S unmodified, CSI 1;m P..S modified.
_PF = {"f1": "P", "f2": "Q", "f3": "R", "f4": "S"}
_SIMPLE = {
    "enter": b"\r",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "ctrl+h": b"\x08",
    "ctrl+backspace": b"\x08",
    "space": b" ",
    "ctrl+space": b"\x00",
    "ctrl+@": b"\x00",
    "ctrl+at": b"\x00",
    "ctrl+backslash": b"\x1c",
    "ctrl+right_square_bracket": b"\x1d",
    "ctrl+circumflex_accent": b"\x1e",
    "ctrl+underscore": b"\x1f",
    "ctrl+minus": b"\x1f",
    "ctrl+left_square_bracket": b"\x1b",
}
_MOD_BITS = {"shift": 1, "alt": 2, "meta": 2, "ctrl": 4}


def _split(key: str) -> tuple[set[str], str]:
    """'ctrl+shift+up' -> ({'ctrl', 'shift'}, 'up'); 'plus' stays a base name."""
    parts = key.split("+")
    mods = set()
    while len(parts) > 1 and parts[0] in _MOD_BITS:
        mods.add(parts.pop(0))
    return mods, "+".join(parts)


def _modifier_param(mods: set[str]) -> int:
    return 1 + sum(_MOD_BITS[m] for m in mods)


def key_to_bytes(key: str, character: str | None, app_cursor: bool = False) -> bytes | None:
    """The bytes for one key press, or None when the key means nothing to a terminal."""
    if key in _SIMPLE:
        return _SIMPLE[key]
    mods, base = _split(key)
    if base in _CURSOR:
        final = _CURSOR[base]
        if mods:
            return f"\x1b[1;{_modifier_param(mods)}{final}".encode()
        return f"\x1bO{final}".encode() if app_cursor else f"\x1b[{final}".encode()
    if base in _TILDE:
        n = _TILDE[base]
        if mods:
            return f"\x1b[{n};{_modifier_param(mods)}~".encode()
        return f"\x1b[{n}~".encode()
    if base in _PF:
        if mods:
            return f"\x1b[1;{_modifier_param(mods)}{_PF[base]}".encode()
        return f"\x1bO{_PF[base]}".encode()
    if "alt" in mods or "meta" in mods:
        # Alt as an ESC prefix (xterm's metaSendsEscape) over whatever the rest would send.
        rest_mods = mods - {"alt", "meta"}
        rest_key = "+".join([*sorted(rest_mods, key=["ctrl", "shift"].index), base])
        if rest_key == "shift+" + base and character:
            rest = character.encode()
        else:
            rest = key_to_bytes(rest_key, character, app_cursor)
            if rest is None and character:
                rest = character.encode()
        return b"\x1b" + rest if rest else None
    if mods == {"ctrl"} or mods == {"ctrl", "shift"}:
        if len(base) == 1 and base.isalpha():
            return bytes([ord(base.lower()) & 0x1F])
        if key in _SIMPLE:
            return _SIMPLE[key]
        return None
    if character and character.isprintable():
        return character.encode()
    if base in _SIMPLE:
        return _SIMPLE[base]
    if character and len(character) == 1 and ord(character) < 32:
        return character.encode()
    return None


def paste_to_bytes(text: str, bracketed: bool) -> bytes:
    """Pasted text; wrapped in ESC[200~ ... ESC[201~ when the program enabled bracketed paste.

    Newlines become CR (what the Enter key sends). Inside a bracketed paste any end marker in the
    pasted text is removed so the paste cannot break out of the bracket.
    """
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    if bracketed:
        text = text.replace("\x1b[201~", "")
        return b"\x1b[200~" + text.encode() + b"\x1b[201~"
    return text.encode()


class MouseAction(Enum):
    PRESS = "press"
    RELEASE = "release"
    MOVE = "move"
    SCROLL_UP = "scroll_up"
    SCROLL_DOWN = "scroll_down"


def mouse_to_bytes(
    action: MouseAction,
    button: int,
    x: int,
    y: int,
    *,
    mode: int,
    sgr: bool,
    shift: bool = False,
    alt: bool = False,
    ctrl: bool = False,
) -> bytes | None:
    """A mouse event as the program asked for it (`mode` 9/1000/1002/1003, SGR 1006 or X10 bytes).

    `button` is Textual's (1 left, 2 middle, 3 right, 0 none); x, y are 0-based cells.
    Returns None when the current mode does not report this event.
    """
    if mode == 0:
        return None
    if action is MouseAction.MOVE:
        if mode == 1003 or (mode == 1002 and button):
            code = 32 + (button - 1 if button else 3)
        else:
            return None
    elif action in (MouseAction.SCROLL_UP, MouseAction.SCROLL_DOWN):
        if mode == 9:
            return None
        code = 64 if action is MouseAction.SCROLL_UP else 65
    else:
        if mode == 9 and action is MouseAction.RELEASE:
            return None
        code = max(button, 1) - 1
    if mode != 9:
        code |= (4 if shift else 0) | (8 if alt else 0) | (16 if ctrl else 0)
    if sgr:
        final = "m" if action is MouseAction.RELEASE else "M"
        return f"\x1b[<{code};{x + 1};{y + 1}{final}".encode()
    if action is MouseAction.RELEASE:
        code = 3 | (code & ~3 & 0x1C)
    if x + 33 > 255 or y + 33 > 255:
        return None  # X10 encoding cannot express it
    return bytes([0x1B, 0x5B, 0x4D, 32 + code, 33 + x, 33 + y])
