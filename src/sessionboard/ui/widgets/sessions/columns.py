"""The table's columns: how a session's value becomes the text of a cell, and how it sorts.

Cells are formatted once per session version (the table caches them); only the expiry countdown
depends on the clock, so it is the one cell computed at paint time.

A provider's strings reach a cell through `safe_text`, bounded (`CELL_LIMIT`): the table paints
segments, so markup is not read, but control bytes would reach the terminal, and a 50 MB name
would cost every measure and every filter. The filter searches the cells, so it is bounded too.
Times never raise: an unparseable one shows `?`, one at the ends of the calendar shows in its own
offset when local time cannot hold it, and a countdown clamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from sessionboard.model import Session, parse_instant, safe_text
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


@lru_cache(maxsize=65536)
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


@lru_cache(maxsize=65536)
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
    cell: Callable[[Session], str]
    sort: Callable[[Session], Any]


def _provider_order(s: Session) -> Any:
    # CONFIG.md's `list` order: provider, started newest first (null last), id.
    return (s.provider, _desc_time(s.started_at), s.id)


COLUMNS: tuple[Column, ...] = (
    Column("provider", "provider", 10, lambda s: s.provider, _provider_order),
    Column("name", "name", 18, lambda s: cell_text(s.name), lambda s: (_text(s.name), s.provider, s.id)),
    Column("status", "status", 7, status_text, lambda s: (status_text(s), s.provider, s.id)),
    Column("target", "target", 16, lambda s: cell_text(s.target), lambda s: (_text(s.target), s.provider, s.id)),
    Column("user", "user", 14, lambda s: cell_text(s.user), lambda s: (_text(s.user), s.provider, s.id)),
    Column("started", "started", 11, lambda s: short_time(s.started_at),
           lambda s: (_desc_time(s.started_at), s.provider, s.id)),
    Column("last_activity", "last activity", 13, lambda s: short_time(s.last_activity),
           lambda s: (_desc_time(s.last_activity), s.provider, s.id)),
)
EXPIRES = Column(
    "expires", "expires", 7, lambda s: "",
    lambda s: ((0, instant(s.expires_at)) if instant(s.expires_at) is not None and s.active else (1, 0.0),
               s.provider, s.id),
)
"""The countdown: formatted at paint time from the clock, never cached."""
ALL_COLUMNS: tuple[Column, ...] = (*COLUMNS, EXPIRES)
SORTS: tuple[str, ...] = tuple(c.key for c in ALL_COLUMNS)
COLUMN_BY_KEY = {c.key: c for c in ALL_COLUMNS}
GAP = 2
