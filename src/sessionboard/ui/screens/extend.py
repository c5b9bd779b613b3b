"""How long a lease should run from now: the current end and the new one side by side as the
operator types, and a shortening refused unless it is confirmed in so many words.

The rule (what "N minutes" does to this lease) is the adapter's (`Provider.lease_change`), handed
in as `plan`: the dialog shows what it says and never works out a lease itself, so it agrees with
`sessionboard extend` and with the check `extend_session` makes again before it sends.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from sessionboard.errors import ProviderError
from sessionboard.model import safe_text
from sessionboard.providers.lease import LeaseChange, clock_time
from sessionboard.ui.clock import Now
from sessionboard.ui.plain import LINE_LIMIT, MESSAGE_LIMIT, plain

# Opened only from a provider's session: the adapters (and this import) are loaded by then.
Plan = Callable[[int | None], LeaseChange]
"""minutes (None: the default) -> what they would do; raises `ProviderError` for a bad length."""


def _left(end: float, now: float) -> str:
    left = max(0, int(end - now))
    return f"{left // 60:02d}:{left % 60:02d}"


class MinutesScreen(ModalScreen["tuple[int, bool] | None"]):
    """Answers `(minutes, allow_shorten)`, or None when cancelled."""

    DEFAULT_CSS = """
    MinutesScreen {
        align: center middle;
        background: $background 60%;
    }
    MinutesScreen > Vertical {
        width: 70;
        max-width: 95%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    MinutesScreen Label {
        width: 1fr;
    }
    MinutesScreen #current {
        margin-top: 1;
    }
    MinutesScreen #length {
        height: auto;
    }
    MinutesScreen #length > Label {
        width: auto;
        padding: 1 1 0 0;
    }
    MinutesScreen #length > Input {
        width: 1fr;
    }
    MinutesScreen.-shortens #new {
        color: $text-error;
        text-style: bold;
    }
    MinutesScreen #shorten {
        display: none;
        width: 1fr;
        border: none;
        padding: 0;
        margin-top: 1;
        background: $surface;
    }
    MinutesScreen.-shortens #shorten {
        display: block;
    }
    MinutesScreen #error {
        color: $text-error;
        height: auto;
    }
    MinutesScreen #buttons {
        height: auto;
        align-horizontal: right;
    }
    MinutesScreen Button {
        margin-left: 2;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#minutes"

    def __init__(self, question: str, plan: Plan, now: Now) -> None:
        super().__init__()
        self.question = safe_text(question, limit=MESSAGE_LIMIT)  # it names the session: provider text
        self.plan = plan
        self.now = now
        self.first = plan(None)
        """The default: the longest lease the API allows, and the bounds."""
        self.change: LeaseChange | None = self.first
        """What the minutes typed would do; None while they are not a length the API takes."""
        self.problem = ""
        """Why `change` is None: what a submit says."""

    def compose(self) -> ComposeResult:
        first = self.first
        with Vertical() as box:
            box.border_title = "extend lease"
            yield Label(self.question, id="question", markup=False)
            yield Label("", id="current", markup=False)
            with Horizontal(id="length"):
                yield Label(f"minutes from now ({first.minimum}-{first.maximum})", markup=False)
                yield Input(str(first.minutes), type="integer", id="minutes")
            yield Label("", id="new", markup=False)
            yield Checkbox("shorten the lease", id="shorten")
            yield Label("", id="error", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Extend", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.show_change()
        self.set_interval(1.0, self.show_change, name="lease-clock")  # "in 22:10" keeps counting

    # ---- what the typed minutes would do ---------------------------------------------------------
    def _minutes(self) -> int | None:
        try:
            return int(self.query_one("#minutes", Input).value.strip())
        except ValueError:
            return None

    def show_change(self) -> None:
        """Both ends, recomputed from the typed minutes and the clock."""
        now = self.now()
        first = self.first
        minutes = self._minutes()
        change: LeaseChange | None = None
        problem = f"a whole number of minutes, {first.minimum} to {first.maximum}"
        if minutes is not None:
            try:
                change = self.plan(minutes)
            except ProviderError as exc:
                problem = safe_text(exc.message, limit=LINE_LIMIT)
        # The lease as the table has it now: a poll may show it extended, or ended, meanwhile.
        current = self.query_one("#current", Label)
        try:
            current_end = (change or self.plan(None)).current_end
        except ProviderError as exc:  # the session has ended: nothing left to extend
            change, problem = None, safe_text(exc.message, limit=LINE_LIMIT)
            current.update(f"ends now   {problem}")
        else:
            if current_end is None:
                current.update("ends now   not known")
            else:
                current.update(f"ends now   {clock_time(current_end)}  (in {_left(current_end, now)})")
        new = self.query_one("#new", Label)
        self.change, self.problem = change, problem
        shortens = change is not None and change.shortens
        self.set_class(shortens, "-shortens")
        if change is None:
            new.update(Text(f"new end    {problem}", style="italic"))
        else:
            new.update(f"new end    {change.describe()}")
        box = self.query_one("#shorten", Checkbox)
        if not shortens and box.value:
            box.value = False  # the lease moved on (a poll, the clock): no shortening left to confirm
        if change is not None and shortens:
            box.label = plain(f"yes, end it sooner ({clock_time(change.new_end)}, in {_left(change.new_end, now)})")
        button = self.query_one("#ok", Button)
        button.label = "Shorten" if shortens else "Extend"
        button.variant = "error" if shortens else "primary"

    @on(Input.Changed, "#minutes")
    def _typed(self) -> None:
        self.query_one("#error", Label).update("")
        self.query_one("#shorten", Checkbox).value = False  # a confirmation is for the value it was given for
        self.show_change()

    @on(Checkbox.Changed, "#shorten")
    def _confirmed(self) -> None:
        self.query_one("#error", Label).update("")

    # ---- answering ---------------------------------------------------------------------------------
    def _submit(self) -> None:
        self.show_change()
        change = self.change
        error = self.query_one("#error", Label)
        if change is None:
            error.update(self.problem)
            return
        confirmed = self.query_one("#shorten", Checkbox).value
        if change.shortens and not confirmed:
            error.update("it would end sooner than now: tick 'yes, end it sooner' to set it")
            return
        self.dismiss((change.minutes, change.shortens and confirmed))

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
