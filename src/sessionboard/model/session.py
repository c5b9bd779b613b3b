"""The normalized session of PROVIDERS.md.

Timestamps stay the provider's own RFC 3339 strings: `list --json` must print exactly what the
provider said, and parsing is only needed to sort and to show ages, which `parse_instant` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

Status = Literal["active", "ended"]
SessionKey = tuple[str, str]
"""(provider name, session id): unique across the console, used as the table's row key."""

_NO_DISPLAY: Mapping[str, str] = MappingProxyType({})
"""The one empty `display` every session without display values shares."""

JSON_KEYS = (
    "provider",
    "kind",
    "id",
    "name",
    "status",
    "target",
    "user",
    "started_at",
    "ended_at",
    "last_activity",
    "expires_at",
    "raw",
)


@dataclass(frozen=True, slots=True)
class Session:
    provider: str
    kind: str
    id: str
    name: str | None
    status: Status
    target: str | None = None
    user: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    last_activity: str | None = None
    expires_at: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=True, hash=False)
    stale: bool = False
    """agents only: no heartbeat within `stale_after_seconds`. Not part of the JSON contract."""
    display: Mapping[str, str] = field(default_factory=lambda: _NO_DISPLAY, compare=True, hash=False)
    """The values of the adapter's `display_fields` (`model.display`), by key, as the provider
    sent them: the table offers them as optional columns. Not part of the JSON contract."""

    @property
    def key(self) -> SessionKey:
        return (self.provider, self.id)

    @property
    def active(self) -> bool:
        return self.status == "active"

    def to_json(self) -> dict[str, Any]:
        """The object `list --json` prints: every key of the contract, always, nothing more."""
        return {k: getattr(self, k) for k in JSON_KEYS}


MAX_INSTANT_LENGTH = 64
"""An RFC 3339 timestamp is about 35 characters (more with a long fraction): anything longer is not
one, and is not parsed (nor kept as a cache key)."""
_LEAP_SECOND = re.compile(r"(?<=[Tt ]\d\d:\d\d:)60")


def parse_instant(value: object) -> datetime | None:
    """RFC 3339 → aware datetime (a naive one is taken as UTC), or None for anything that is not
    one: a provider's bad date must not crash a sort or a view. Any value is accepted, a string or
    not, and nothing raises.

    The whole RFC 3339 range parses, `0001-01-01T00:00:00+14:00` and `9999-12-31T23:59:59-12:00`
    too, in the provider's own offset; such a moment has a `timestamp()`, but converting it to
    another zone (`astimezone`) or adding to it can leave `datetime`'s range, so the code that
    shows or shifts a moment must allow for that (`columns.short_time`, `tasknet.lease_end`). A
    leap second (`23:59:60`, which RFC 3339 allows and `datetime` does not) is read as `:59`."""
    if not value or not isinstance(value, str) or len(value) > MAX_INSTANT_LENGTH:
        return None
    return _parse_instant(value)


@lru_cache(maxsize=4096)  # small: a console left open sees new instants all the time (issue 14, row 22)
def _parse_instant(value: str) -> datetime | None:
    """Cached: the same strings come back on every poll."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        leap = _LEAP_SECOND.sub("59", text, count=1)
        if leap == text:
            return None
        try:
            moment = datetime.fromisoformat(leap)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _sort_key(session: Session) -> tuple[str, int, float, str]:
    started = parse_instant(session.started_at)
    # Newest first, null last: negate the timestamp, and put nulls in a later bucket.
    return (session.provider, 0 if started else 1, -started.timestamp() if started else 0.0, session.id)


def sort_sessions(sessions: list[Session]) -> list[Session]:
    """CONFIG.md's order: provider name, then started_at newest first (null last), then id."""
    return sorted(sessions, key=_sort_key)
