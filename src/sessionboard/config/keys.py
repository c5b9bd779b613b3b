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
