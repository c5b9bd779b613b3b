"""The keys, as bound now (after `[keys]` in the config), with what each does."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sessionboard.ui.keys import ACTION_SPECS, ENDPOINT_SPECS, key_label
from sessionboard.ui.plain import plain_text


def keys_table(keys: Mapping[str, str]) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", expand=False, padding=(0, 2, 0, 0))
    table.add_column("key", style="bold")
    table.add_column("action")
    table.add_column("what it does")
    for spec in ACTION_SPECS:
        table.add_row(plain_text(key_label(keys.get(spec.id, ""))), plain_text(spec.id), plain_text(spec.help))
    for spec in ENDPOINT_SPECS:
        table.add_row(plain_text(key_label(spec.key) if spec.key else "palette"), plain_text(spec.id), plain_text(spec.help))
    table.add_row("j / k", "", "in the list: down / up (a key the console binds to an action wins)")
    table.add_row("g / G", "", "in the list: the first / the last session")
    table.add_row("ctrl+d / ctrl+u", "", "in the list: half a page down / up")
    table.add_row("mouse", "", "a click selects a row, a double click opens its detail, a header sorts by it")
    table.add_row("left / right", "", "in the detail pane: scroll a long JSON line sideways")
    table.add_row("escape", "", "close a dialog, clear the filter, leave the detail pane")
    table.add_row("tab", "", "move between the provider panel, the table and the detail pane")
    table.add_row("ctrl+p", "", "the command palette: every action, and the themes")
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }
    HelpScreen > VerticalScroll {
        width: 96;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    HelpScreen Static {
        width: 1fr;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, keys: Mapping[str, str]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "keys"
            yield Static(keys_table(self.keys), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
