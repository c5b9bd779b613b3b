"""The create form, built from the provider's `create_fields()`.

Values are checked with `parse_values` (the same check as the CLI's `create KEY=VALUE`) before
anything is sent: bad values are shown in the form. Good ones go to `send`, the board's, which
creates the session in a worker and answers with `failed` (the provider's error is shown in the
form, the values typed stay) or by closing the form. Nothing is lost to a refusal.

A field with `choices` is a list to pick from; one with `suggestions` is free text with the
suggestions offered beside it (picked from a list, or completed as typed). Values already in use
(`taken`: a rufus device with an active session) are marked in both, and said under the field
when chosen: the provider will refuse a second session there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.validation import Integer
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select

from sessionboard.model import CreateField, FieldError, parse_values, safe_text
from sessionboard.ui.plain import LINE_LIMIT, MESSAGE_LIMIT, plain, plain_text

Taken = Mapping[str, Mapping[str, str]]
"""field name -> value -> why it is in use (`Provider.taken_values`)."""


def option(value: str, taken: Mapping[str, str]) -> tuple[Text, str]:
    """A value offered in a list, marked when it is in use (by what: under the field, once chosen)."""
    label = plain_text(value)
    if value in taken:
        label.append("  · in use", style="yellow")
    return label, value


def field_widget(spec: CreateField, taken: Mapping[str, str] | None = None) -> Widget:
    widget_id = f"field-{spec.name}"
    taken = taken or {}
    if spec.type == "bool":
        return Checkbox(plain(spec.help), value=bool(spec.default), id=widget_id)
    if spec.type == "choice":
        options = [option(choice, taken) for choice in spec.choices]
        if spec.default is not None and spec.default in spec.choices:
            return Select(options, value=spec.default, allow_blank=not spec.required, id=widget_id)
        return Select(options, allow_blank=True, prompt=f"choose {spec.label.lower()}", id=widget_id)
    if spec.type == "int":
        return Input(
            "" if spec.default is None else str(spec.default),
            placeholder=spec.help or "a whole number",
            type="integer",
            validators=[Integer(minimum=spec.minimum, maximum=spec.maximum)],
            id=widget_id,
        )
    return Input(
        "" if spec.default is None or spec.secret else str(spec.default),
        placeholder=spec.help or ("required" if spec.required else "optional"),
        password=spec.secret,
        suggester=SuggestFromList(spec.suggestions, case_sensitive=False) if spec.suggestions else None,
        id=widget_id,
    )


def suggestion_picker(spec: CreateField, taken: Mapping[str, str] | None = None) -> Select[str]:
    """The suggestions of a free-text field as a list beside it: picking one fills the field."""
    options = [option(value, taken or {}) for value in spec.suggestions]
    return Select(options, prompt="suggestions", allow_blank=True, id=f"pick-{spec.name}")


def field_label(spec: CreateField) -> str:
    bounds = ""
    if spec.type == "int" and (spec.minimum is not None or spec.maximum is not None):
        bounds = f" ({spec.minimum if spec.minimum is not None else ''}–{spec.maximum if spec.maximum is not None else ''})"
    return f"{spec.label}{' *' if spec.required else ''}{bounds}"


class CreateScreen(ModalScreen[None]):
    """Closes when the session is created (the board closes it) or on cancel; a refusal keeps it
    open with the values typed and the provider's words in `#errors`."""

    DEFAULT_CSS = """
    CreateScreen {
        align: center middle;
        background: $background 60%;
    }
    CreateScreen > Vertical {
        width: 76;
        max-width: 98%;
        height: auto;
        max-height: 95%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CreateScreen VerticalScroll {
        height: auto;
        max-height: 1fr;
    }
    CreateScreen .field {
        height: auto;
        layout: horizontal;
    }
    CreateScreen .field > Label {
        width: 26;
        padding: 1 1 0 0;
        text-align: right;
    }
    CreateScreen .field > Input, CreateScreen .field > Select {
        width: 1fr;
    }
    CreateScreen .field > .picker {
        width: 22;
    }
    CreateScreen .field > Checkbox {
        width: 1fr;
        border: none;
        padding: 1 0 0 0;
        height: auto;
        background: $surface;
    }
    CreateScreen .note {
        display: none;
        width: 1fr;
        height: auto;
        padding: 0 0 0 26;
        color: $text-warning;
    }
    CreateScreen .note.-shown {
        display: block;
    }
    CreateScreen #errors {
        color: $text-error;
        height: auto;
        padding: 0 1;
    }
    CreateScreen #buttons {
        height: auto;
        align-horizontal: right;
    }
    CreateScreen #buttons Button {
        margin-left: 2;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Create"),
    ]

    def __init__(
        self,
        provider: str,
        kind: str,
        fields: tuple[CreateField, ...],
        *,
        send: Callable[[dict[str, Any]], None],
        taken: Taken | None = None,
    ) -> None:
        super().__init__()
        self.provider = provider
        self.kind = kind
        self.fields = fields
        self.send = send
        self.taken: Taken = taken or {}
        self.problems: str = ""
        self.sending = False
        """A create is on its way: the button waits for its answer (one session per press)."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(f"create · {self.provider} ({self.kind})")
            with VerticalScroll():
                for spec in self.fields:
                    taken = self.taken.get(spec.name)
                    with Horizontal(classes="field"):
                        yield Label(field_label(spec), markup=False)
                        yield field_widget(spec, taken)
                        if spec.suggestions and spec.type == "str":
                            yield suggestion_picker(spec, taken).add_class("picker")
                    if taken:
                        yield Label("", id=f"note-{spec.name}", classes="note", markup=False)
            yield Label("", id="errors", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Create", id="create", variant="primary")

    def on_mount(self) -> None:
        focusable = [w for w in self.query("Input, Select, Checkbox") if w.focusable]
        if focusable:
            focusable[0].focus()
        for name in self.taken:
            self.show_note(name)

    # ---- suggestions and values in use --------------------------------------------------------------
    def show_note(self, name: str) -> None:
        """Under a field whose value is in use: why the provider will likely refuse it."""
        notes = self.query(f"#note-{name}")
        if not notes:
            return
        note = notes.first(Label)
        value = self.raw_values().get(name)
        why = self.taken.get(name, {}).get(value) if isinstance(value, str) else None
        note.set_class(bool(why), "-shown")
        note.update(f"{safe_text(value, limit=LINE_LIMIT)} is in use: {safe_text(why, limit=LINE_LIMIT)}" if why else "")

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        widget_id = event.select.id or ""
        if widget_id.startswith("pick-"):
            name = widget_id.removeprefix("pick-")
            if isinstance(event.value, str):
                self.query_one(f"#field-{name}", Input).value = event.value
                event.select.clear()  # the field holds the value; the list is ready for another pick
            return
        if widget_id.startswith("field-"):
            self.show_note(widget_id.removeprefix("field-"))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        widget_id = event.input.id or ""
        if not widget_id.startswith("field-"):
            return
        name = widget_id.removeprefix("field-")
        self.show_note(name)

    # ---- values -----------------------------------------------------------------------------------------
    def raw_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Checkbox):
                values[spec.name] = widget.value
            elif isinstance(widget, Select):
                values[spec.name] = None if widget.is_blank() else widget.value
            elif isinstance(widget, Input):
                values[spec.name] = widget.value
        return values

    def validate(self) -> dict[str, Any] | None:
        try:
            values = parse_values(self.fields, self.raw_values())
        except FieldError as exc:
            self.problems = str(exc)
            self.query_one("#errors", Label).update("\n".join(safe_text(str(exc), limit=MESSAGE_LIMIT).split("; ")))
            return None
        self.problems = ""
        self.query_one("#errors", Label).update("")
        return values

    # ---- sending and its answer ---------------------------------------------------------------------------
    def action_submit(self) -> None:
        if self.sending:
            return
        values = self.validate()
        if values is None:
            return
        self.sending = True
        button = self.query_one("#create", Button)
        button.disabled = True
        button.label = "Creating…"
        self.send(values)

    def failed(self, message: str) -> None:
        """The provider refused: its words in the form, every value as typed, Create again."""
        self.sending = False
        self.problems = message
        self.query_one("#errors", Label).update(
            f"{safe_text(self.provider)} refused it: {safe_text(message, limit=MESSAGE_LIMIT)}"
        )
        button = self.query_one("#create", Button)
        button.disabled = False
        button.label = "Create"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
