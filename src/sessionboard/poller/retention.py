"""How long the poller keeps a provider's ended sessions: a bounded time and a bounded count.

A provider that lists ended sessions (vsay with `status = "all"`, rufus's device timelines,
tasknet's terminated browsers, devices' released sessions) lists more of them every hour. Kept as
they come, a console left open for days grows without end (issue 14, row 22), and so would a
`watch`. So the snapshot keeps an ended session for `minutes` after this poller first saw it
ended, and at most `count` of them per provider (the most recently ended), whatever the provider
sends. Measured from when the poller saw the end, not from the provider's `ended_at`: provider
timestamps are untrusted and often missing, and a session's end must stay on the board long
enough to be seen (and to end its terminal) however long ago the provider says it was.

The work per poll is one pass over the ended sessions; the active ones are not touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from sessionboard.model import Listing, Session, parse_instant

S = TypeVar("S", bound=Sequence[Session])


@dataclass(frozen=True, slots=True)
class KeepEnded:
    """`[app] keep_ended`: ended sessions are kept `minutes` after they are seen ending, and at
    most `count` of them per provider."""

    minutes: float = 60.0
    count: int = 200


def _newest_first(session: Session, seen_at: float) -> tuple[float, float]:
    try:
        moment = parse_instant(session.ended_at) or parse_instant(session.started_at)
        provider_time = moment.timestamp() if moment is not None else float("-inf")
    except (OverflowError, ValueError):  # a provider's date at the edge of the range
        provider_time = float("-inf")
    return (-seen_at, -provider_time)


class EndedRetention:
    """Filters each successful poll's sessions; remembers when each listed ended session was
    first seen ended (only while the provider still lists it, so this map is never larger than
    the provider's last answer)."""

    def __init__(self, keep: KeepEnded | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep = keep if keep is not None else KeepEnded()
        self._clock = clock
        self._ended_since: dict[str, float] = {}

    def apply(self, sessions: S) -> S:
        """`sessions` less the ended ones past the time or beyond the count: the same object when
        none is dropped, else one of its kind (a `Listing` keeps its warnings)."""
        now = self._clock()
        before = self._ended_since
        since: dict[str, float] = {}
        ended: list[Session] = []
        for session in sessions:
            if not session.active:
                since[session.id] = before.get(session.id, now)
                ended.append(session)
        self._ended_since = since
        if not ended:
            return sessions
        horizon = now - self.keep.minutes * 60
        kept = [session for session in ended if since[session.id] >= horizon]
        if len(kept) > self.keep.count:
            kept.sort(key=lambda session: _newest_first(session, since[session.id]))
            kept = kept[: self.keep.count]
        if len(kept) == len(ended):
            return sessions
        keep_ids = {id(session) for session in kept}
        left = tuple(session for session in sessions if session.active or id(session) in keep_ids)
        if isinstance(sessions, Listing):
            return replace(sessions, sessions=left)  # type: ignore[return-value]
        return list(left)  # type: ignore[return-value]
