"""What the views know of a provider: its latest sessions and how the last poll went."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sessionboard.model import Session


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

    def failed(self, error: str, at: float, latency: float) -> Snapshot:
        return replace(
            self,
            error=error,
            polled_at=at,
            latency=latency,
            stale=self.polls > self.failures,  # there are sessions of an earlier success
            polls=self.polls + 1,
            failures=self.failures + 1,
            changed=frozenset(),
        )

    def succeeded(self, sessions: list[Session], at: float, latency: float) -> Snapshot:
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
        )
