"""The create form, built from the provider's `create_fields()`.

Values are checked with `parse_values` (the same check as the CLI's `create KEY=VALUE`) before the
form closes: bad values are shown in the form and nothing is sent. The form returns the typed
values; the screen that opened it sends them in a worker.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select

from sessionboard.model import CreateField, FieldError, parse_values, safe_text
from sessionboard.ui.plain import MESSAGE_LIMIT, plain


def field_widget(spec: CreateField) -> Widget:
    widget_id = f"field-{spec.name}"
    if spec.type == "bool":
        return Checkbox(plain(spec.help), value=bool(spec.default), id=widget_id)
    if spec.type == "choice":
        options = [(Text(safe_text(choice)), choice) for choice in spec.choices]
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
        id=widget_id,
    )


def field_label(spec: CreateField) -> str:
    bounds = ""
    if spec.type == "int" and (spec.minimum is not None or spec.maximum is not None):
        bounds = f" ({spec.minimum if spec.minimum is not None else ''}–{spec.maximum if spec.maximum is not None else ''})"
    return f"{spec.label}{' *' if spec.required else ''}{bounds}"


class CreateScreen(ModalScreen[dict[str, Any] | None]):
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
    CreateScreen .field > Checkbox {
        width: 1fr;
        border: none;
        padding: 1 0 0 0;
        height: auto;
        background: $surface;
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

    def __init__(self, provider: str, kind: str, fields: tuple[CreateField, ...]) -> None:
        super().__init__()
        self.provider = provider
        self.kind = kind
        self.fields = fields
        self.problems: str = ""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(f"create · {self.provider} ({self.kind})")
            with VerticalScroll():
                for spec in self.fields:
                    with Horizontal(classes="field"):
                        yield Label(field_label(spec), markup=False)
                        yield field_widget(spec)
            yield Label("", id="errors", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Create", id="create", variant="primary")

    def on_mount(self) -> None:
        focusable = [w for w in self.query("Input, Select, Checkbox") if w.focusable]
        if focusable:
            focusable[0].focus()

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

    def action_submit(self) -> None:
        values = self.validate()
        if values is not None:
            self.dismiss(values)

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
