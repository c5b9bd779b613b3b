"""Choose the table's optional columns (`C`): the session id, and each provider kind's own fields.

A choice shows at once, behind the dialog; the board keeps it for the next start too (the state
file). A chosen column the width cannot hold yet is marked so: the table drops the least useful
columns first, and a chosen one is no exception.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from sessionboard.ui.widgets.sessions import SessionTable
from sessionboard.ui.widgets.sessions.columns import Column


class ColumnsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ColumnsScreen {
        align: center middle;
        background: $background 60%;
    }
    ColumnsScreen > Vertical {
        width: 72;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ColumnsScreen SelectionList {
        height: auto;
        max-height: 14;
        margin: 1 0;
    }
    ColumnsScreen #columns-note {
        color: $text-muted;
    }
    """
    BINDINGS = [Binding("escape,C", "close", "Close")]
    AUTO_FOCUS = "SelectionList"

    def __init__(self, table: SessionTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "columns"
            yield Label("Optional columns: space or a click shows or hides one.", markup=False)
            yield SelectionList[str](
                *(
                    Selection(self._prompt(column), column.key, column.key in self.table.chosen_columns)
                    for column in self.table.optional_columns
                ),
                id="columns-list",
            )
            yield Label(self._note(), id="columns-note", markup=False)

    @staticmethod
    def _prompt(column: Column) -> Content:
        return Content.assemble((column.label, "bold"), "  ", (column.help, "$text-muted"))

    def _note(self) -> str:
        hidden = [
            self.table.column(key).label for key in sorted(self.table.chosen_columns)
            if not self.table.columns_shown.shows(key)
        ]
        if hidden:
            return f"Chosen but no room at this width: {', '.join(hidden)}. escape closes."
        return "escape closes."

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        event.stop()
        self.table.toggle_column(event.selection.value)
        self.query_one("#columns-note", Label).update(self._note())

    def action_close(self) -> None:
        self.dismiss(None)
