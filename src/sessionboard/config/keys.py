"""The names the config file may use and their defaults, without pydantic: the console's key
bindings and the demo's board are built from these before the models are imported."""

from __future__ import annotations

KINDS = ("rufus", "devices", "vsay", "agents", "tasknet")
ACTIONS = (
    "filter",
    "refresh",
    "detail",
    "create",
    "close",
    "extend",
    "attach",
    "release",
    "toggle_all",
    "sort",
    "help",
    "quit",
)
DEFAULT_KEYS: dict[str, str] = {
    "filter": "slash",
    "refresh": "r",
    "detail": "enter",
    "create": "c",
    "close": "x",
    "extend": "e",
    "attach": "t",
    "release": "ctrl+right_square_bracket",
    "toggle_all": "a",
    "sort": "s",
    "help": "question_mark",
    "quit": "q",
}
EXTRA_KEYS: dict[str, str] = {
    "logs": "l",
    "stats": "S",
    "close_by_task": "X",
    "device_active": "d",
    "switch_organization": "o",
    "load_older": "p",
    "vnc_reveal": "v",
    "vnc_copy": "y",
    "close_terminal": "ctrl+w",
    "sort_reverse": "I",
    "columns": "C",
}
"""Keys of the actions beyond CONFIG.md's list (the other endpoints); rebindable the same way."""
ALL_ACTIONS = ACTIONS + tuple(EXTRA_KEYS)
"""What `[keys]` may rebind. Palette-only actions (cleanup, link, heartbeat of all stale) have no
binding to rebind, so naming them there is reported as unknown rather than silently ignored."""
DEFAULT_THEME = "sessionboard-dark"

# -- key names -----------------------------------------------------------------------------------
# Textual's own names, copied here so the config is checked without importing Textual (74 ms the
# CLI would pay); tests/config/test_config_limits.py holds them equal to `textual.keys`.
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(
    ["escape", "return", "enter", "tab", "space", "backspace", "insert", "delete", "home", "end", "pageup",
     "pagedown", "left", "right", "up", "down", "backslash", "right_square_bracket", "circumflex_accent",
     "underscore"]
    + [f"f{n}" for n in range(1, 25)]
)
"""The keys `textual.keys.Keys` names with more than one letter (less their modifiers); besides
these, a key is a single character or a Unicode character's name."""
KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
"""`textual.keys.KEY_NAME_REPLACEMENTS`: the short names Textual gives some characters."""
KEY_ALIASES = {"ctrl+i": "tab", "ctrl+m": "enter", "ctrl+left_square_brace": "escape", "ctrl+space": "ctrl+at",
               "newline": "ctrl+j"}
"""`textual.keys.KEY_ALIASES`, as alias -> key: two names of one key (clash detection uses it)."""


def _character_name(character: str) -> str:
    """A single character as Textual names it: itself when a letter or digit, else its Unicode
    name (`/` is `slash`, `?` is `question_mark`), as `textual.keys` does."""
    if character.isalnum():
        return character
    import unicodedata

    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        raise ValueError(f"{character!r} is not a key") from None
    return KEY_NAME_REPLACEMENTS.get(name, name)


def _is_character_name(name: str) -> bool:
    """`question_mark`, `slash`, `number_sign`: the name of one printable character."""
    import unicodedata

    original = {short: long for long, short in KEY_NAME_REPLACEMENTS.items()}.get(name, name)
    words = original.split("_")
    if len(words) > 9:
        return False
    for joints in range(1 << (len(words) - 1)):  # Textual wrote both " " and "-" of a name as "_"
        spelled = words[0]
        for index, word in enumerate(words[1:]):
            spelled += ("-" if joints >> index & 1 else " ") + word
        try:
            character = unicodedata.lookup(spelled)
        except KeyError:
            continue
        return len(character) == 1 and character.isprintable() and not character.isspace()
    return False


def normalize_key(text: str) -> str:
    """One key as Textual names it, or ValueError saying why it is none. `/` becomes `slash`,
    `Ctrl+D` `ctrl+d` (a modifier's case does not matter; a letter's does: `S` is shift+s);
    several keys for one action are written `a,b`."""
    if text == ",":
        return "comma"
    keys = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ValueError("an empty key name")
        *modifiers, base = part.split("+") if part != "+" else ["+"]
        if base == "" and part.endswith("+"):  # "ctrl++"
            base, modifiers = "+", part[:-2].split("+") if len(part) > 2 else []
        mods = [modifier.lower() for modifier in modifiers]
        for modifier in mods:
            if modifier not in MODIFIERS:
                raise ValueError(f"{modifier!r} is not a modifier (use {', '.join(MODIFIERS)})")
        if len(set(mods)) != len(mods):
            raise ValueError("a modifier is named twice")
        if len(base) == 1:
            # A terminal sends ctrl+d for ctrl with d or D: with a modifier, a letter is lower case.
            base = _character_name(base.lower() if mods else base)
        elif base.lower() in NAMED_KEYS:
            base = base.lower()
        elif not _is_character_name(base.lower()):
            raise ValueError(f"{base!r} is not a key name (Textual's names: a character, enter, escape, f1, ...)")
        else:
            base = KEY_NAME_REPLACEMENTS.get(base.lower(), base.lower())
        keys.append("+".join([*mods, base]))
    return ",".join(keys)


def key_identity(key: str) -> str:
    """The one name of a normalized single key its aliases share (`ctrl+i` is `tab`)."""
    return KEY_ALIASES.get(key, key)
