"""Try the terminal pane on a local program: `python -m sessionboard.terminal.demo [cmd ...]`.

Runs $SHELL (or the given command) in a local pty inside a TerminalView. ctrl+] releases the
keyboard (then `q` quits, `t` goes back into the terminal); the app quits when the program ends
and a key is pressed.
"""

from __future__ import annotations

import os
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from .pty_backend import LocalPtyBackend
from .widget import TerminalView


class TerminalDemo(App[None]):
    BINDINGS = [
        Binding("q", "quit", "quit"),
        Binding("t", "focus_terminal", "terminal"),
    ]

    def __init__(self, argv: list[str]) -> None:
        super().__init__()
        self.argv = argv

    def compose(self) -> ComposeResult:
        yield TerminalView(LocalPtyBackend(self.argv), title=" ".join(self.argv), id="term")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()

    def action_focus_terminal(self) -> None:
        self.query_one(TerminalView).focus()

    def on_terminal_view_released(self, message: TerminalView.Released) -> None:
        self.query_one("#status", Static).update("keyboard released: t = back to the terminal, q = quit")
        self.set_focus(None)

    def on_terminal_view_ended(self, message: TerminalView.Ended) -> None:
        self.query_one("#status", Static).update(f"ended: {message.reason} (q quits)")
        self.set_focus(None)


def main() -> None:
    argv = sys.argv[1:] or [os.environ.get("SHELL", "/bin/bash")]
    TerminalDemo(argv).run()


if __name__ == "__main__":
    main()
