"""A vsay session's log: commands and their output with timestamps, followed while the session is
active (polled every few seconds, only the new entries appended) and searchable.

The API answers the newest entries each time (500 in the reference implementation), so "new" is
worked out by finding the last entry already shown in the fresh answer, not by counting: a log that
rolled over its limit must neither repeat nor drop lines.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RichLog

from sessionboard.model import Session, safe_text
from sessionboard.providers import ProviderError, VsayProvider
from sessionboard.providers.vsay import LogEntry
from sessionboard.ui.plain import LINE_LIMIT, MESSAGE_LIMIT, plain, plain_text

ENTRY_LIMIT = 16 * 1024
"""Characters of one log entry shown: a session's output is the provider's, and may be huge."""

EntryKey = tuple[str | None, str, str]


def entry_key(entry: LogEntry) -> EntryKey:
    return (entry.timestamp, entry.type, entry.content)


def new_entries(shown: list[LogEntry], fresh: list[LogEntry]) -> list[LogEntry]:
    """The entries of `fresh` that come after the last one already `shown`.

    When the last shown entry is no longer in the answer (rolled out of the window), everything
    newer than its timestamp is new.
    """
    if not shown:
        return list(fresh)
    last = entry_key(shown[-1])
    for index in range(len(fresh) - 1, -1, -1):
        if entry_key(fresh[index]) == last:
            return fresh[index + 1 :]
    stamp = shown[-1].timestamp or ""
    return [e for e in fresh if (e.timestamp or "") > stamp]


def entry_text(entry: LogEntry, search: str = "") -> Table:
    """One entry as the log shows it: the time, then a `$` and the command, or the output, which
    wraps under itself (a hanging indent), matches of the search highlighted. What the session
    printed is shown as text: its newlines kept, every other control byte escaped."""
    stamp = plain_text((entry.timestamp or "").replace("T", " ").rstrip("Z"), limit=40)
    if entry.type == "command":
        content = Text()
        content.append("$ ", style="bold green")
        content.append(safe_text(entry.content, multiline=True, limit=ENTRY_LIMIT), style="bold")
    else:
        content = Text(safe_text(entry.content, multiline=True, limit=ENTRY_LIMIT))
    if search:
        content.highlight_words([search], style="reverse", case_sensitive=False)
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=19, no_wrap=True, style="dim")
    grid.add_column(ratio=1)
    grid.add_row(stamp, content)
    return grid


def matches(entry: LogEntry, search: str) -> bool:
    return not search or search.casefold() in entry.content.casefold()


class LogsFetched(Message):
    def __init__(self, entries: list[LogEntry] | None, error: str | None) -> None:
        super().__init__()
        self.entries = entries
        self.error = error


class LogsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    LogsScreen {
        align: center middle;
        background: $background 60%;
    }
    LogsScreen > Vertical {
        width: 95%;
        height: 90%;
        border: thick $primary;
        border-title-color: $text-accent;
        background: $surface;
        padding: 0 1;
    }
    LogsScreen #logs-status {
        width: 1fr;
        color: $text-muted;
    }
    LogsScreen #logs-status.-error {
        color: $text-error;
    }
    LogsScreen #logs-search {
        dock: bottom;
    }
    LogsScreen RichLog {
        height: 1fr;
        background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("slash", "search", "Search", show=False),
    ]
    AUTO_FOCUS = "#logs-view"
    POLL_SECONDS = 3.0
    """How often an active session's log is read again while it is shown."""

    def __init__(self, provider: VsayProvider, session: Session) -> None:
        super().__init__()
        self.provider = provider
        self.session = session
        self.entries: list[LogEntry] = []
        self.search = ""
        self.fetches = 0
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            label = self.session.name or self.session.target or ""
            box.border_title = plain(f"logs · {self.provider.name} · {label} {self.session.id}".replace("  ", " "))
            yield Label("loading…", id="logs-status", markup=False)
            yield RichLog(id="logs-view", wrap=True, markup=False, highlight=False, auto_scroll=True)
            yield Input(placeholder="search the log (enter: back to the log, escape: close)", id="logs-search")

    def on_mount(self) -> None:
        self.fetch()
        if self.session.active:
            self.set_interval(self.POLL_SECONDS, self.fetch, name="follow-logs")

    @work(group="logs", exclusive=True, exit_on_error=False)
    async def fetch(self) -> None:
        try:
            fresh = await self.provider.logs(self.session.id, "json")
        except ProviderError as exc:
            self.post_message(LogsFetched(None, f"{self.provider.name}: {exc.message}"))
            return
        except Exception as exc:  # noqa: BLE001 - nothing a provider sends may crash the console
            self.post_message(LogsFetched(None, self.provider.redact(f"{self.provider.name}: internal error ({type(exc).__name__})")))
            return
        if isinstance(fresh, str):  # a text answer to a json request: one entry per line
            fresh = [LogEntry(type="output", content=line) for line in fresh.splitlines()]
        self.post_message(LogsFetched(fresh, None))

    def on_logs_fetched(self, message: LogsFetched) -> None:
        self.fetches += 1
        status = self.query_one("#logs-status", Label)
        if message.error is not None:
            if message.error != self.error:
                self.notify(message.error, severity="error", timeout=8)
            self.error = message.error
            status.update(safe_text(f"{message.error} (shown: what was read before)", limit=MESSAGE_LIMIT))
            status.add_class("-error")
            return
        self.error = None
        status.remove_class("-error")
        added = new_entries(self.entries, message.entries or [])
        self.entries.extend(added)
        log = self.query_one(RichLog)
        for entry in added:
            if matches(entry, self.search):
                log.write(entry_text(entry, self.search), expand=True)
        self._update_status()

    def _update_status(self) -> None:
        follow = "following (every %gs)" % self.POLL_SECONDS if self.session.active else "session ended"
        parts = [f"{len(self.entries)} entries", follow]
        if self.search:
            shown = sum(1 for e in self.entries if matches(e, self.search))
            parts.insert(1, f"{shown} match {self.search!r}")
        self.query_one("#logs-status", Label).update(safe_text(" · ".join(parts) + " · / search · esc close", limit=LINE_LIMIT))

    def shown_text(self) -> str:
        """The log's lines as plain text (tests read it)."""
        return "\n".join(strip.text for strip in self.query_one(RichLog).lines)

    def _rewrite(self) -> None:
        log = self.query_one(RichLog)
        log.clear()
        for entry in self.entries:
            if matches(entry, self.search):
                log.write(entry_text(entry, self.search), expand=True)
        self._update_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search = event.value.strip()
        self._rewrite()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(RichLog).focus()

    def action_search(self) -> None:
        self.query_one("#logs-search", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
