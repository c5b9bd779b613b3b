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
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sessionboard.model import DisplayField, Session, SessionKey
from sessionboard.ui.clock import Now, system_now
from sessionboard.ui.widgets.sessions.columns import (
    ALL_COLUMNS,
    COLUMN_BY_KEY,
    EXPIRES,
    GAP,
    ID,
    Column,
    ColumnLayout,
    countdown,
    display_order,
    field_column,
    fit_columns,
    search_text,
)

_UNSIZED = 10_000
"""The width a table lays out for before it has a size of its own: every chosen column."""


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


class _Descending:
    """A sort key read backwards: `bisect` keeps a reversed order with it (it only asks `<`)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.value < self.value)


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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        # Keys people bring from vim, less and k9s. They give way to the console's own keys: a
        # `[keys]` entry (`close = "ctrl+d"`) or a default that names one of them wins (`action_borrowed`).
        Binding("j", "borrowed('j', 'cursor_down')", "Down", show=False),
        Binding("k", "borrowed('k', 'cursor_up')", "Up", show=False),
        Binding("g", "borrowed('g', 'first')", "First", show=False),
        Binding("G", "borrowed('G', 'last')", "Last", show=False),
        Binding("ctrl+d", "borrowed('ctrl+d', 'half_page_down')", "Half a page down", show=False),
        Binding("ctrl+u", "borrowed('ctrl+u', 'half_page_up')", "Half a page up", show=False),
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

    class Opened(Message):
        """A row was double-clicked: the screen opens its detail, as `enter` does."""

        def __init__(self, table: SessionTable, key: SessionKey) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> SessionTable:
            return self.table

    class Sorted(Message):
        """The sort changed from inside the table (a header clicked): the screen says so."""

        def __init__(self, table: SessionTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> SessionTable:
            return self.table

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
        self.sort_reverse = False
        """The sort column's order turned around (`I`, or its header clicked again)."""
        self._sortkeys: dict[SessionKey, Any] = {}
        self._offered: dict[str, Column] = {ID.key: ID}
        """The optional columns this table can show: the id, and the adapters' display fields."""
        self.chosen_columns: set[str] = set()
        """The optional columns shown (by key); the board keeps the choice in the state file."""
        self._layout = ColumnLayout()
        self._cell_columns: tuple[Column, ...] = ()
        """The columns shown whose cells are cached (all but the countdown), in display order."""
        self._widths: tuple[int, ...] = ()
        self._show_expires = True
        self._active: dict[str, int] = {}
        """Active sessions per provider, kept up to date by `apply_sessions` (no pass over all)."""
        self._pending_remove: set[SessionKey] = set()
        self._pending_insert: set[SessionKey] = set()
        self._full = False
        self._flush_scheduled = False
        self._row_width = 0
        self.paints = 0
        """Lines rendered so far: tests assert a poll repaints rows, benchmarks wait on it."""
        self._relayout(_UNSIZED)

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
        """The cells of a visible row, each whole, as the shown columns have them (tests read it)."""
        self._flush_order()
        key = self._order[row]
        cells = list(self._cells_of(key))
        session = self._sessions[key]
        if self._show_expires:
            cells.append(countdown(session.expires_at, self.now(), session.active))
        return "  ".join(cells)

    # ---- columns ---------------------------------------------------------------------------------------
    @property
    def columns_shown(self) -> ColumnLayout:
        """The columns on screen now, with their widths."""
        return self._layout

    def column(self, key: str) -> Column:
        """A column this table has, shown or not; KeyError for another key."""
        return self._offered.get(key) or COLUMN_BY_KEY[key]

    @property
    def optional_columns(self) -> list[Column]:
        """The columns that can be chosen (`toggle_column`), in display order."""
        return display_order(self._offered.values())

    def offer_fields(self, fields: Iterable[DisplayField]) -> None:
        """The adapters' display fields become optional columns (one per key, the first label
        kept); a choice made before they were known (a column restored) shows once offered."""
        for spec in fields:
            column = field_column(spec)
            self._offered.setdefault(column.key, column)
        self._relayout()

    def toggle_column(self, key: str) -> bool:
        """Show an optional column, or hide it again; returns whether it is chosen now."""
        if key not in self._offered:
            raise ValueError(f"no optional column {key!r}")
        if key in self.chosen_columns:
            self.chosen_columns.discard(key)
        else:
            self.chosen_columns.add(key)
        self._relayout()
        return key in self.chosen_columns

    def _relayout(self, width: int | None = None) -> None:
        """Work out the columns the width holds (on a resize, a sort, a column chosen); cached
        strips are dropped, cached cells only when other columns are shown."""
        if width is None:
            width = self.scrollable_content_region.width if self.is_mounted else 0
            width = width or _UNSIZED
        columns = [*ALL_COLUMNS, *(self._offered[k] for k in self.chosen_columns if k in self._offered)]
        layout = fit_columns(columns, width, self.sort_key)
        if layout == self._layout:
            return
        self._layout = layout
        cell_columns = tuple(c for c in layout.columns if c is not EXPIRES)
        if cell_columns != self._cell_columns:
            self._cell_columns = cell_columns
            self._cells.clear()
        self._widths = layout.widths
        self._show_expires = layout.shows(EXPIRES.key)
        self._strips.clear()
        self._row_width = layout.row_width
        if self.is_mounted:
            self.virtual_size = Size(self._row_width, len(self._order) + 1)
            self.refresh()

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
        sorter = self.column(self.sort_key).sort
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

    def set_sort(self, column: str, reverse: bool = False) -> None:
        """Sort by `column` in its natural order (`reverse`: the other way round)."""
        if column not in COLUMN_BY_KEY and column not in self._offered:
            raise ValueError(f"no column {column!r}")
        if column == self.sort_key and reverse == self.sort_reverse:
            return
        if column != self.sort_key:
            self._sortkeys.clear()
        self.sort_key = column
        self.sort_reverse = reverse
        self._relayout()  # the arrow needs its room
        self._reorder()

    def reverse_sort(self) -> None:
        """The same column, the other way round."""
        self.set_sort(self.sort_key, not self.sort_reverse)

    def cycle_sort(self) -> str:
        """The next column on screen, in display order, in its natural order; returns its label."""
        shown = [c.key for c in self._layout.columns] or [c.key for c in ALL_COLUMNS]
        position = shown.index(self.sort_key) if self.sort_key in shown else -1
        self.set_sort(shown[(position + 1) % len(shown)])
        return self.column(self.sort_key).label

    @property
    def sort_label(self) -> str:
        """The sort as the title says it: `started ▼`."""
        column = self.column(self.sort_key)
        return f"{column.label} {column.arrow(self.sort_reverse)}"

    @property
    def sort_words(self) -> str:
        """The sort as a notice says it: `started, newest first`."""
        column = self.column(self.sort_key)
        return f"{column.label}, {column.order_words(self.sort_reverse)}"

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
            haystack = None if fresh else self._search.get(session.key)
            if haystack is None:
                haystack = search_text(session)
                if not fresh:
                    self._search[session.key] = haystack
            return self.filter_text.casefold() in haystack
        return True

    def _sort_of(self, key: SessionKey) -> Any:
        value = self._sortkeys.get(key)
        if value is None:
            value = self._sortkeys[key] = self.column(self.sort_key).sort(self._sessions[key])
        return value

    def _sorted(self, keys: list[SessionKey]) -> list[SessionKey]:
        keys.sort(key=self._sort_of, reverse=self.sort_reverse)  # sort keys are unique: exactly reversed
        return keys

    def _insort(self, order: list[SessionKey], key: SessionKey) -> None:
        """`key` where it sorts in `order` (kept in the table's direction)."""
        if self.sort_reverse:
            bisect.insort(order, key, key=lambda k: _Descending(self._sort_of(k)))
        else:
            bisect.insort(order, key, key=self._sort_of)

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
            order = self._sorted([key for key, s in self._sessions.items() if self._visible(s)])
        else:
            # Few rows moved: drop them and put each back where it sorts (bisect), no full sort.
            drop = remove | insert
            order = [key for key in self._order if key not in drop] if drop else self._order
            for key in insert:
                session = self._sessions.get(key)
                if session is not None and self._visible(session):
                    self._insort(order, key)
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

    def _format(self, session: Session) -> tuple[str, ...]:
        return tuple(column.cell(session) for column in self._cell_columns)

    def _cells_of(self, key: SessionKey) -> tuple[str, ...]:
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells[key] = self._format(self._sessions[key])
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
        """The columns the new width holds; and a pane opening below the table must not hide the
        selected row."""
        self._relayout()
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

    def action_half_page_down(self) -> None:
        if self._order and self.cursor_row >= len(self._order) - 1:
            self.post_message(self.EndReached())
        self.move_cursor_to(self._cursor + max(1, (self.scrollable_content_region.height - 1) // 2))

    def action_half_page_up(self) -> None:
        self.move_cursor_to(self._cursor - max(1, (self.scrollable_content_region.height - 1) // 2))

    async def action_borrowed(self, key: str, action: str) -> None:
        """A key borrowed from another tool (`j`, `G`, `ctrl+d`...), unless the console binds it."""
        if key in self.console_keys():
            raise SkipAction()  # the screen's binding of that key runs instead
        await self.run_action(action)

    def console_keys(self) -> frozenset[str]:
        """The keys the console's own actions are bound to now (defaults and `[keys]`)."""
        keys = getattr(self.app, "keys", None)
        return frozenset(keys.values()) if isinstance(keys, dict) else frozenset()

    def on_click(self, event: events.Click) -> None:
        """A row: the cursor goes to it (a double click opens it). The header: sort by that
        column (clicked again: the other way round)."""
        if event.y == 0:
            column = self.column_at(int(self.scroll_offset.x) + event.x)
            if column is None:
                return
            if column.key == self.sort_key:
                self.reverse_sort()
            else:
                self.set_sort(column.key)
            self.post_message(self.Sorted(self))
            return
        row = int(self.scroll_offset.y) + event.y - 1
        if row >= len(self._order):
            return
        self.move_cursor_to(row)
        if event.chain >= 2 and self._cursor_key is not None:
            self.post_message(self.Opened(self, self._cursor_key))

    def column_at(self, x: int) -> Column | None:
        """The column shown at `x` (in the table's own cells, scrolled), or None between them."""
        left = 1
        for column, width in zip(self._layout.columns, self._widths):
            if left <= x < left + width:
                return column
            left += width + GAP
        return None

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
            text = gap.join(_fit(cell, width) for cell, width in zip(self._cells_of(key), self._widths))
            strip = Strip([Segment(" " + text + gap if self._show_expires else " " + text, style)])
            self._strips[key] = strip
        return strip

    def _countdown_segment(self, session: Session) -> Segment:
        text = countdown(session.expires_at, self.now(), session.active)
        style = Style()
        if text == "expired" or (text and ":" in text and text < "05:00"):
            style = self.get_component_rich_style("session-table--expiring")
        elif not session.active:
            style = self.get_component_rich_style("session-table--ended")
        return Segment(_fit(text, self._widths[-1]), style)

    def _header_strip(self) -> Strip:
        """Every label whole: `fit_columns` gave each column its header's width (and the sorted
        one its arrow's too)."""
        gap = " " * GAP
        labels = [
            _fit(column.header(column.key == self.sort_key, self.sort_reverse), width)
            for column, width in zip(self._layout.columns, self._widths)
        ]
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
        strip = self._row_strip(key)
        if self._show_expires:
            strip = Strip.join([strip, Strip([self._countdown_segment(session)])])
        strip = strip.extend_cell_length(scroll_x + width).crop(scroll_x, scroll_x + width)
        if row == self._cursor:
            strip = overlay(strip, self.get_component_rich_style("session-table--cursor"))
        return strip.apply_style(base)
