"""The keys of the board in one line, from the same table as the bindings (after `[keys]`).

Not Textual's `Footer`: that one is a widget per key and recomposes whenever the focus moves,
which made up a large share of the console's start-up time. The board's keys do not change with
the focus, so one line drawn once is enough; dialogs show their own buttons and keys.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widget import Widget

from sessionboard.ui.keys import ACTION_SPECS, key_label


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        dock: bottom;
        background: $panel;
        color: $foreground;
    }
    KeyBar > .key-bar--key {
        color: $accent;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"key-bar--key"}

    def __init__(self, keys: Mapping[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys = keys

    def render(self) -> Text:
        """As many keys as the width holds, the most useful first, in the order of the table of
        actions; `?` and `q` always (the rest is in `?` and the palette)."""
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        items = [
            (spec.id, f" {key_label(self.keys.get(spec.id, '') or spec.key)} ", f"{spec.label} ")
            for spec in ACTION_SPECS if spec.show
        ]
        items.append(("palette", " ^p ", "palette"))
        room = self.size.width or 10_000
        rank = {action: place for place, action in enumerate(KEPT_FIRST)}
        kept: set[str] = set()
        for action, key, label in sorted(items, key=lambda item: rank.get(item[0], len(rank))):
            cost = len(key) + len(label)
            if cost <= room or action in PINNED:
                kept.add(action)
                room -= cost
        text = Text(no_wrap=True, overflow="ellipsis")
        for action, key, label in items:
            if action in kept:
                text.append(key, style=key_style)
                text.append(label)
        return text


PINNED = frozenset({"help", "quit"})
"""Never dropped: with them, everything else can be found."""
KEPT_FIRST = (
    "help", "quit", "filter", "detail", "extend", "close", "attach", "create", "refresh", "toggle_all", "sort",
    "palette", "sort_reverse", "columns",
)
"""The order keys get room in when the bar is short; the rest (`show=False`) are never on it."""
