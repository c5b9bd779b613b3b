"""Pick a provider when the action cannot tell which one is meant."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from sessionboard.ui.plain import plain


class ChooseProviderScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChooseProviderScreen {
        align: center middle;
        background: $background 60%;
    }
    ChooseProviderScreen > Vertical {
        width: 50;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ChooseProviderScreen OptionList {
        height: auto;
        max-height: 12;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "OptionList"

    def __init__(self, question: str, names: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            yield OptionList(*(Option(plain(f"{name}  ({kind})"), id=name) for name, kind in self.names))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
