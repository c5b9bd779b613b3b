"""Two small questions the endpoint actions ask: a line of text (a providerSessionId) and a choice
among named options (an organization). Escape answers None: nothing is sent.

A question names a task, a session and what a provider has linked to it: every text is shown as
text (escaped, never markup)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from sessionboard.model import safe_text
from sessionboard.ui.plain import MESSAGE_LIMIT, plain

_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 64;
    max-width: 95%;
    height: auto;
    border: thick $primary;
    border-title-color: $text-accent;
    background: $surface;
    padding: 1 2;
}}
{name} Label {{
    width: 1fr;
}}
{name} #ask-error {{
    color: $text-error;
    height: auto;
}}
{name} OptionList {{
    height: auto;
    max-height: 12;
}}
{name} Horizontal {{
    height: auto;
    align-horizontal: right;
    margin-top: 1;
}}
{name} Button {{
    margin-left: 2;
}}
"""


class AskTextScreen(ModalScreen[str | None]):
    DEFAULT_CSS = _CSS.format(name="AskTextScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "Input"

    def __init__(self, title: str, question: str, *, placeholder: str = "", ok: str = "OK") -> None:
        super().__init__()
        self.title_text = title
        self.question = safe_text(question, limit=MESSAGE_LIMIT)
        self.placeholder = placeholder
        self.ok = ok

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(self.title_text)
            yield Label(self.question, markup=False)
            yield Input(placeholder=self.placeholder, id="ask-input")
            yield Label("", id="ask-error", markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(plain(self.ok), id="ok", variant="primary")

    def _submit(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self.query_one("#ask-error", Label).update("a value is needed (escape cancels)")
            return
        self.dismiss(value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str | None]):
    DEFAULT_CSS = _CSS.format(name="ChoiceScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "OptionList"

    def __init__(self, title: str, question: str, options: list[tuple[str, str]], *, current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.question = safe_text(question, limit=MESSAGE_LIMIT)
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(self.title_text)
            yield Label(self.question, markup=False)
            options = OptionList(*(Option(plain(label), id=option_id) for option_id, label in self.options))
            ids = [option_id for option_id, _ in self.options]
            if self.current in ids:
                options.highlighted = ids.index(self.current)
            yield options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
