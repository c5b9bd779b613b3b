"""vsay statistics for a period (day / week / month): totals, active sessions, hours, unique users
and a bar chart of the top machines. The period keys ask the API again; nothing is computed here
that the API did not answer.

Every cell is a `Text`: a Rich table reads a `str` cell as markup, and machine names are the
provider's."""

from __future__ import annotations

from typing import Literal

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from sessionboard.model import safe_text
from sessionboard.providers import ProviderError, VsayProvider
from sessionboard.providers.vsay import Stats
from sessionboard.ui.plain import MESSAGE_LIMIT, plain, plain_text

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")
BAR_WIDTH = 30


def bar(count: int, most: int, width: int = BAR_WIDTH) -> str:
    """`█` cells in proportion to the largest count, with eighth-blocks for the remainder, at least
    one eighth for a non-zero count so a small machine never looks like none."""
    if most <= 0 or count <= 0:
        return ""
    eighths = max(1, round(count / most * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")


def stats_renderable(stats: Stats) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", justify="left")
    grid.add_column(justify="right")
    grid.add_row("sessions", plain_text(stats.total_sessions))
    grid.add_row("active now", plain_text(stats.active_sessions))
    grid.add_row("hours", plain_text(f"{stats.total_duration_hours:g}"))
    grid.add_row("unique users", plain_text(stats.unique_users))
    return grid


def machines_renderable(stats: Stats) -> Table | Text:
    if not stats.top_machines:
        return Text("no machine had a session in this period", style="dim italic")
    most = max(m.sessions_count for m in stats.top_machines)
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 1), expand=False)
    table.add_column("machine", no_wrap=True, max_width=24)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("sessions", justify="right")
    table.add_column("", no_wrap=True, min_width=BAR_WIDTH + 1)
    for machine in stats.top_machines:
        table.add_row(
            plain_text(machine.name or "—"), plain_text(machine.machine_id or "—"),
            plain_text(machine.sessions_count), plain_text(bar(machine.sessions_count, most)),
        )
    return table


class StatsFetched(Message):
    def __init__(self, period: Period, stats: Stats | None, error: str | None) -> None:
        super().__init__()
        self.period = period
        self.stats = stats
        self.error = error


class StatsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    StatsScreen {
        align: center middle;
        background: $background 60%;
    }
    StatsScreen > Vertical {
        width: 90;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        border-title-color: $text-accent;
        background: $surface;
        padding: 1 2;
    }
    StatsScreen #stats-periods {
        width: 1fr;
        margin-bottom: 1;
    }
    StatsScreen #stats-totals {
        width: 1fr;
        margin-bottom: 1;
    }
    StatsScreen #stats-machines {
        width: 1fr;
        color: $foreground;
    }
    StatsScreen #stats-error {
        width: 1fr;
        color: $text-error;
        height: auto;
    }
    StatsScreen .section {
        text-style: bold underline;
        width: 1fr;
    }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("d", "period('day')", "Day"),
        Binding("w", "period('week')", "Week"),
        Binding("m", "period('month')", "Month"),
        Binding("tab,right", "cycle(1)", "Next period", show=False),
        Binding("shift+tab,left", "cycle(-1)", "Previous period", show=False),
    ]

    def __init__(self, provider: VsayProvider, period: Period = "day") -> None:
        super().__init__()
        self.provider = provider
        self.period: Period = period
        self.stats: Stats | None = None
        self.shown_period: Period | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(f"statistics · {self.provider.name}")
            yield Static(self._periods_text(), id="stats-periods", markup=False)
            yield Static("loading…", id="stats-totals", markup=False)
            yield Label("top machines", classes="section", markup=False)
            yield Static("", id="stats-machines", markup=False)
            yield Label("", id="stats-error", markup=False)

    def on_mount(self) -> None:
        self.fetch(self.period)

    def _periods_text(self) -> Text:
        text = Text("period: ")
        for period in PERIODS:
            style = "reverse bold" if period == self.period else "dim"
            text.append(f" {period[0]} {period} ", style=style)
            text.append(" ")
        text.append("  esc close", style="dim")
        return text

    @work(group="stats", exclusive=True, exit_on_error=False)
    async def fetch(self, period: Period) -> None:
        try:
            stats = await self.provider.stats(period)
        except ProviderError as exc:
            self.post_message(StatsFetched(period, None, f"{self.provider.name}: {exc.message}"))
            return
        except Exception as exc:  # noqa: BLE001 - nothing a provider sends may crash the console
            message = self.provider.redact(f"{self.provider.name}: internal error ({type(exc).__name__})")
            self.post_message(StatsFetched(period, None, message))
            return
        self.post_message(StatsFetched(period, stats, None))

    def on_stats_fetched(self, message: StatsFetched) -> None:
        if message.period != self.period:
            return  # an answer for a period the user has left
        error = self.query_one("#stats-error", Label)
        if message.stats is None:
            shown = f"{message.error} (shown: the last answer)" if self.stats else message.error
            error.update(safe_text(shown, limit=MESSAGE_LIMIT))
            self.notify(message.error or "statistics failed", severity="error", timeout=8)
            return
        error.update("")
        self.stats = message.stats
        self.shown_period = message.period
        self.query_one("#stats-totals", Static).update(stats_renderable(message.stats))
        self.query_one("#stats-machines", Static).update(machines_renderable(message.stats))

    def action_period(self, period: Period) -> None:
        if period == self.period:
            return
        self.period = period
        self.query_one("#stats-periods", Static).update(self._periods_text())
        self.fetch(period)

    def action_cycle(self, step: int) -> None:
        self.action_period(PERIODS[(PERIODS.index(self.period) + step) % len(PERIODS)])

    def action_close(self) -> None:
        self.dismiss(None)
