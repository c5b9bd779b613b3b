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
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis")
        for spec in ACTION_SPECS:
            if not spec.show:
                continue
            text.append(f" {key_label(self.keys.get(spec.id, ''))} ", style=key_style)
            text.append(f"{spec.label} ")
        text.append(" ^p ", style=key_style)
        text.append("palette")
        return text
