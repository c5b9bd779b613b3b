"""What the console shows when there is no configuration: how to begin, never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Static

from sessionboard.config.paths import default_config_path
from sessionboard.model import safe_text
from sessionboard.ui.plain import MESSAGE_LIMIT


def welcome_text(problems: list[str] | None = None) -> str:
    lines = ["sessionboard: no configuration yet", ""]
    if problems:
        # A problem may quote the file, or a provider's answer: each is one line, escaped.
        lines += ["The configuration could not be used:", *[f"  {safe_text(p, limit=MESSAGE_LIMIT)}" for p in problems], ""]
    lines += [
        "To begin, either:",
        "",
        "  • try it on built-in simulators (no network, no credentials):",
        "        sessionboard demo",
        "",
        "  • or write a starting config (mode 0600) to",
        f"        {default_config_path()}",
        "    with: sessionboard init",
        "    (or --config PATH, or $SESSIONBOARD_CONFIG), fill in your providers,",
        "    and check it with: sessionboard check",
        "",
        "Press q to quit.",
    ]
    return "\n".join(lines)


class WelcomeScreen(Screen[None]):
    DEFAULT_CSS = """
    WelcomeScreen Static {
        width: auto;
        max-width: 100%;
        border: round $primary;
        padding: 1 3;
        background: $surface;
    }
    """
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, problems: list[str] | None = None) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(welcome_text(self.problems), markup=False, id="welcome")
        yield Footer()

    def action_quit(self) -> None:
        self.app.exit(0)
