"""Session events derived from snapshots (poller/events.py): pure Python, no Textual, no network.

Snapshots are built the way the poller builds them (`Snapshot.succeeded` / `failed` one after the
other), so `changed` is what a real poll would carry."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

from sessionboard.model import Session
from sessionboard.poller.events import EventDeriver, SessionEvent
from sessionboard.poller.snapshot import Snapshot

T0 = 1_900_000_000.0


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat().replace("+00:00", "Z")


def lease(id_: str, expires: float | None = None, **extra: object) -> Session:
    return Session(
        provider="browsers", kind="tasknet", id=id_, name="api", status="active",
        expires_at=iso(expires) if expires is not None else None, raw={"id": id_}, **extra,  # type: ignore[arg-type]
    )


class Feed:
    """One provider's snapshots in order, each given to the deriver."""

    def __init__(self, deriver: EventDeriver) -> None:
        self.deriver = deriver
        self.snap = Snapshot(provider="browsers", kind="tasknet")

    def ok(self, at: float, *sessions: Session) -> list[SessionEvent]:
        self.snap = self.snap.succeeded(list(sessions), at, 0.01)
        return self.deriver.feed(self.snap)

    def fail(self, at: float, error: str = "GET /live/v1/sessions: server error (HTTP 500)") -> list[SessionEvent]:
        self.snap = self.snap.failed(error, at, 0.01)
        return self.deriver.feed(self.snap)


def kinds(events: list[SessionEvent]) -> list[tuple[str, str | None]]:
    return [(e.event, e.session.id if e.session else None) for e in events]


def test_the_first_poll_announces_nothing_then_appeared_changed_and_ended():
    feed = Feed(EventDeriver("browsers"))
    a, b = lease("a"), lease("b")
    assert feed.ok(T0, a, b) == []
    assert kinds(feed.ok(T0 + 5, a, b, lease("c"))) == [("appeared", "c")]
    moved = replace(b, user="ops", raw={"id": "b", "note": 1})
    [changed] = feed.ok(T0 + 10, a, moved, lease("c"))
    assert (changed.event, changed.session, changed.changes) == ("changed", moved, ("user", "raw"))
    ended = replace(moved, status="ended")
    assert kinds(feed.ok(T0 + 15, a, ended, lease("c"))) == [("ended", "b")]
    # an active session no longer listed ended too, shown as last seen with status ended
    [gone] = feed.ok(T0 + 20, ended, lease("c"))
    assert gone.event == "ended" and gone.session == replace(a, status="ended")
    # an ended session the poller stops keeping (retention) ended once already: nothing
    assert feed.ok(T0 + 25, lease("c")) == []
    assert feed.ok(T0 + 30, lease("c")) == []  # and an unchanged poll says nothing


def test_a_session_already_ended_when_first_seen_appears_and_ends():
    feed = Feed(EventDeriver("browsers"))
    feed.ok(T0)
    quick = replace(lease("q"), status="ended")
    assert kinds(feed.ok(T0 + 5, quick)) == [("appeared", "q"), ("ended", "q")]


def test_initial_announces_the_baseline_active_sessions_as_existing_only():
    feed = Feed(EventDeriver("browsers", initial=True))
    done = replace(lease("old"), status="ended")
    assert kinds(feed.ok(T0, lease("a"), done, lease("b"))) == [("existing", "a"), ("existing", "b")]
    assert feed.ok(T0 + 5, lease("a"), done, lease("b")) == []


def test_expiring_once_when_the_lease_enters_the_window_and_again_after_an_extension():
    feed = Feed(EventDeriver("browsers", expiring_within=300))
    s = lease("s", expires=T0 + 1000)
    assert feed.ok(T0, s) == []
    assert feed.ok(T0 + 600, s) == []  # 400 s left: outside the 300 s window
    [event] = feed.ok(T0 + 700, s)  # 300 s left: inside
    assert (event.event, event.session, event.at) == ("expiring", s, T0 + 700)
    assert feed.ok(T0 + 800, s) == [] and feed.ok(T0 + 950, s) == []  # once
    longer = lease("s", expires=T0 + 2000)  # extended: the deadline leaves the window
    assert kinds(feed.ok(T0 + 960, longer)) == [("changed", "s")]
    assert feed.ok(T0 + 1600, longer) == []
    assert kinds(feed.ok(T0 + 1700, longer)) == [("expiring", "s")]
    # extended, but not out of the window: still the same announcement
    nearly = lease("s", expires=T0 + 2100)
    assert kinds(feed.ok(T0 + 1850, nearly)) == [("changed", "s")]


def test_sessions_inside_the_window_at_start_are_not_announced():
    feed = Feed(EventDeriver("browsers", expiring_within=300))
    soon = lease("soon", expires=T0 + 60)
    assert feed.ok(T0, soon) == []
    assert feed.ok(T0 + 30, soon) == []
    # one that appears later already inside the window: appeared, then expiring
    late = lease("late", expires=T0 + 100)
    assert kinds(feed.ok(T0 + 40, soon, late)) == [("appeared", "late"), ("expiring", "late")]


def test_a_heartbeat_deadline_is_the_last_beat_plus_stale_after_with_half_of_it_as_window():
    def run(beat: float) -> Session:
        return Session(provider="agents", kind="agents", id="r", name="ag", status="active",
                       started_at=iso(T0), last_activity=iso(beat), target="t1")

    feed = Feed(EventDeriver("agents", expiring_within=300, heartbeat_after=120))
    assert feed.ok(T0, run(T0)) == []
    assert feed.ok(T0 + 59, run(T0)) == []  # 61 s to the deadline: the window is 60 s
    assert kinds(feed.ok(T0 + 61, run(T0))) == [("expiring", "r")]
    beat = run(T0 + 62)  # a heartbeat: the deadline moves out of the window
    assert kinds(feed.ok(T0 + 63, beat)) == [("changed", "r")]
    assert feed.ok(T0 + 100, beat) == []
    assert kinds(feed.ok(T0 + 125, beat)) == [("expiring", "r")]


def test_provider_error_once_per_streak_then_provider_ok_once():
    feed = Feed(EventDeriver("browsers"))
    feed.ok(T0, lease("a"))
    [error] = feed.fail(T0 + 5)
    assert error.event == "provider_error" and "HTTP 500" in (error.error or "") and error.session is None
    assert feed.fail(T0 + 10) == [] and feed.fail(T0 + 20) == []
    events = feed.ok(T0 + 40, lease("a"), lease("b"))
    assert kinds(events) == [("provider_ok", None), ("appeared", "b")]
    assert feed.ok(T0 + 45, lease("a"), lease("b")) == []
    assert kinds(feed.fail(T0 + 50)) == [("provider_error", None)]  # a new streak


def test_a_failing_first_poll_leaves_the_baseline_to_the_first_success():
    feed = Feed(EventDeriver("browsers"))
    assert kinds(feed.fail(T0)) == [("provider_error", None)]
    assert kinds(feed.ok(T0 + 5, lease("a"))) == [("provider_ok", None)]  # a is the baseline
    assert kinds(feed.ok(T0 + 10, lease("a"), lease("b"))) == [("appeared", "b")]


def test_a_snapshot_before_any_poll_is_nothing():
    deriver = EventDeriver("browsers")
    assert deriver.feed(Snapshot(provider="browsers", kind="tasknet")) == []


def test_json_of_each_event_is_the_watch_contract():
    feed = Feed(EventDeriver("browsers"))
    feed.ok(T0, lease("a"))
    [changed] = feed.ok(T0 + 1.5, replace(lease("a"), name="driver2"))
    data = changed.to_json()
    assert list(data) == ["event", "at", "provider", "session", "changes"]
    assert data["at"] == iso(T0 + 1.5).replace(".500000", ".500")
    assert data["session"] == replace(lease("a"), name="driver2").to_json() and data["changes"] == ["name"]
    [error] = feed.fail(T0 + 2, "boom")
    assert error.to_json() == {"event": "provider_error", "at": json.loads(json.dumps(error.to_json()))["at"],
                               "provider": "browsers", "session": None, "error": "boom"}


def test_only_changed_ids_are_looked_at():
    """10,000 sessions, one changed: the derivation reads that one (and the heap's top)."""
    feed = Feed(EventDeriver("browsers", expiring_within=300))
    sessions = [lease(f"s{n}", expires=T0 + 10_000 + n) for n in range(10_000)]
    feed.ok(T0, *sessions)
    calls = 0
    original = feed.deriver.deadline

    def counted(session: Session) -> float | None:
        nonlocal calls
        calls += 1
        return original(session)

    feed.deriver.deadline = counted  # type: ignore[method-assign]
    sessions[5] = replace(sessions[5], user="x")
    assert kinds(feed.ok(T0 + 5, *sessions)) == [("changed", "s5")]
    assert calls == 1
