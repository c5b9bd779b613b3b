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


@lru_cache(maxsize=4096)
def iso(moment: datetime, millis: bool = False) -> str:
    """RFC 3339 in UTC with a `Z`, the form the API references show.

    Cached, but small: a live demo makes new instants all the time (heartbeats, activity, new
    sessions), and a cache big enough for a 10,000-session list kept growing for hours. The
    instants a list formats at every poll are remembered by their session instead (`iso_of`)."""
    moment = moment.astimezone(UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_of(owner: object, moment: datetime) -> str:
    """`iso(moment)`, remembered on `owner` (a simulated session) for as long as it lives: a list
    of thousands of sessions formats the same instants at every poll, and strftime was most of a
    list's cost. A few texts per session; a field that keeps changing (a heartbeat) starts over."""
    memo: dict[datetime, str] = owner.__dict__.setdefault("_iso_texts", {})
    text = memo.get(moment)
    if text is None:
        if len(memo) >= 4:
            memo.clear()
        text = memo[moment] = iso(moment)
    return text


def parse_iso(text: str) -> datetime:
    """Raises ValueError on anything that is not an ISO 8601 instant; naive input is taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("z", "Z"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
