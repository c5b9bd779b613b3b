"""A yes/no question before anything destructive; it names what will be destroyed.

The question names a session by its provider's id and name: it is shown as text (escaped, never
markup), and so is the title."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from sessionboard.model import safe_text
from sessionboard.ui.plain import MESSAGE_LIMIT, plain


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        background: $background 60%;
    }
    ConfirmScreen > Vertical {
        width: 64;
        max-width: 95%;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 1 2;
    }
    ConfirmScreen #question {
        width: 1fr;
        margin-bottom: 1;
    }
    ConfirmScreen Horizontal {
        height: auto;
        align-horizontal: right;
    }
    ConfirmScreen Button {
        margin-left: 2;
    }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    AUTO_FOCUS = "#no"  # enter on a question nobody read is a "no"

    def __init__(self, title: str, question: str, *, yes: str = "Close") -> None:
        super().__init__()
        self.title_text = title
        self.question = safe_text(question, limit=MESSAGE_LIMIT)
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(self.title_text)
            yield Label(self.question, id="question", markup=False)
            with Horizontal():
                yield Button("Cancel (n)", id="no")
                yield Button(plain(f"{self.yes} (y)"), id="yes", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
