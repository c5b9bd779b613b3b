"""What the views know of a provider: its latest sessions and how the last poll went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sessionboard.model import Listing, Session


@dataclass(frozen=True, slots=True)
class Snapshot:
    provider: str
    kind: str
    sessions: tuple[Session, ...] = ()
    error: str | None = None
    """The last poll's failure, one line; None after a success."""
    polled_at: float | None = None
    """Wall-clock time (time.time()) the last poll ended, success or not."""
    latency: float | None = None
    """Seconds the last poll took."""
    stale: bool = False
    """The sessions are those of an earlier success: the last poll failed."""
    polls: int = 0
    failures: int = 0
    """Consecutive failures; drives the backoff."""
    changed: frozenset[str] = field(default_factory=frozenset)
    """Ids whose session differs from the previous snapshot, so views touch only those rows."""
    warnings: tuple[str, ...] = ()
    """What the last successful listing left out: one line per malformed session, one for the
    duplicate ids (without the provider's name, as `error`). Kept while later polls fail."""
    warning_summary: str | None = None
    """The same in a few words for a panel: `2 sessions skipped, 1 duplicate id`."""
    retry_at: float | None = None
    """Wall-clock time before which the provider asked not to be asked again (Retry-After on a
    429 or 503); the poller waits until then. None when there is no such hold."""

    def failed(self, error: str, at: float, latency: float, retry_after: float | None = None) -> Snapshot:
        return replace(
            self,
            error=error,
            polled_at=at,
            latency=latency,
            stale=self.polls > self.failures,  # there are sessions of an earlier success
            polls=self.polls + 1,
            failures=self.failures + 1,
            changed=frozenset(),
            retry_at=at + retry_after if retry_after else None,
        )

    def succeeded(self, sessions: Sequence[Session], at: float, latency: float) -> Snapshot:
        """`sessions` is a `Listing` (its warnings are kept) or any sequence of sessions."""
        warnings: tuple[str, ...] = ()
        summary: str | None = None
        if isinstance(sessions, Listing):
            warnings, summary = sessions.warnings, sessions.summary
            sessions = sessions.sessions
        old = {s.id: s for s in self.sessions}
        changed = frozenset(s.id for s in sessions if old.get(s.id) != s) | (old.keys() - {s.id for s in sessions})
        return replace(
            self,
            sessions=tuple(sessions),
            error=None,
            polled_at=at,
            latency=latency,
            stale=False,
            polls=self.polls + 1,
            failures=0,
            changed=frozenset(changed),
            warnings=warnings,
            warning_summary=summary,
            retry_at=None,
        )
