"""The table's columns: how a session's value becomes the text of a cell, and how it sorts.

Cells are formatted once per session version (the table caches them); only the expiry countdown
depends on the clock, so it is the one cell computed at paint time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from sessionboard.model import Session, parse_instant

_LAST = float("inf")


@lru_cache(maxsize=1024)  # small: the table caches cells per session; this only spares a re-format
def short_time(value: str | None) -> str:
    """`MM-DD HH:MM` in local time: enough to tell sessions apart, short enough for 80 columns."""
    moment = parse_instant(value)
    if moment is None:
        return "" if not value else "?"
    return moment.astimezone().strftime("%m-%d %H:%M")


@lru_cache(maxsize=1024)  # small: sort keys are cached per row; countdowns need the visible rows only
def instant(value: str | None) -> float | None:
    moment = parse_instant(value)
    return moment.timestamp() if moment else None


def countdown(expires_at: str | None, now: float, active: bool = True) -> str:
    """A lease's time left: `12:03`, `1h02m`, or `expired`; blank when there is no lease."""
    end = instant(expires_at)
    if end is None or not active:
        return ""
    left = int(end - now)
    if left < 0:
        return "expired"
    if left >= 3600:
        return f"{left // 3600}h{(left % 3600) // 60:02d}m"
    return f"{left // 60:02d}:{left % 60:02d}"


def status_text(session: Session) -> str:
    if session.status != "active":
        return "ended"
    return "stale" if session.stale else "active"


def _desc_time(value: str | None) -> tuple[int, float]:
    """Newest first, unknown last."""
    ts = instant(value)
    return (1, 0.0) if ts is None else (0, -ts)


def _text(value: str | None) -> tuple[int, str]:
    """Alphabetical, case-insensitive, empty last."""
    return (1, "") if not value else (0, value.casefold())


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
    Column("name", "name", 18, lambda s: s.name or "", lambda s: (_text(s.name), s.provider, s.id)),
    Column("status", "status", 7, status_text, lambda s: (status_text(s), s.provider, s.id)),
    Column("target", "target", 16, lambda s: s.target or "", lambda s: (_text(s.target), s.provider, s.id)),
    Column("user", "user", 14, lambda s: s.user or "", lambda s: (_text(s.user), s.provider, s.id)),
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
