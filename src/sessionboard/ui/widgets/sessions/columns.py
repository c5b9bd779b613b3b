"""The table's columns: how a session's value becomes the text of a cell, how it sorts, and which
columns a width holds.

Cells are formatted once per session version (the table caches them); only the expiry countdown
depends on the clock, so it is the one cell computed at paint time.

Widths: each column has a priority, a least and a preferred width (`fit_columns`). The most useful
columns are placed first at their least width, each whole (its header never cut, the sort arrow
included) or not at all, and what is left widens them in the same order: at 80 columns the
provider, name, status, target, user, started and expires columns show, at 200 every one.

Ids and other UUID-heavy values show their first 8 characters (`short_id`); the detail pane and the
filter (`search_text`) have them whole.

A provider's strings reach a cell through `safe_text`, bounded (`CELL_LIMIT`): the table paints
segments, so markup is not read, but control bytes would reach the terminal, and a 50 MB name
would cost every measure and every filter. The filter searches the cells, so it is bounded too.
Times never raise: an unparseable one shows `?`, one at the ends of the calendar shows in its own
offset when local time cannot hold it, and a countdown clamps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from sessionboard.model import DisplayField, Session, parse_instant, safe_text
from sessionboard.model.session import MAX_INSTANT_LENGTH

_LAST = float("inf")
CELL_LIMIT = 256
"""Characters of a provider string kept in a cell (the widest column shows 18) and its filter text."""
SORT_LIMIT = 256
"""Characters of a provider string a text column sorts by."""


def short_time(value: str | None) -> str:
    """`MM-DD HH:MM` in local time: enough to tell sessions apart, short enough for 80 columns;
    `?` for a value that is not a time."""
    if not value:
        return ""
    if not isinstance(value, str) or len(value) > MAX_INSTANT_LENGTH:
        return "?"
    return _short_time(value)


@lru_cache(maxsize=1024)  # small: the table caches cells per session; this only spares a re-format
def _short_time(value: str) -> str:
    moment = parse_instant(value)
    if moment is None:
        return "?"
    try:
        moment = moment.astimezone()
    except (OverflowError, ValueError, OSError):
        pass  # year 1 west of UTC has no local time: the provider's own wall time is shown
    return moment.strftime("%m-%d %H:%M")


def instant(value: str | None) -> float | None:
    """Seconds since the epoch, or None; every parsed moment has one (`timestamp` cannot overflow)."""
    if not value or not isinstance(value, str) or len(value) > MAX_INSTANT_LENGTH:
        return None
    return _instant(value)


@lru_cache(maxsize=1024)  # small: sort keys are cached per row; countdowns need the visible rows only
def _instant(value: str) -> float | None:
    moment = parse_instant(value)
    return moment.timestamp() if moment else None


def countdown(expires_at: str | None, now: float, active: bool = True) -> str:
    """A lease's time left: `12:03`, `1h02m`, `12d` (from 100 hours), or `expired`; blank when
    there is no lease. Clamped at `>999d`: a provider may set a lease that ends in year 9999."""
    end = instant(expires_at)
    if end is None or not active:
        return ""
    left = int(end - now)
    if left < 0:
        return "expired"
    if left >= 1000 * 86400:
        return ">999d"
    if left >= 100 * 3600:
        return f"{left // 86400}d"
    if left >= 3600:
        return f"{left // 3600}h{(left % 3600) // 60:02d}m"
    return f"{left // 60:02d}:{left % 60:02d}"


def cell_text(value: str | None) -> str:
    """A provider's string as its cell shows it: one line, control bytes escaped, bounded.

    Most values are short and printable (`str.isprintable` is false for every character
    `safe_text` escapes): those are taken as they are, at C speed, 10,000 rows at a time."""
    if not value:
        return ""
    if isinstance(value, str) and len(value) <= CELL_LIMIT and value.isprintable():
        return value
    return safe_text(value, limit=CELL_LIMIT)


def short_id(value: str | None) -> str:
    """A UUID (`3f2b8c1e-0d4a-…`) or a long hex token as its first `SHORT_ID` characters, which tell
    rows apart; any other value as its cell shows it (`sess_554123`, `mch_1730` stay whole)."""
    if not value:
        return ""
    if isinstance(value, str) and len(value) >= 16 and _UUIDISH.fullmatch(value) is not None:
        return value[:SHORT_ID]
    return cell_text(value)


SHORT_ID = 8
_UUIDISH = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}")


def status_text(session: Session) -> str:
    if session.status != "active":
        return "ended"
    return "stale" if session.stale else "active"


def _desc_time(value: str | None) -> tuple[int, float]:
    """Newest first, unknown last."""
    ts = instant(value)
    return (1, 0.0) if ts is None else (0, -ts)


def _text(value: str | None) -> tuple[int, str]:
    """Alphabetical, case-insensitive, empty last; by the first `SORT_LIMIT` characters."""
    return (1, "") if not value else (0, str(value)[:SORT_LIMIT].casefold())


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int
    """The preferred width: the column gets it when the table has room."""
    cell: Callable[[Session], str]
    sort: Callable[[Session], Any]
    priority: int = 50
    """Lower is more useful: placed first, dropped last when the table is narrow."""
    least: int = 0
    """The narrowest the column is shown (never under its header); 0: the header's width."""
    most: int = 0
    """The widest it grows when every column shown has its preferred width; 0: `width`."""
    descending: bool = False
    """Its natural order runs from high to low (times: newest first); the arrow says so (`▼`)."""
    optional: bool = False
    """Shown only when chosen (the id, an adapter's field): `C` or the palette."""
    help: str = ""

    def need(self, sorted_by: bool) -> int:
        """The least width that shows the whole header: with the sort arrow when sorted by it."""
        return max(self.least, len(self.label) + (len(ARROW_UP) + 1 if sorted_by else 0))

    def arrow(self, reverse: bool) -> str:
        return ARROW_DOWN if self.descending != reverse else ARROW_UP

    def header(self, sorted_by: bool, reverse: bool) -> str:
        return f"{self.label} {self.arrow(reverse)}" if sorted_by else self.label

    def order_words(self, reverse: bool) -> str:
        """The order in words, for the sort notice: `newest first`, `A to Z`."""
        words = self.order_names
        return words[1] if reverse else words[0]

    @property
    def order_names(self) -> tuple[str, str]:
        if self.key in ("started", "last_activity"):
            return ("newest first", "oldest first")
        if self.key == "expires":
            return ("soonest first", "latest first")
        return ("A to Z", "Z to A")


ARROW_UP = "▲"
ARROW_DOWN = "▼"


def _provider_order(s: Session) -> Any:
    # CONFIG.md's `list` order: provider, started newest first (null last), id.
    return (s.provider, _desc_time(s.started_at), s.id)


COLUMNS: tuple[Column, ...] = (
    Column("provider", "provider", 10, lambda s: s.provider, _provider_order, priority=10, least=8, most=14),
    Column("name", "name", 18, lambda s: short_id(s.name), lambda s: (_text(s.name), s.provider, s.id),
           priority=20, least=10, most=32),
    Column("status", "status", 7, status_text, lambda s: (status_text(s), s.provider, s.id), priority=30, least=6),
    Column("target", "target", 16, lambda s: short_id(s.target), lambda s: (_text(s.target), s.provider, s.id),
           priority=60, least=8, most=24),
    Column("user", "user", 14, lambda s: short_id(s.user), lambda s: (_text(s.user), s.provider, s.id),
           priority=70, least=8, most=20),
    Column("started", "started", 11, lambda s: short_time(s.started_at),
           lambda s: (_desc_time(s.started_at), s.provider, s.id), priority=50, least=11, descending=True),
    Column("last_activity", "last activity", 13, lambda s: short_time(s.last_activity),
           lambda s: (_desc_time(s.last_activity), s.provider, s.id), priority=80, least=13, descending=True),
)
"""The columns shown by default whose cells are cached, in display order (the countdown is apart)."""
EXPIRES = Column(
    "expires", "expires", 7, lambda s: "",
    lambda s: ((0, instant(s.expires_at)) if instant(s.expires_at) is not None and s.active else (1, 0.0),
               s.provider, s.id),
    priority=40, least=7,
)
"""The countdown: formatted at paint time from the clock, never cached; always the last column."""
ID = Column(
    "id", "id", 12, lambda s: short_id(s.id), lambda s: (_text(s.id), s.provider), priority=25, least=12, most=24,
    optional=True, help="the provider's own session id (a UUID shows its first 8 characters; the detail pane has it whole)",
)
ALL_COLUMNS: tuple[Column, ...] = (*COLUMNS, EXPIRES)
"""The default columns, in display order."""
SORTS: tuple[str, ...] = tuple(c.key for c in ALL_COLUMNS)
COLUMN_BY_KEY = {c.key: c for c in (*ALL_COLUMNS, ID)}
"""The columns every table has (an adapter's field columns are the table's own: `field_column`)."""
GAP = 2
FIELD_PREFIX = "field."


def field_column(spec: DisplayField) -> Column:
    """The optional column of an adapter's display field; its cells read `Session.display`."""
    key = spec.key

    def cell(s: Session) -> str:
        return cell_text(s.display.get(key))

    def sort(s: Session) -> Any:
        return (_text(s.display.get(key)), s.provider, s.id)

    return Column(FIELD_PREFIX + key, spec.label, max(spec.width, len(spec.label)), cell, sort,
                  priority=65, least=max(4, len(spec.label)), optional=True, help=spec.help)


def display_order(columns: Iterable[Column]) -> list[Column]:
    """The default columns in their order, the id after the provider, an adapter's fields after
    the user, and the countdown last."""
    rank = {"provider": 0, "id": 1, "name": 2, "status": 3, "target": 4, "user": 5,
            "started": 7, "last_activity": 8, "expires": 9}
    return sorted(columns, key=lambda c: rank.get(c.key, 6))


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """The columns one width shows, in display order, each with its width."""

    columns: tuple[Column, ...] = ()
    widths: tuple[int, ...] = ()
    dropped: tuple[Column, ...] = field(default=())
    """The columns chosen but with no room, most useful first."""

    @property
    def row_width(self) -> int:
        """The leading space, the cells and the gaps between them."""
        return 1 + sum(self.widths) + GAP * max(0, len(self.widths) - 1)

    def shows(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)


def fit_columns(columns: Sequence[Column], width: int, sort_key: str | None = None) -> ColumnLayout:
    """The columns `width` holds: by priority each at its least width (the sorted one with room
    for its arrow), stopping at the first that does not fit, so that a less useful column never
    takes the place of a more useful one; then what is left widens them, most useful first, to
    their preferred and then to their widest."""
    by_priority = sorted(columns, key=lambda c: c.priority)
    room = width - 1 + GAP  # the leading space; each column below takes its gap, the last one none
    chosen: dict[str, int] = {}
    dropped: list[Column] = []
    for column in by_priority:
        need = column.need(column.key == sort_key) + GAP
        if dropped or need > room:
            dropped.append(column)
            continue
        chosen[column.key] = column.need(column.key == sort_key)
        room -= need
    for target in ("width", "most"):
        for column in by_priority:
            if room <= 0:
                break
            if column.key not in chosen:
                continue
            goal = column.width if target == "width" else (column.most or column.width)
            extra = min(room, max(0, goal - chosen[column.key]))
            chosen[column.key] += extra
            room -= extra
    shown = [c for c in display_order(columns) if c.key in chosen]
    return ColumnLayout(tuple(shown), tuple(chosen[c.key] for c in shown), tuple(dropped))


def search_text(session: Session) -> str:
    """What the filter matches a session by: every normalized field, the id included, each whole
    (a UUID is not shortened here) and bounded like a cell, the times both as the provider sent
    them and as the table shows them, and the adapter's display values. Casefolded, one field
    from the next apart by a NUL, so a query never matches across two fields."""
    parts = [
        session.provider, session.kind, cell_text(session.id), cell_text(session.name), status_text(session),
        cell_text(session.target), cell_text(session.user),
    ]
    for value in (session.started_at, session.ended_at, session.last_activity, session.expires_at):
        if value:
            parts.append(cell_text(value))
            parts.append(short_time(value))
    parts.extend(cell_text(value) for value in session.display.values())
    return "\x00".join(parts).casefold()
