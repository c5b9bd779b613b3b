"""The merged session table, on Textual's line API.

Why not `DataTable`: with 10,000 rows its `remove_row` costs ~5 ms a row and a clear-and-refill
over a second, so a poll that ends a few hundred sessions would freeze the console. Here rows live
in a dict keyed by session key, the visible order is a list with a key -> index map, and only the
rows on screen are ever rendered (`render_line`). A poll touches the rows that changed: their
cached cells and strips are dropped, the order is rebuilt only when membership or sort position
can have moved, and the cursor follows its session key, not its row index.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sessionboard.model import Session, SessionKey
from sessionboard.ui.clock import Now, system_now
from sessionboard.ui.widgets.sessions.columns import (
    ALL_COLUMNS,
    COLUMN_BY_KEY,
    COLUMNS,
    GAP,
    SORTS,
    countdown,
)

_COUNTDOWN_WIDTH = ALL_COLUMNS[-1].width


@dataclass(slots=True)
class ApplyStats:
    """What one poll did to the table; benchmarks and tests read it."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    reordered: bool = False


def overlay(strip: Strip, style: Style) -> Strip:
    """`style` over every segment (where `Strip.apply_style` puts it under): a cursor's background
    must win over a row's own colours."""
    return Strip(
        [Segment(text, (seg_style + style) if seg_style else style, control) for text, seg_style, control in strip],
        strip.cell_length,
    )


def _fit(text: str, width: int) -> str:
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class SessionTable(ScrollView, can_focus=True):
    """Every provider's sessions in one scrollable, sortable, filterable list."""

    DEFAULT_CSS = """
    SessionTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        scrollbar-gutter: stable;
    }
    SessionTable > .session-table--header {
        text-style: bold;
        color: $text-accent;
        background: $panel;
    }
    SessionTable > .session-table--cursor {
        background: $block-cursor-blurred-background;
    }
    SessionTable:focus > .session-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    SessionTable > .session-table--ended {
        color: $text-muted;
    }
    SessionTable > .session-table--stale {
        color: $text-warning;
    }
    SessionTable > .session-table--expiring {
        color: $text-error;
        text-style: bold;
    }
    SessionTable > .session-table--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    COMPONENT_CLASSES = {
        "session-table--header",
        "session-table--cursor",
        "session-table--ended",
        "session-table--stale",
        "session-table--expiring",
        "session-table--empty",
    }

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    class Highlighted(Message):
        """The cursor is on another session, or its session changed in a poll (`updated`).

        `gone` is set when the cursor moved because a poll took its session out of the view:
        that session's key, and why (`ended`, `unlisted`: no longer in its provider's list, or
        `hidden`: it no longer matches the filter)."""

        def __init__(
            self,
            table: SessionTable,
            key: SessionKey | None,
            updated: bool = False,
            gone: tuple[SessionKey, str] | None = None,
        ) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.updated = updated
            self.gone = gone

        @property
        def control(self) -> SessionTable:
            return self.table

    class OrderChanged(Message):
        """Rows came, went or moved: the screen updates its counts."""

    class EndReached(Message):
        """The user asked to go down from the last row: the screen may load older sessions."""

    def __init__(self, *, now: Now = system_now, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.now = now
        self._sessions: dict[SessionKey, Session] = {}
        self._by_provider: dict[str, set[SessionKey]] = {}
        self._stale_providers: set[str] = set()
        self._order: list[SessionKey] = []
        self._index: dict[SessionKey, int] = {}
        self._cells: dict[SessionKey, tuple[str, ...]] = {}
        self._search: dict[SessionKey, str] = {}
        self._strips: dict[SessionKey, Strip] = {}
        self._cursor_key: SessionKey | None = None
        """The cursor belongs to this session, never to a row number: rows that come, go or move
        around it leave it on its session; only when that session leaves the view does it move,
        to a neighbour (`Highlighted.gone` says so)."""
        self._cursor = 0
        self.settling = False
        """While True the cursor stays on the first row: the board sets it until every provider
        has been listed once, so the first view starts at the top whichever provider answered
        first. A cursor move (the user's, or `select_key`) ends it."""
        self.filter_text = ""
        self.provider_filter: str | None = None
        self.show_all = False
        self.sort_key = "provider"
        self._sortkeys: dict[SessionKey, Any] = {}
        self._active: dict[str, int] = {}
        """Active sessions per provider, kept up to date by `apply_sessions` (no pass over all)."""
        self._pending_remove: set[SessionKey] = set()
        self._pending_insert: set[SessionKey] = set()
        self._full = False
        self._flush_scheduled = False
        self._row_width = sum(c.width for c in ALL_COLUMNS) + GAP * (len(ALL_COLUMNS) - 1) + 1
        self.paints = 0
        """Lines rendered so far: tests assert a poll repaints rows, benchmarks wait on it."""

    # ---- queries -------------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        self._flush_order()
        return len(self._order)

    @property
    def total_count(self) -> int:
        return len(self._sessions)

    @property
    def cursor_row(self) -> int:
        self._flush_order()
        return self._cursor

    @property
    def cursor_key(self) -> SessionKey | None:
        self._flush_order()
        return self._cursor_key

    @property
    def selected(self) -> Session | None:
        key = self.cursor_key
        return self._sessions.get(key) if key else None

    def session(self, key: SessionKey) -> Session | None:
        return self._sessions.get(key)

    def keys(self) -> list[SessionKey]:
        """The visible order."""
        self._flush_order()
        return list(self._order)

    def row_of(self, key: SessionKey) -> int | None:
        self._flush_order()
        return self._index.get(key)

    def count(self, provider: str, *, active_only: bool = True) -> int:
        keys = self._by_provider.get(provider, ())
        if not active_only:
            return len(keys)
        return self._active.get(provider, 0)

    def row_text(self, row: int) -> str:
        """The text of a visible row as painted (tests read it)."""
        self._flush_order()
        key = self._order[row]
        cells = list(self._cells_of(key))
        session = self._sessions[key]
        cells.append(countdown(session.expires_at, self.now(), session.active))
        return "  ".join(cells)

    # ---- updates ---------------------------------------------------------------------------------------
    def apply_sessions(
        self,
        provider: str,
        sessions: Iterable[Session],
        *,
        changed_ids: frozenset[str] | None = None,
        stale: bool = False,
    ) -> ApplyStats:
        """Bring one provider's rows to `sessions`, touching only what differs.

        `changed_ids` (the poller's `Snapshot.changed`) spares comparing every session; without it
        sessions are compared one by one. The new order is worked out once for all the snapshots
        that arrive together (`_flush_order`, scheduled), and only around the rows that moved.
        """
        stats = ApplyStats()
        new = {s.key: s for s in sessions}
        old_keys = self._by_provider.get(provider, set())
        new_keys = set(new)
        added = new_keys - old_keys
        removed = old_keys - new_keys
        if changed_ids is not None:
            candidates: Iterable[SessionKey] = ((provider, i) for i in changed_ids)
        else:
            candidates = new_keys & old_keys
        changed: list[SessionKey] = []
        for key in candidates:
            if key in added or key not in new or key not in self._sessions:
                continue
            if self._sessions[key] != new[key]:
                changed.append(key)
        was_stale = provider in self._stale_providers
        if stale != was_stale:
            if stale:
                self._stale_providers.add(provider)
            else:
                self._stale_providers.discard(provider)
            for key in old_keys & new_keys:
                self._strips.pop(key, None)
        sorter = COLUMN_BY_KEY[self.sort_key].sort
        moved: list[SessionKey] = []
        active = self._active.get(provider, 0)
        for key in changed:
            before = self._sessions[key]
            after = new[key]
            active += after.active - before.active
            old_sort = self._sortkeys.pop(key, None)
            if self._visible(before) != self._visible(after, fresh=True) or (
                key in self._index and (old_sort if old_sort is not None else sorter(before)) != sorter(after)
            ):
                moved.append(key)
            self._sessions[key] = after
            self._forget(key)
        for key in removed:
            gone_session = self._sessions.pop(key, None)
            active -= bool(gone_session and gone_session.active)
            self._forget(key)
        for key in added:
            self._sessions[key] = new[key]
            active += new[key].active
        self._active[provider] = active
        self._by_provider[provider] = new_keys
        stats.added, stats.changed, stats.removed = len(added), len(changed), len(removed)
        gone = [k for k in removed if k in self._index]
        if added or gone or moved:
            stats.reordered = True
            self._mark(remove=gone, insert=[*added, *moved])
        if not self._flush_scheduled:  # a pending new order repaints everything anyway
            for key in changed:
                row = self._index.get(key)
                if row is not None:
                    self._refresh_row(row)
        if stale != was_stale:
            self.refresh()
        if self._cursor_key in changed:
            self.post_message(self.Highlighted(self, self._cursor_key, updated=True))
        return stats

    def remove_provider(self, provider: str) -> None:
        keys = self._by_provider.pop(provider, set())
        self._active.pop(provider, None)
        for key in keys:
            self._sessions.pop(key, None)
            self._forget(key)
        self._mark(remove=keys)

    def set_filter(self, text: str) -> None:
        if text != self.filter_text:
            self.filter_text = text
            self._reorder()

    def set_provider_filter(self, provider: str | None) -> None:
        if provider != self.provider_filter:
            self.provider_filter = provider
            self._reorder()

    def set_show_all(self, show_all: bool) -> None:
        if show_all != self.show_all:
            self.show_all = show_all
            self._reorder()

    def set_sort(self, column: str) -> None:
        if column not in COLUMN_BY_KEY:
            raise ValueError(f"no column {column!r}")
        self.sort_key = column
        self._sortkeys.clear()
        self._reorder()

    def cycle_sort(self) -> str:
        """The next column in display order; returns its label."""
        position = SORTS.index(self.sort_key)
        self.set_sort(SORTS[(position + 1) % len(SORTS)])
        return COLUMN_BY_KEY[self.sort_key].label

    def tick(self) -> None:
        """Once a second: repaint only the visible rows that show a countdown."""
        self._flush_order()
        if not self._order or not self.size.height:
            return
        top = int(self.scroll_offset.y)
        for row in range(top, min(top + self.size.height, len(self._order))):
            session = self._sessions[self._order[row]]
            if session.expires_at and session.active:
                self._refresh_row(row)

    def invalidate_styles(self) -> None:
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # ---- the order -------------------------------------------------------------------------------------
    def _visible(self, session: Session, fresh: bool = False) -> bool:
        if self.provider_filter is not None and session.provider != self.provider_filter:
            return False
        if not self.show_all and not session.active:
            return False
        if self.filter_text:
            if fresh:
                haystack = self._haystack(self._format(session))
            else:
                haystack = self._search.get(session.key) or self._haystack(self._cells_of(session.key))
            return self.filter_text.casefold() in haystack
        return True

    def _sort_of(self, key: SessionKey) -> Any:
        value = self._sortkeys.get(key)
        if value is None:
            value = self._sortkeys[key] = COLUMN_BY_KEY[self.sort_key].sort(self._sessions[key])
        return value

    def _reorder(self) -> None:
        """Filter, sort or view changed: a whole new order, now."""
        self._full = True
        self._flush_order()

    def _mark(self, *, remove: Iterable[SessionKey] = (), insert: Iterable[SessionKey] = ()) -> None:
        """Rows came, went or moved: fix the order once, after every snapshot of this turn."""
        self._pending_remove.update(remove)
        self._pending_insert.update(insert)
        if not self._flush_scheduled and self.is_attached:
            self._flush_scheduled = True
            self.call_next(self._flush_order)

    def _flush_order(self) -> None:
        self._flush_scheduled = False
        if not (self._full or self._pending_remove or self._pending_insert):
            return
        previous_key = self._cursor_key
        previous_row = self._cursor
        previous_order = self._order
        by_user = self._full  # a filter, sort or view the user chose: the cursor leaving is no news
        top = int(self.scroll_offset.y)
        body = max(1, self.scrollable_content_region.height - 1)
        cursor_shown = top <= previous_row < top + body
        anchor = previous_order[top] if 0 < top < len(previous_order) else None
        remove, insert = self._pending_remove, self._pending_insert
        self._pending_remove, self._pending_insert = set(), set()
        if self._full or len(remove) + len(insert) > max(64, len(self._order) // 8):
            order = [key for key, s in self._sessions.items() if self._visible(s)]
            order.sort(key=self._sort_of)
        else:
            # Few rows moved: drop them and put each back where it sorts (bisect), no full sort.
            drop = remove | insert
            order = [key for key in self._order if key not in drop] if drop else self._order
            for key in insert:
                session = self._sessions.get(key)
                if session is not None and self._visible(session):
                    bisect.insort(order, key, key=self._sort_of)
        self._full = False
        self._order = order
        self._index = {key: row for row, key in enumerate(order)}
        self.virtual_size = Size(self._row_width, len(order) + 1)
        gone: tuple[SessionKey, str] | None = None
        if not order:
            self._cursor = 0
            self._cursor_key = None
        elif self.settling or previous_key is None:
            self._cursor = 0
            self._cursor_key = order[0]
        elif previous_key in self._index:
            self._cursor = self._index[previous_key]
        else:
            self._cursor = self._neighbour(previous_order, previous_row)
            self._cursor_key = order[self._cursor]
            if not by_user:
                gone = (previous_key, self._why_gone(previous_key))
        if not by_user and anchor is not None and anchor in self._index:
            # Rows that came or went above the screen do not shift what is on it.
            self.scroll_to(y=self._index[anchor], animate=False, immediate=True)
        if cursor_shown:
            self._scroll_to_row(self._cursor)
        self.refresh()
        self.post_message(self.OrderChanged())
        if self._cursor_key != previous_key:
            self.post_message(self.Highlighted(self, self._cursor_key, gone=gone))

    def _neighbour(self, previous_order: list[SessionKey], row: int) -> int:
        """The row, in the new order, of the nearest session that followed (else preceded) the
        cursor's one in the previous order and is still in view."""
        index = self._index
        for key in previous_order[row + 1 :]:
            if key in index:
                return index[key]
        for key in reversed(previous_order[:row]):
            if key in index:
                return index[key]
        return 0

    def _why_gone(self, key: SessionKey) -> str:
        session = self._sessions.get(key)
        if session is None:
            return "unlisted"
        if not session.active and not self.show_all:
            return "ended"
        return "hidden"

    def _forget(self, key: SessionKey) -> None:
        self._sortkeys.pop(key, None)
        self._cells.pop(key, None)
        self._search.pop(key, None)
        self._strips.pop(key, None)

    @staticmethod
    def _format(session: Session) -> tuple[str, ...]:
        return tuple(column.cell(session) for column in COLUMNS)

    @staticmethod
    def _haystack(cells: tuple[str, ...]) -> str:
        return "\x00".join(cells).casefold()

    def _cells_of(self, key: SessionKey) -> tuple[str, ...]:
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells[key] = self._format(self._sessions[key])
            self._search[key] = self._haystack(cells)
        return cells

    # ---- the cursor -------------------------------------------------------------------------------------
    def move_cursor_to(self, row: int) -> None:
        self._flush_order()
        if not self._order:
            return
        row = max(0, min(row, len(self._order) - 1))
        self.settling = False
        old = self._cursor
        self._cursor = row
        key = self._order[row]
        changed = key != self._cursor_key
        self._cursor_key = key
        self._refresh_row(old)
        self._refresh_row(row)
        self._scroll_to_row(row)
        if changed:
            self.post_message(self.Highlighted(self, key))

    def settle(self) -> None:
        """Every provider has been listed once: the order is settled with the cursor on the first
        row, and from now on the cursor keeps to its session (`settling`)."""
        self._flush_order()
        self.settling = False

    def select_key(self, key: SessionKey) -> bool:
        self._flush_order()
        row = self._index.get(key)
        if row is None:
            return False
        self.move_cursor_to(row)
        return True

    def scroll_to_cursor(self) -> None:
        if self._order:
            self._scroll_to_row(self._cursor)

    def on_resize(self) -> None:
        """A pane opening below the table must not hide the selected row."""
        self.call_after_refresh(self.scroll_to_cursor)

    def _scroll_to_row(self, row: int) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + body:
            self.scroll_to(y=row - body + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor_to(self._cursor - 1)

    def action_cursor_down(self) -> None:
        if self._order and self.cursor_row >= len(self._order) - 1:
            self.post_message(self.EndReached())
        self.move_cursor_to(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor_to(self._cursor - max(1, self.scrollable_content_region.height - 2))

    def action_page_down(self) -> None:
        if self._order and self.cursor_row >= len(self._order) - 1:
            self.post_message(self.EndReached())
        self.move_cursor_to(self._cursor + max(1, self.scrollable_content_region.height - 2))

    def action_first(self) -> None:
        self.move_cursor_to(0)

    def action_last(self) -> None:
        self.move_cursor_to(len(self._order) - 1)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_cursor_to(int(self.scroll_offset.y) + event.y - 1)

    # ---- painting ---------------------------------------------------------------------------------------
    def _refresh_row(self, row: int) -> None:
        """Repaint one row, only if it is on screen: off-screen rows paint when scrolled to."""
        top = int(self.scroll_offset.y)
        if top <= row < top + self.size.height:
            self.refresh_line(row + 1)

    def _row_strip(self, key: SessionKey) -> Strip:
        """The row without its countdown, cached until the session or the styles change."""
        strip = self._strips.get(key)
        if strip is None:
            session = self._sessions[key]
            if not session.active:
                style = self.get_component_rich_style("session-table--ended")
            elif session.stale or session.provider in self._stale_providers:
                style = self.get_component_rich_style("session-table--stale")
            else:
                style = Style()
            gap = " " * GAP
            text = gap.join(_fit(cell, column.width) for cell, column in zip(self._cells_of(key), COLUMNS))
            strip = Strip([Segment(" " + text + gap, style)])
            self._strips[key] = strip
        return strip

    def _countdown_segment(self, session: Session) -> Segment:
        text = countdown(session.expires_at, self.now(), session.active)
        style = Style()
        if text == "expired" or (text and ":" in text and text < "05:00"):
            style = self.get_component_rich_style("session-table--expiring")
        elif not session.active:
            style = self.get_component_rich_style("session-table--ended")
        return Segment(_fit(text, _COUNTDOWN_WIDTH), style)

    def _header_strip(self) -> Strip:
        gap = " " * GAP
        labels = []
        for column in ALL_COLUMNS:
            label = column.label
            if column.key == self.sort_key:
                label += " ▼"
            labels.append(_fit(label, column.width))
        return Strip([Segment(" " + gap.join(labels), self.get_component_rich_style("session-table--header"))])

    def render_line(self, y: int) -> Strip:
        self.paints += 1
        self._flush_order()
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_offset.x)
        base = self.rich_style
        if y == 0:
            strip = self._header_strip()
            return strip.extend_cell_length(scroll_x + width, self.get_component_rich_style("session-table--header")).crop(
                scroll_x, scroll_x + width
            ).apply_style(base)
        row = int(self.scroll_offset.y) + y - 1
        if row >= len(self._order):
            if row == 0 and y == 1:
                message = "no sessions match the filter" if self._sessions else "no sessions yet"
                style = self.get_component_rich_style("session-table--empty")
                return Strip([Segment(_fit("  " + message, width), style)]).apply_style(base)
            return Strip.blank(width, base)
        key = self._order[row]
        session = self._sessions[key]
        strip = Strip.join([self._row_strip(key), Strip([self._countdown_segment(session)])])
        strip = strip.extend_cell_length(scroll_x + width).crop(scroll_x, scroll_x + width)
        if row == self._cursor:
            strip = overlay(strip, self.get_component_rich_style("session-table--cursor"))
        return strip.apply_style(base)
