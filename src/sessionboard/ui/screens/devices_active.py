"""RUFUS: the active session of each configured device (`GET /sessions/device/{id}/active`, then
the session's details), with its passings and the first and last passing. A device without an
active session is a row that says so; a device whose request failed shows the provider's error in
its row, and the other devices are still shown. Ids, aliases and errors are the provider's: each
cell is a `Text` (a `DataTable` reads a `str` cell as markup), escaped and bounded."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from sessionboard.model import Session, safe_text
from sessionboard.providers import ProviderError, RufusProvider
from sessionboard.ui.plain import MESSAGE_LIMIT, plain, plain_text
from sessionboard.ui.widgets.sessions.columns import short_time

COLUMNS = ("device", "session", "alias", "passings", "first", "last", "started")


@dataclass(frozen=True, slots=True)
class DeviceRow:
    device: str
    session: Session | None = None
    error: str | None = None

    def cells(self) -> tuple[str, ...]:
        if self.error is not None:
            return (self.device, "error", self.error, "", "", "", "")
        if self.session is None:
            return (self.device, "no active session", "", "", "", "", "")
        raw = self.session.raw
        passings = raw.get("passings")
        return (
            self.device,
            self.session.id,
            self.session.name or "",
            "" if passings is None else str(passings),
            _when(raw.get("first")),
            _when(raw.get("last")),
            short_time(self.session.started_at),
        )


def _when(value: object) -> str:
    """Passing times to the second: they are seconds apart."""
    if not isinstance(value, str) or not value:
        return "—"
    return value.replace("T", " ").rstrip("Z")[:19]


class DevicesRead(Message):
    def __init__(self, rows: list[DeviceRow]) -> None:
        super().__init__()
        self.rows = rows


class DevicesActiveScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DevicesActiveScreen {
        align: center middle;
        background: $background 60%;
    }
    DevicesActiveScreen > Vertical {
        width: 120;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        border-title-color: $text-accent;
        background: $surface;
        padding: 1 2;
    }
    DevicesActiveScreen Label {
        width: 1fr;
        color: $text-muted;
    }
    DevicesActiveScreen DataTable {
        height: auto;
        max-height: 30;
    }
    """
    BINDINGS = [Binding("escape,q", "close", "Close"), Binding("r", "reload", "Reload")]

    def __init__(self, provider: RufusProvider) -> None:
        super().__init__()
        self.provider = provider
        self.rows: list[DeviceRow] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(f"active session per device · {self.provider.name}")
            yield Label("reading the devices…", id="devices-status", markup=False)
            yield DataTable(id="devices-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.load()

    async def _one(self, device: str) -> DeviceRow:
        try:
            sessions = await self.provider.device_active(device)
        except ProviderError as exc:
            return DeviceRow(device, error=exc.message)
        except Exception as exc:  # noqa: BLE001 - nothing a provider sends may crash the console
            return DeviceRow(device, error=self.provider.redact(f"internal error ({type(exc).__name__})"))
        return DeviceRow(device, session=sessions[0] if sessions else None)

    @work(group="devices-active", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        rows = await asyncio.gather(*(self._one(d) for d in self.provider.config.devices))
        self.post_message(DevicesRead(list(rows)))

    def on_devices_read(self, message: DevicesRead) -> None:
        self.rows = message.rows
        table = self.query_one(DataTable)
        table.clear()
        for row in message.rows:
            table.add_row(*(plain_text(cell) for cell in row.cells()), key=row.device)
        active = sum(1 for r in message.rows if r.session is not None)
        failed = [r for r in message.rows if r.error is not None]
        status = f"{len(message.rows)} devices · {active} with an active session · r reload · esc close"
        if failed:
            status = f"{len(failed)} failed: {failed[0].error} · " + status
            self.notify(f"{self.provider.name}: {failed[0].error}", severity="error", timeout=8)
        self.query_one("#devices-status", Label).update(safe_text(status, limit=MESSAGE_LIMIT))

    def action_reload(self) -> None:
        self.query_one("#devices-status", Label).update("reading the devices…")
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
