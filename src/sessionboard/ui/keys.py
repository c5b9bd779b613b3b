"""The console's actions and their keys, in one place: the footer, the help screen, the command
palette and `config.keys` (through `App.set_keymap`) all read this table, by the stable action
names of CONFIG.md."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from sessionboard.config import DEFAULT_KEYS


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    """CONFIG.md's action name: the `[keys]` table's key and the Binding id."""
    method: str
    """The Textual action run by the key, the palette and the help screen."""
    label: str
    help: str
    show: bool = True


ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("filter", "filter", "Filter", "filter the sessions by any visible text; escape clears"),
    ActionSpec("refresh", "refresh", "Refresh", "poll every provider now"),
    ActionSpec("detail", "detail", "Detail", "open or close the selected session's detail pane"),
    ActionSpec("create", "create", "Create", "create a session on the selected provider"),
    ActionSpec("close", "close_session", "Close", "close / terminate the selected session"),
    ActionSpec("extend", "extend", "Extend", "extend the lease, or send a heartbeat"),
    ActionSpec("attach", "attach", "Attach", "attach a terminal to the selected session"),
    ActionSpec("release", "release", "Release", "leave the terminal's keyboard focus", show=False),
    ActionSpec("toggle_all", "toggle_all", "All/active", "show all sessions / only active ones"),
    ActionSpec("sort", "sort", "Sort", "cycle the sort column"),
    ActionSpec("help", "help", "Help", "show the keys"),
    ActionSpec("quit", "quit", "Quit", "quit the console"),
)
SPEC_BY_ID = {spec.id: spec for spec in ACTION_SPECS}


def build_bindings() -> list[Binding]:
    """Default keys; the user's `[keys]` reach them through `keymap()` and `App.set_keymap`."""
    return [
        Binding(DEFAULT_KEYS[spec.id], spec.method, spec.label, show=spec.show, id=spec.id)
        for spec in ACTION_SPECS
    ]


def keymap(keys: dict[str, str]) -> dict[str, str]:
    """`config.keys` (action -> key) as a Textual keymap (binding id -> key)."""
    return {action: key for action, key in keys.items() if action in SPEC_BY_ID}


def key_label(key: str) -> str:
    """How a key is shown to a person: `/` for slash, `?` for question_mark."""
    names = {
        "slash": "/", "question_mark": "?", "enter": "enter", "escape": "esc",
        "right_square_bracket": "]", "left_square_bracket": "[",
    }
    parts = key.split("+")
    return "+".join(names.get(part, part) for part in parts)
