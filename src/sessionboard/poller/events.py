"""The session events derived from a provider's snapshots: what `sessionboard watch` prints and
the console's alerts announce, from one derivation so the two cannot disagree.

| event | when |
|---|---|
| `appeared` | a session id not in the previous successful poll (a session already ended when first seen gives `appeared`, then `ended`) |
| `changed` | a session whose normalized fields differ; `changes` names them (`status` only when it did not become ended) |
| `ended` | a session whose status became `ended` (its other last changes with it), or an active one no longer listed |
| `expiring` | once, when a lease's `expires_at` or a heartbeat's deadline comes within the window; again only after it has left the window (an extension) |
| `provider_error` | once per failure streak, with the error |
| `provider_ok` | once, the first success after a failure streak |
| `existing` | with `initial`, each active session of the first successful poll |

The first successful poll is the baseline: its sessions are not announced (only as `existing`),
and those already inside the expiring window then are taken as announced. An ended session that
stops being listed (kept ended for a while by the poller, then dropped) gives nothing: it ended once.

The work per poll follows the snapshot's `changed` ids, not its size: sessions that did not change
are not looked at, and the expiring window is a heap of the moments sessions enter it, so a poll
of 10,000 unchanged sessions costs a set test each and a peek at the heap. Pure Python, no
Textual: tested alone.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from sessionboard.model import Session, parse_instant
from sessionboard.model.session import JSON_KEYS
from sessionboard.poller.snapshot import Snapshot

EventKind = Literal["appeared", "changed", "ended", "expiring", "provider_error", "provider_ok", "existing"]
EVENT_KINDS: tuple[EventKind, ...] = (
    "appeared", "changed", "ended", "expiring", "provider_error", "provider_ok", "existing",
)
COMPARED = tuple(key for key in JSON_KEYS if key not in ("provider", "kind", "id"))
"""The normalized fields a `changed` event names."""


@dataclass(frozen=True, slots=True)
class SessionEvent:
    event: EventKind
    provider: str
    at: float
    """Wall-clock time (time.time()) of the poll that showed it."""
    session: Session | None = None
    """The session as that poll had it (for `ended` of a session no longer listed: as last seen,
    with its status `ended`); None for `provider_error` and `provider_ok`."""
    changes: tuple[str, ...] = ()
    error: str | None = None
    deadline: float | None = None
    """For `expiring`: when the lease ends or the heartbeat is due (wall-clock)."""

    def to_json(self) -> dict[str, Any]:
        """`watch --json`'s object: event, at (RFC 3339 UTC), provider, session (PROVIDERS.md's
        normalized session, or null), plus `changes` for changed, `error` for provider_error and
        `deadline` (when the lease ends or the heartbeat is due) for expiring."""
        from sessionboard.actions.audit import rfc3339

        data: dict[str, Any] = {
            "event": self.event,
            "at": rfc3339(self.at),
            "provider": self.provider,
            "session": self.session.to_json() if self.session is not None else None,
        }
        if self.event == "changed":
            data["changes"] = list(self.changes)
        if self.event == "provider_error":
            data["error"] = self.error
        if self.event == "expiring":
            data["deadline"] = rfc3339(self.deadline) if self.deadline is not None else None
        return data


def changed_fields(old: Session, new: Session) -> tuple[str, ...]:
    return tuple(key for key in COMPARED if getattr(old, key) != getattr(new, key))


@dataclass(slots=True)
class _Watched:
    session: Session
    deadline: float | None
    inside: bool
    """Announced as expiring (or inside the window at the baseline) and not left it since."""


class EventDeriver:
    """Turns one provider's successive snapshots into events. Feed it every snapshot, in order."""

    def __init__(
        self,
        provider: str,
        *,
        expiring_within: float = 300.0,
        heartbeat_after: float | None = None,
        initial: bool = False,
    ) -> None:
        """`expiring_within`: seconds before a deadline that count as expiring (`[app]
        expiring_within` minutes). `heartbeat_after`: for a kind kept alive by heartbeats (agents'
        `stale_after_seconds`), a session's deadline is its last heartbeat (else its start) plus
        this; its window is at most half of it, since a session that beats on time is always
        within `heartbeat_after` of its deadline and would otherwise be expiring from birth.
        `initial`: announce the baseline's active sessions as `existing`."""
        self.provider = provider
        self.window = expiring_within
        self.heartbeat_after = heartbeat_after
        self.initial = initial
        self._known: dict[str, _Watched] | None = None
        """The last successful poll's sessions; None until the baseline."""
        self._heap: list[tuple[float, str, float]] = []
        """(moment it enters the window, id, deadline) of sessions not yet inside; stale entries
        (a deadline that moved, a session gone) are dropped when they come up."""
        self._failing = False

    # ---- deadlines ---------------------------------------------------------------------------------
    def deadline(self, session: Session) -> float | None:
        """When `session`'s lease ends, or its heartbeat is due; None when it has neither."""
        if not session.active:
            return None
        lease = parse_instant(session.expires_at)
        if lease is not None:
            return _timestamp(lease)
        if self.heartbeat_after is not None:
            moment = parse_instant(session.last_activity) or parse_instant(session.started_at)
            if moment is not None:
                stamp = _timestamp(moment)
                return None if stamp is None else stamp + self.heartbeat_after
        return None

    def _window_for(self, session: Session) -> float:
        if self.heartbeat_after is not None and parse_instant(session.expires_at) is None:
            return min(self.window, self.heartbeat_after / 2)
        return self.window

    def _watch(self, session: Session, now: float, baseline: bool) -> tuple[_Watched, bool]:
        """The entry for `session` and whether it enters the window now."""
        deadline = self.deadline(session)
        if deadline is None:
            return _Watched(session, None, False), False
        enters = deadline - self._window_for(session)
        if enters <= now:
            return _Watched(session, deadline, True), not baseline
        heapq.heappush(self._heap, (enters, session.id, deadline))
        return _Watched(session, deadline, False), False

    # ---- snapshots ---------------------------------------------------------------------------------
    def feed(self, snap: Snapshot) -> list[SessionEvent]:
        """The events `snap` gives, in order: provider state first, then sessions, then expiring."""
        if snap.polls == 0:  # nothing polled yet (a hub that has not published this provider)
            return []
        at = snap.polled_at if snap.polled_at is not None else 0.0
        if snap.error is not None:
            if self._failing:
                return []
            self._failing = True
            return [SessionEvent("provider_error", self.provider, at, error=snap.error)]
        events: list[SessionEvent] = []
        if self._failing:
            self._failing = False
            events.append(SessionEvent("provider_ok", self.provider, at))
        if self._known is None:
            self._baseline(snap, at, events)
        else:
            self._diff(snap, at, events)
        self._expire(at, events)
        return events

    def _baseline(self, snap: Snapshot, at: float, events: list[SessionEvent]) -> None:
        known: dict[str, _Watched] = {}
        for session in snap.sessions:
            known[session.id], _ = self._watch(session, at, baseline=True)
            if self.initial and session.active:
                events.append(SessionEvent("existing", self.provider, at, session))
        self._known = known

    def _diff(self, snap: Snapshot, at: float, events: list[SessionEvent]) -> None:
        known = self._known
        assert known is not None
        changed = snap.changed
        if not changed:
            return
        seen: set[str] = set()
        for session in snap.sessions:
            if session.id not in changed:
                continue
            seen.add(session.id)
            before = known.get(session.id)
            if before is None:
                known[session.id], entering = self._watch(session, at, baseline=False)
                events.append(SessionEvent("appeared", self.provider, at, session))
                if not session.active:
                    events.append(SessionEvent("ended", self.provider, at, session))
                elif entering:
                    events.append(self._expiring(at, known[session.id]))
                continue
            fields = changed_fields(before.session, session)
            if fields and before.session.active and not session.active:
                events.append(SessionEvent("ended", self.provider, at, session))  # its last changes with it
            elif fields:
                events.append(SessionEvent("changed", self.provider, at, session, fields))
            self._rewatch(before, session, at, events)
        for gone in _not_in(changed, seen):
            entry = known.pop(gone, None)
            if entry is not None and entry.session.active:
                events.append(SessionEvent("ended", self.provider, at, replace(entry.session, status="ended")))

    def _rewatch(self, entry: _Watched, session: Session, at: float, events: list[SessionEvent]) -> None:
        """A changed session's deadline: a later one outside the window lets it announce again."""
        deadline = self.deadline(session)
        entry.session = session
        if deadline == entry.deadline:
            return
        entry.deadline = deadline
        if deadline is None:
            entry.inside = False
            return
        enters = deadline - self._window_for(session)
        if enters > at:
            entry.inside = False
            heapq.heappush(self._heap, (enters, session.id, deadline))
        elif not entry.inside:
            entry.inside = True
            events.append(self._expiring(at, entry))

    def _expiring(self, at: float, entry: _Watched) -> SessionEvent:
        return SessionEvent("expiring", self.provider, at, entry.session, deadline=entry.deadline)

    def _expire(self, at: float, events: list[SessionEvent]) -> None:
        known = self._known
        assert known is not None
        heap = self._heap
        if len(heap) > 2 * len(known) + 1024:  # stale entries of sessions gone or extended far ahead
            heap[:] = [
                item for item in heap
                if (entry := known.get(item[1])) is not None and entry.deadline == item[2] and not entry.inside
            ]
            heapq.heapify(heap)
        while heap and heap[0][0] <= at:
            _, sid, deadline = heapq.heappop(heap)
            entry = known.get(sid)
            if entry is None or entry.deadline != deadline or entry.inside:
                continue  # gone, moved (its new entry is in the heap), or announced already
            entry.inside = True
            events.append(self._expiring(at, entry))


def _not_in(changed: Iterable[str], seen: set[str]) -> list[str]:
    return [sid for sid in changed if sid not in seen]


def _timestamp(moment: Any) -> float | None:
    try:
        return float(moment.timestamp())
    except (OverflowError, ValueError, OSError):  # a provider's date at the edge of the range
        return None
