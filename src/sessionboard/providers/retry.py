"""`Retry-After` (RFC 9110 §10.2.3) read as the number of seconds a provider asked to be left alone.

A 429 or 503 that carries it is a request from the provider: its next request waits that long,
whatever the poll interval or the backoff would say. The value is untrusted too: a date a year
ahead, or a number of a million digits, is held to `MAX_HOLD`, and one in the past is no hold.
"""

from __future__ import annotations

import re
from datetime import timezone
from email.utils import parsedate_to_datetime

MAX_HOLD = 600.0
"""Ten minutes: the longest a provider may stop this console from asking again."""
HOLD_STATUSES = frozenset({429, 503})
_SECONDS = re.compile(r"[0-9]+")


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait (0..MAX_HOLD) from the header's `value`, or None when there is none or it
    is neither delay-seconds nor an HTTP date. `now` is the wall clock (`time.time()`), against
    which an HTTP date is measured."""
    if value is None:
        return None
    text = value.strip()
    if _SECONDS.fullmatch(text):
        seconds = MAX_HOLD if len(text) > 6 else float(int(text))
    else:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if moment is None:  # pragma: no cover - Python < 3.10 returned None instead of raising
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        try:
            seconds = moment.timestamp() - now
        except (OverflowError, OSError, ValueError):
            return None
    return min(MAX_HOLD, max(0.0, seconds))
