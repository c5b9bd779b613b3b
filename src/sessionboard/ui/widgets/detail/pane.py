"""Every normalized field of the selected session, then the provider's own JSON (masked in `raw`
by the adapter), then the richer answer of the provider's "get" when the screen fetched one.

All of it is the provider's text: each field is escaped and bounded (`FIELD_LIMIT`), and the JSON
is a bounded view (`RAW_LIMIT`) that says how much was left out where it was cut. A session of
50 MB froze the console for two minutes when the whole of it was laid out here; building its view
now costs what is shown, whatever the session's size.

The fields wrap to the pane's width; the JSON does not: it is indented and coloured as `jq` shows
it (`jsonview`) and the pane scrolls sideways to read a long line (`left` / `right`, shift+wheel).
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.widgets import Static

from sessionboard.model import Session, SessionKey, safe_text
from sessionboard.model.session import JSON_KEYS
from sessionboard.ui.plain import plain
from sessionboard.ui.widgets.detail.jsonview import json_content
from sessionboard.ui.widgets.detail.vnc import vnc_text

FIELD_LIMIT = 1000
"""Characters of one normalized field shown (a name, a target...)."""
RAW_LIMIT = 64 * 1024
"""Characters of a session's JSON shown; the rest is counted, not laid out."""
RAW_LINES = 2000
"""Lines of a session's JSON shown: each is a row the pane lays out and paints (a list of 100,000
numbers is short in characters and long in rows)."""
_MAX_DEPTH = 64
"""Deeper JSON is not shown: the view is for reading, and each level indents it further."""


_KEY_LIMIT = 256
"""Characters of an object's key shown, whatever is left of the budget (a key is a label)."""


def _more(count: int, what: str) -> str:
    """`what` is a plural; one of it is said in the singular."""
    return f"… ({count:,} more {what if count != 1 else what[:-1]})"


class _Budget:
    """What a view may still hold: characters of JSON, and lines (each one costs a laid-out row)."""

    __slots__ = ("chars", "lines")

    def __init__(self, chars: int, lines: int) -> None:
        self.chars = chars
        self.lines = lines

    @property
    def spent(self) -> bool:
        return self.chars <= 0 or self.lines <= 0

    def line(self, depth: int) -> None:
        self.lines -= 1
        self.chars -= 2 * depth + 4  # its indentation and punctuation


def _clip(value: Any, budget: _Budget, depth: int = 0) -> Any:
    """A copy of `value` holding what the budget allows of its JSON, taken in order: a string is
    cut, a list or an object ended, once the budget is spent, each saying how much it left out.
    It costs what it keeps, not what `value` holds: a huge session is not walked."""
    if depth > _MAX_DEPTH:
        return "… (nested deeper than this view shows)"
    if isinstance(value, str):
        keep = max(0, budget.chars)
        budget.chars -= min(len(value), keep) + 2
        return value if len(value) <= keep else value[:keep] + _more(len(value) - keep, "characters")
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for done, (key, item) in enumerate(value.items()):
            if budget.spent:
                result["…"] = _more(len(value) - done, "keys")
                break
            budget.line(depth)
            name = str(key)
            budget.chars -= min(len(name), _KEY_LIMIT)
            if len(name) > _KEY_LIMIT:
                name = name[:_KEY_LIMIT] + _more(len(name) - _KEY_LIMIT, "characters")
            result[name] = _clip(item, budget, depth + 1)
        return result
    if isinstance(value, (list, tuple)):
        items: list[Any] = []
        for done, item in enumerate(value):
            if budget.spent:
                items.append(_more(len(value) - done, "items"))
                break
            budget.line(depth)
            items.append(_clip(item, budget, depth + 1))
        return items
    if value is None or isinstance(value, (bool, int, float)):
        budget.chars -= 8
        return value
    return _clip(str(value), budget, depth)


def raw_view(value: Any, limit: int = RAW_LIMIT, lines: int = RAW_LINES) -> str:
    """`value` as indented JSON for a person, about `limit` characters and `lines` lines at most,
    every control character escaped; where it was cut it says how much more there is."""
    clipped = _clip(value, _Budget(limit, lines))
    try:
        text = json.dumps(clipped, indent=2, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = str(clipped)
    if len(text) > 2 * limit:  # deep nesting: its indentation alone outgrew the budget
        text = text[: 2 * limit] + "\n" + _more(len(text) - 2 * limit, "characters of indented JSON")
    return safe_text(text, multiline=True)


def detail_text(
    session: Session | None,
    *,
    rich: Session | None = None,
    note: str | None = None,
    vnc_password: str | None = None,
    banner: str | None = None,
) -> Text:
    """The whole detail as one text, as the pane shows it in its three parts (`fields_text`,
    `raw_content`, `note_text`)."""
    text = fields_text(session, vnc_password=vnc_password, banner=banner)
    if session is not None:
        text.append("\n" + raw_content(session, rich).plain + "\n")
    text.append(note_text(note))
    return text


def fields_text(session: Session | None, *, vnc_password: str | None = None, banner: str | None = None) -> Text:
    """Every normalized field (wrapped to the pane), then the heading of the JSON below.

    `banner` goes first, in warning colours: the board says there that the session the cursor
    was on has gone (and that this is another one)."""
    text = Text()
    if banner:
        text.append(safe_text(banner, limit=FIELD_LIMIT) + "\n\n", style="bold yellow")
    if session is None:
        text.append("no session selected", style="dim italic")
        return text
    for key in JSON_KEYS:
        if key == "raw":
            continue
        value = getattr(session, key)
        text.append(f"{key:<14}", style="bold")
        text.append(("—" if value is None else safe_text(value, limit=FIELD_LIMIT)) + "\n", style="dim" if value is None else "")
    if session.stale:
        text.append(f"{'heartbeat':<14}", style="bold")
        text.append("stale (no heartbeat within the configured time)\n", style="yellow")
    if session.kind == "tasknet":
        text.append(vnc_text(session, vnc_password))
    text.append("\nraw", style="bold underline")
    return text


def raw_content(session: Session, rich: Session | None = None) -> Content:
    """The session's JSON, then the provider's "get" answer when there is one: indented, coloured,
    never wrapped (the pane scrolls sideways)."""
    parts: list[Content | str] = [json_content(raw_view(session.raw))]
    if rich is not None:
        parts += ["\n\n", Content.styled("details (get)", "bold underline"), "\n"]
        if rich.raw == session.raw:
            parts.append(Content.styled("the same as raw", "italic $text-muted"))
        else:
            parts.append(json_content(raw_view(rich.raw)))
    return Content.assemble(*parts)


def note_text(note: str | None) -> Text:
    """What the screen says of the fetch (a "get" that failed), wrapped to the pane."""
    if not note:
        return Text()
    return Text("\n" + safe_text(note, limit=FIELD_LIMIT) + "\n", style="dim italic")


class DetailPane(ScrollableContainer, can_focus=True):
    DEFAULT_CSS = """
    DetailPane {
        background: $surface;
        border: round $panel;
        border-title-color: $text-accent;
        padding: 0 1;
        overflow-x: auto;
        overflow-y: auto;
    }
    DetailPane:focus {
        border: round $primary;
    }
    DetailPane > Static {
        width: 1fr;
    }
    DetailPane > #detail-raw {
        width: auto;
        min-width: 1fr;
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
        yield Static(fields_text(None), id="detail-fields", markup=False)
        yield Static("", id="detail-raw", markup=False)
        yield Static("", id="detail-note", markup=False)

    def on_mount(self) -> None:
        self.query_one("#detail-raw").display = False
        self.query_one("#detail-note").display = False

    def show(
        self, session: Session | None, *, rich: Session | None = None, note: str | None = None, banner: str | None = None
    ) -> None:
        self.session = session
        self.rich = rich
        self.note = note
        self.banner = banner
        self.border_title = plain(f"detail · {session.provider}") if session else "detail"
        password = self.vnc[1] if self.vnc and session is not None and self.vnc[0] == session.key else None
        self.query_one("#detail-fields", Static).update(fields_text(session, vnc_password=password, banner=banner))
        raw = self.query_one("#detail-raw", Static)
        raw.display = session is not None
        raw.update(raw_content(session, rich) if session is not None else "")
        shown_note = self.query_one("#detail-note", Static)
        shown_note.display = bool(note)
        shown_note.update(note_text(note))

    def reveal_vnc(self, key: SessionKey, password: str) -> None:
        self.vnc = (key, password)
        self.show(self.session, rich=self.rich, note=self.note, banner=self.banner)

    def hide_vnc(self) -> None:
        if self.vnc is not None:
            self.vnc = None
            self.show(self.session, rich=self.rich, note=self.note, banner=self.banner)
