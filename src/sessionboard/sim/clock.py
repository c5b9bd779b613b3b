"""Where every simulator timestamp comes from, so a test or a snapshot can freeze time and move it on
by hand (lease expiry, stale heartbeats, growing passings) instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock: what the demo and `sessionboard simulate` use."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to; naive datetimes are taken as UTC."""

    def __init__(self, at: datetime | None = None) -> None:
        at = at or datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
        self._at = at if at.tzinfo else at.replace(tzinfo=UTC)
        self._at = self._at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, seconds: float) -> datetime:
        self._at += timedelta(seconds=seconds)
        return self._at

    def set(self, at: datetime) -> None:
        self._at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


@lru_cache(maxsize=1 << 16)
def iso(moment: datetime, millis: bool = False) -> str:
    """RFC 3339 in UTC with a `Z`, the form the API references show.

    Cached: a list of thousands of sessions formats the same instants at every poll, and strftime
    was most of a list's cost."""
    moment = moment.astimezone(UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Raises ValueError on anything that is not an ISO 8601 instant; naive input is taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("z", "Z"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
