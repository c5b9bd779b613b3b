"""The questions an SSH connection asks a person, as modal dialogs of the console.

`ConsolePrompts` implements `terminal.prompts.SshPrompts`: the SSH transport awaits it from the
terminal pane's own task, each question opens a dialog, and the answer comes back through a
future. If the pane goes away while a dialog waits (tab closed, session closed, quit), the waiting
coroutine is cancelled and its dialog is taken down with it, so no question outlives its terminal.

A changed host key is never asked about: the transport refuses it and the refusal is the pane's
end reason. Passwords are typed into masked inputs and go straight back to the transport; they
are never shown, logged or kept. What the server and the provider say (the host, a prompt, a
challenge's name and instructions) is shown as text: escaped, never markup.

Like every dialog of the console, these take their first focus from `AUTO_FOCUS`, never from a
query in `on_mount`: a key can dismiss a dialog before its Mount is handled, and that query would
then raise.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from sessionboard.model import safe_text
from sessionboard.ui.plain import LINE_LIMIT, MESSAGE_LIMIT, plain

log = logging.getLogger(__name__)

R = TypeVar("R")

_DIALOG_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 80;
    max-width: 95%;
    height: auto;
    max-height: 95%;
    border: thick $warning;
    background: $surface;
    padding: 1 2;
}}
{name} Label {{
    width: 1fr;
    margin-bottom: 1;
}}
{name} Input {{
    margin-bottom: 1;
}}
{name} Horizontal {{
    height: auto;
    align-horizontal: right;
}}
{name} Button {{
    margin-left: 2;
}}
"""


class HostKeyScreen(ModalScreen[bool]):
    """An unknown host key, shown by its SHA256 fingerprint: accept (remember it) or refuse."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="HostKeyScreen")
    BINDINGS = [
        Binding("y", "answer(True)", "Accept"),
        Binding("n,escape", "answer(False)", "Refuse"),
    ]
    AUTO_FOCUS = "#refuse"  # enter on a dialog nobody read is a "no"

    def __init__(self, host: str, port: int, key_type: str, fingerprint: str) -> None:
        super().__init__()
        self.host = safe_text(host, limit=LINE_LIMIT)
        self.port = port
        self.key_type = key_type
        self.fingerprint = fingerprint

    def compose(self) -> ComposeResult:
        where = self.host if self.port == 22 else f"{self.host} port {self.port}"
        with Vertical() as box:
            box.border_title = "unknown host key"
            yield Label(
                f"The authenticity of {where} cannot be established: its key is not in known_hosts.",
                markup=False,
            )
            yield Label(f"{self.key_type} key fingerprint:\n{self.fingerprint}", id="fingerprint", markup=False)
            yield Label(
                "Compare it with the fingerprint the host's owner gave you. Accept to connect and "
                "remember the key; refuse to give up.",
                markup=False,
            )
            with Horizontal():
                yield Button("Refuse (n)", id="refuse", variant="error")
                yield Button("Accept (y)", id="accept", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "accept")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PasswordScreen(ModalScreen["str | None"]):
    """A password or key passphrase, typed into a masked input; escape gives up."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="PasswordScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#secret"

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = safe_text(prompt, limit=MESSAGE_LIMIT)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "ssh password"
            yield Label(self.prompt, markup=False)
            yield Input(password=True, id="secret")
            with Horizontal():
                yield Button("Cancel (esc)", id="cancel")
                yield Button("OK (enter)", id="ok", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.query_one(Input).value if event.button.id == "ok" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class KbdIntScreen(ModalScreen["list[str] | None"]):
    """A keyboard-interactive challenge: one input per prompt, masked unless the server says echo."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="KbdIntScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "Input"

    def __init__(self, name: str, instructions: str, prompts: list[tuple[str, bool]]) -> None:
        super().__init__()
        self.challenge = safe_text(name, limit=LINE_LIMIT)
        self.instructions = safe_text(instructions, multiline=True, limit=MESSAGE_LIMIT)
        self.prompts = [(safe_text(prompt, limit=LINE_LIMIT), echo) for prompt, echo in prompts]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(self.challenge or "ssh login")
            if self.instructions:
                yield Label(self.instructions, markup=False)
            for index, (prompt, echo) in enumerate(self.prompts):
                yield Label(prompt, markup=False)
                yield Input(password=not echo, id=f"answer-{index}")
            with Horizontal():
                yield Button("Cancel (esc)", id="cancel")
                yield Button("OK", id="ok", variant="primary")

    def _answers(self) -> list[str]:
        return [self.query_one(f"#answer-{i}", Input).value for i in range(len(self.prompts))]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.dismiss(self._answers())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self._answers() if event.button.id == "ok" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConsolePrompts:
    """`SshPrompts` answered by the person at the console, one modal dialog per question."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app

    async def _ask(self, screen: ModalScreen[R], default: R) -> R:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[R] = loop.create_future()

        def answered(result: R | None) -> None:
            if not answer.done():
                answer.set_result(default if result is None else result)

        self.app.push_screen(screen, callback=answered)
        try:
            return await answer
        finally:
            if not answer.done() or answer.cancelled():
                self._take_down(screen)

    def _take_down(self, screen: ModalScreen[Any]) -> None:
        """The question no longer matters (its terminal went away): close its dialog if it is on
        top; one under another dialog is left for the person to dismiss (its answer is ignored)."""
        try:
            if self.app.screen is screen:
                screen.dismiss(None)
        except Exception:  # noqa: BLE001 - tearing down a dialog must never break the console
            log.debug("could not take down an SSH prompt dialog", exc_info=True)

    async def confirm_host_key(self, host: str, port: int, key_type: str, fingerprint: str) -> bool:
        return await self._ask(HostKeyScreen(host, port, key_type, fingerprint), False)

    async def ask_password(self, prompt: str) -> str | None:
        return await self._ask(PasswordScreen(prompt), None)

    async def ask_kbdint(
        self, name: str, instructions: str, prompts: list[tuple[str, bool]]
    ) -> list[str] | None:
        return await self._ask(KbdIntScreen(name, instructions, prompts), None)
