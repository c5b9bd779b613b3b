"""How many minutes a lease should be set to (tasknet: 1-60)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Button, Input, Label

from sessionboard.model import safe_text
from sessionboard.ui.plain import MESSAGE_LIMIT


class MinutesScreen(ModalScreen[int | None]):
    DEFAULT_CSS = """
    MinutesScreen {
        align: center middle;
        background: $background 60%;
    }
    MinutesScreen > Vertical {
        width: 56;
        max-width: 95%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    MinutesScreen Label {
        width: 1fr;
    }
    MinutesScreen #error {
        color: $text-error;
        height: auto;
    }
    MinutesScreen Horizontal {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    MinutesScreen Button {
        margin-left: 2;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "Input"

    def __init__(self, question: str, *, default: int = 30, minimum: int = 1, maximum: int = 60) -> None:
        super().__init__()
        self.question = safe_text(question, limit=MESSAGE_LIMIT)  # it names the session by its id
        self.default = default
        self.minimum = minimum
        self.maximum = maximum

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "extend"
            yield Label(self.question, markup=False)
            yield Input(
                str(self.default), type="integer", id="minutes",
                validators=[Integer(minimum=self.minimum, maximum=self.maximum)],
            )
            yield Label("", id="error", markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Extend", id="ok", variant="primary")

    def _submit(self) -> None:
        text = self.query_one(Input).value.strip()
        try:
            minutes = int(text)
        except ValueError:
            minutes = None
        if minutes is None or not self.minimum <= minutes <= self.maximum:
            self.query_one("#error", Label).update(f"a whole number of minutes, {self.minimum} to {self.maximum}")
            return
        self.dismiss(minutes)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
