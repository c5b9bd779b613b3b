"""Every normalized field of the selected session, then the provider's own JSON (masked in `raw`
by the adapter), then the richer answer of the provider's "get" when the screen fetched one."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from sessionboard.model import Session, SessionKey
from sessionboard.model.session import JSON_KEYS
from sessionboard.ui.widgets.detail.vnc import vnc_text


def _json(value: Any) -> str:
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, default=str, sort_keys=False)
    except (TypeError, ValueError):
        return repr(value)


def detail_text(
    session: Session | None,
    *,
    rich: Session | None = None,
    note: str | None = None,
    vnc_password: str | None = None,
    banner: str | None = None,
) -> Text:
    """`banner` goes first, in warning colours: the board says there that the session the cursor
    was on has gone (and that this is another one)."""
    text = Text()
    if banner:
        text.append(banner + "\n\n", style="bold yellow")
    if session is None:
        text.append("no session selected", style="dim italic")
        return text
    for key in JSON_KEYS:
        if key == "raw":
            continue
        value = getattr(session, key)
        text.append(f"{key:<14}", style="bold")
        text.append(("—" if value is None else str(value)) + "\n", style="dim" if value is None else "")
    if session.stale:
        text.append(f"{'heartbeat':<14}", style="bold")
        text.append("stale (no heartbeat within the configured time)\n", style="yellow")
    if session.kind == "tasknet":
        text.append(vnc_text(session, vnc_password))
    text.append("\nraw\n", style="bold underline")
    text.append(_json(session.raw) + "\n")
    if rich is not None:
        text.append("\ndetails (get)\n", style="bold underline")
        if rich.raw == session.raw:
            text.append("the same as raw\n", style="dim italic")
        else:
            text.append(_json(rich.raw) + "\n")
    if note:
        text.append("\n" + note + "\n", style="dim italic")
    return text


class DetailPane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    DetailPane {
        background: $surface;
        border: round $panel;
        border-title-color: $text-accent;
        padding: 0 1;
    }
    DetailPane:focus {
        border: round $primary;
    }
    DetailPane > Static {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "detail"
        self.session: Session | None = None
        self.rich: Session | None = None
        self.note: str | None = None
        self.banner: str | None = None
        self.vnc: tuple[SessionKey, str] | None = None
        """A VNC password the user asked to see, and whose it is; cleared by `hide_vnc`."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(detail_text(None), markup=False)

    def show(
        self, session: Session | None, *, rich: Session | None = None, note: str | None = None, banner: str | None = None
    ) -> None:
        self.session = session
        self.rich = rich
        self.note = note
        self.banner = banner
        self.border_title = f"detail · {session.provider}" if session else "detail"
        password = self.vnc[1] if self.vnc and session is not None and self.vnc[0] == session.key else None
        self.query_one(Static).update(
            detail_text(session, rich=rich, note=note, vnc_password=password, banner=banner)
        )

    def reveal_vnc(self, key: SessionKey, password: str) -> None:
        self.vnc = (key, password)
        self.show(self.session, rich=self.rich, note=self.note, banner=self.banner)

    def hide_vnc(self) -> None:
        if self.vnc is not None:
            self.vnc = None
            self.show(self.session, rich=self.rich, note=self.note, banner=self.banner)
