"""The console's actions and their keys, in one place: the footer, the help screen, the command
palette and `config.keys` (through `App.set_keymap`) all read this table, by the stable action
names of CONFIG.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding

from sessionboard.config.keys import DEFAULT_KEYS, EXTRA_KEYS


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    """CONFIG.md's action name: the `[keys]` table's key and the Binding id."""
    method: str
    """The Textual action run by the key, the palette and the help screen."""
    label: str
    help: str
    show: bool = True
    priority: bool = False
    """Run from the app's queue, before the key is handed to the focused widget: keys typed right
    after it then go where it moved the focus (the board gates it with `check_action`)."""

    @property
    def key(self) -> str:
        """The default key (config's `DEFAULT_KEYS` / `EXTRA_KEYS`); empty for palette-only actions."""
        return DEFAULT_KEYS.get(self.id) or EXTRA_KEYS.get(self.id, "")


ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("filter", "filter", "Filter", "filter the sessions by any field, the whole id included; escape clears", priority=True),
    ActionSpec("refresh", "refresh", "Refresh", "poll every provider now"),
    ActionSpec("detail", "detail", "Detail", "open or close the selected session's detail pane"),
    ActionSpec("create", "create", "Create", "create a session on the selected provider"),
    ActionSpec("close", "close_session", "Close", "close / terminate the selected session"),
    ActionSpec("extend", "extend", "Extend", "extend the lease, or send a heartbeat"),
    ActionSpec("attach", "attach", "Attach", "attach a terminal to the selected session", priority=True),
    ActionSpec("release", "release", "Release", "leave the terminal's keyboard focus", show=False),
    ActionSpec("toggle_all", "toggle_all", "All/active", "show all sessions / only active ones"),
    ActionSpec("sort", "sort", "Sort", "cycle the sort column (a header clicked sorts by it)"),
    ActionSpec("sort_reverse", "sort_reverse", "Reverse", "the same sort the other way round (a sorted header clicked again too)"),
    ActionSpec("columns", "columns", "Columns", "choose the optional columns: the id, each provider kind's own fields"),
    ActionSpec("help", "help", "Help", "show the keys"),
    ActionSpec("quit", "quit", "Quit", "quit the console"),
)
SPEC_BY_ID = {spec.id: spec for spec in ACTION_SPECS}
PRIORITY_ACTIONS = frozenset(spec.method for spec in ACTION_SPECS if spec.priority)

ENDPOINT_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("logs", "logs", "Logs", "vsay: the selected session's commands and output, followed and searchable"),
    ActionSpec("stats", "stats", "Statistics", "vsay: sessions, hours, users and top machines per day / week / month"),
    ActionSpec("close_by_task", "close_by_task", "Close by task", "agents: close every session of the selected session's task"),
    ActionSpec("cleanup", "cleanup", "Clean up stale sessions", "agents: remove the sessions with no heartbeat within the server's stale time"),
    ActionSpec("link_provider_session", "link_provider_session", "Link provider session", "agents: link the selected session's task to a providerSessionId"),
    ActionSpec("heartbeat_stale", "heartbeat_stale", "Heartbeat all stale", "agents: send a heartbeat for every session listed as stale"),
    ActionSpec("device_active", "device_active", "Active session per device", "rufus: each configured device's active session, with passings, first and last"),
    ActionSpec("switch_organization", "switch_organization", "Switch organization", "devices: choose which of the configured organizations is listed"),
    ActionSpec("load_older", "load_older", "Load older sessions", "devices: load the next older page of sessions (the polls keep it)"),
    ActionSpec("vnc_reveal", "vnc_reveal", "Reveal VNC password", "tasknet: show the selected session's VNC password for a few seconds (again: hide)"),
    ActionSpec("vnc_copy", "vnc_copy", "Copy VNC password", "tasknet: copy the selected session's VNC password to the clipboard"),
    ActionSpec("close_terminal", "close_terminal", "Close terminal tab", "close the terminal tab shown (from the board: in a terminal every key but ctrl+] is the program's)"),
)
"""The endpoints beyond list / create / close / extend / attach. `[keys]` rebinds them by these ids
too (the config layer holds their default keys, so a clash with any other key is a config error)."""


def build_bindings() -> list[Binding]:
    """Default keys; the user's `[keys]` reach them through `keymap()` and `App.set_keymap`."""
    return [
        Binding(spec.key, spec.method, spec.label, show=spec.show, id=spec.id, priority=spec.priority)
        for spec in ACTION_SPECS
    ]


def endpoint_bindings() -> list[Binding]:
    return [
        Binding(spec.key, spec.method, spec.label, show=False, id=spec.id) for spec in ENDPOINT_SPECS if spec.key
    ]


def keymap(keys: Mapping[str, str]) -> dict[str, str]:
    """`config.keys` (action -> key) as a Textual keymap (binding id -> key)."""
    known = SPEC_BY_ID.keys() | {spec.id for spec in ENDPOINT_SPECS}
    return {action: key for action, key in keys.items() if action in known}


def key_label(key: str) -> str:
    """How a key is shown to a person: `/` for slash, `?` for question_mark."""
    names = {
        "slash": "/", "question_mark": "?", "enter": "enter", "escape": "esc",
        "right_square_bracket": "]", "left_square_bracket": "[",
    }
    parts = key.split("+")
    return "+".join(names.get(part, part) for part in parts)
