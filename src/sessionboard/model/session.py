"""The normalized session of PROVIDERS.md.

Timestamps stay the provider's own RFC 3339 strings: `list --json` must print exactly what the
provider said, and parsing is only needed to sort and to show ages, which `parse_instant` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Literal

Status = Literal["active", "ended"]
SessionKey = tuple[str, str]
"""(provider name, session id): unique across the console, used as the table's row key."""

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

    @property
    def key(self) -> SessionKey:
        return (self.provider, self.id)

    @property
    def active(self) -> bool:
        return self.status == "active"

    def to_json(self) -> dict[str, Any]:
        """The object `list --json` prints: every key of the contract, always, nothing more."""
        return {k: getattr(self, k) for k in JSON_KEYS}


@lru_cache(maxsize=4096)  # small: a console left open sees new instants all the time (issue 14, row 22)
def parse_instant(value: str | None) -> datetime | None:
    """RFC 3339 → aware datetime, or None for anything unparseable (a provider's bad date must
    not crash a sort). Cached: the same strings come back on every poll."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
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
