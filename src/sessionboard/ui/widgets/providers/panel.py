"""One row per provider: kind, session count, last poll age, latency, and its error when the last
poll failed. Choosing a row filters the table to that provider; "all" goes back."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sessionboard.ui.clock import Now, system_now

ALL_ID = "__all__"


@dataclass(slots=True)
class ProviderStatus:
    """What the panel shows of a provider; the screen fills it from snapshots."""

    name: str
    kind: str
    count: int = 0
    received_at: float | None = None
    """When the last snapshot reached the console (the console's clock, so ages freeze in tests)."""
    latency: float | None = None
    error: str | None = None
    stale: bool = False


def age_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    return f"{seconds // 3600}h ago"


class ProviderPanel(OptionList):
    """An OptionList so keyboard, mouse and selection come for free; prompts are replaced in place."""

    DEFAULT_CSS = """
    ProviderPanel {
        height: auto;
        max-height: 50%;
        border: round $panel;
        border-title-color: $text-accent;
        background: $surface;
        padding: 0;
    }
    ProviderPanel:focus {
        border: round $primary;
    }
    """

    def __init__(self, statuses: list[ProviderStatus], *, now: Now = system_now, id: str | None = None) -> None:
        self.now = now
        self.statuses = {s.name: s for s in statuses}
        self.chosen: str | None = None
        self.one_line = False
        self.total = 0
        super().__init__(*self._options(), id=id)
        self.border_title = "providers"

    def _options(self) -> list[Option]:
        options = [Option(self._all_prompt(), id=ALL_ID)]
        options.extend(Option(self._prompt(s), id=s.name) for s in self.statuses.values())
        return options

    def _all_prompt(self) -> Text:
        mark = "▶ " if self.chosen is None else "  "
        text = Text(mark + "all providers", style="bold")
        text.append(f" · {self.total} shown", style="dim")
        return text

    def _prompt(self, status: ProviderStatus) -> Text:
        mark = "▶ " if self.chosen == status.name else "  "
        if status.error:
            dot, dot_style = "✖", "bold red"
        elif status.received_at is None:
            dot, dot_style = "…", "dim"
        else:
            dot, dot_style = "●", "green"
        text = Text(mark)
        text.append(dot + " ", style=dot_style)
        text.append(status.name, style="bold")
        text.append(f" {status.kind} · {status.count}", style="dim")
        facts = []
        if status.received_at is not None:
            facts.append(age_text(self.now() - status.received_at))
        if status.latency is not None:
            facts.append(f"{status.latency * 1000:.0f} ms")
        if facts:
            text.append(("\n    " if not self.one_line else " · ") + " · ".join(facts), style="dim")
        if status.error:
            text.append("\n    ")
            text.append(("stale · " if status.stale else "") + status.error, style="red")
        return text

    def set_one_line(self, one_line: bool) -> None:
        """One line per provider on a narrow screen, two on a wide one."""
        if one_line != self.one_line:
            self.one_line = one_line
            self.refresh_prompts()

    def update_status(self, status: ProviderStatus) -> None:
        self.statuses[status.name] = status
        self.replace_option_prompt(status.name, self._prompt(status))

    def set_total(self, total: int) -> None:
        if total != self.total:
            self.total = total
            self.replace_option_prompt(ALL_ID, self._all_prompt())

    def choose(self, name: str | None) -> None:
        self.chosen = name
        self.refresh_prompts()

    def refresh_prompts(self) -> None:
        """Once a second, for the poll ages."""
        self.replace_option_prompt(ALL_ID, self._all_prompt())
        for status in self.statuses.values():
            self.replace_option_prompt(status.name, self._prompt(status))
