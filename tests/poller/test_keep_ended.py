"""Row 22 of issue 14: the poller keeps ended sessions for a bounded time and count, whatever the
provider lists, so the console (and a `watch`) left running stays flat."""

from __future__ import annotations

import random

import httpx

from sessionboard.config import parse_config
from sessionboard.model import Session
from sessionboard.poller import EndedRetention, KeepEnded, ProviderPoller, Snapshot
from sessionboard.providers import make_provider
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.clock import FixedClock
from tests.sim.conftest import T0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def session(sid: str, active: bool, ended_at: str | None = None) -> Session:
    return Session("p", "vsay", sid, None, "active" if active else "ended", ended_at=ended_at)


def test_an_ended_session_is_kept_its_minutes_after_it_is_first_seen_ended() -> None:
    clock = Clock()
    keep = EndedRetention(KeepEnded(minutes=10, count=100), clock=clock)
    listing = [session("a", True), session("b", False)]
    assert keep.apply(listing) is listing  # nothing dropped: the same list, no copy
    clock.now += 9 * 60
    listing = [session("a", False), session("b", False)]  # a ends now, b has been ended 9 minutes
    assert [s.id for s in keep.apply(listing)] == ["a", "b"]
    clock.now += 2 * 60
    assert [s.id for s in keep.apply(listing)] == ["a"]  # b: 11 minutes
    clock.now += 9 * 60
    assert [s.id for s in keep.apply(listing + [session("c", True)])] == ["c"]


def test_at_most_count_ended_sessions_the_most_recently_ended() -> None:
    clock = Clock()
    keep = EndedRetention(KeepEnded(minutes=600, count=3), clock=clock)
    first = [session(f"old{i}", False, ended_at=f"2030-01-01T00:0{i}:00Z") for i in range(5)]
    assert [s.id for s in keep.apply(first)] == ["old2", "old3", "old4"]  # ties: the provider's newest
    clock.now += 1
    later = first + [session("new", False), session("live", True)]
    assert [s.id for s in keep.apply(later)] == ["old3", "old4", "new", "live"]


def test_what_it_remembers_is_only_what_the_provider_still_lists() -> None:
    clock = Clock()
    keep = EndedRetention(KeepEnded(minutes=1, count=10), clock=clock)
    for round_ in range(500):
        clock.now += 5
        keep.apply([session(f"s{round_}", False), session(f"s{round_ + 1}", False), session("live", True)])
    assert len(keep._ended_since) == 2


async def test_a_churning_provider_keeps_the_snapshot_bounded() -> None:
    """A real adapter over a simulator that lists every ended session (vsay `status = "all"`),
    its churn sped through many ticks: the snapshot holds at most `count` ended sessions, and a
    session that just ended is among them."""
    cluster = SimCluster(seed=2, sessions_per_provider=30, clock=FixedClock(T0))
    sim = cluster.sims["vsay"]
    table = next(t for t in cluster.provider_dicts() if t["kind"] == "vsay")
    config = parse_config({"providers": [table]})
    provider = make_provider(config.providers[0], transport=httpx.ASGITransport(app=cluster.app))
    seen: list[Snapshot] = []
    poller = ProviderPoller(provider, 60.0, seen.append, rng=random.Random(1), keep_ended=KeepEnded(60, 12))
    rng = random.Random(4)
    try:
        for _ in range(60):
            for _ in range(5):
                sim.churn(rng)
            snap = await poller.poll_once()
            ended = [s for s in snap.sessions if not s.active]
            assert len(ended) <= 12
            assert {s.id for s in snap.sessions if s.active} == {s.id for s in sim.sessions.values() if s.active}  # type: ignore[attr-defined]
        victim = next(s for s in snap.sessions if s.active)
        sim.terminate(victim.id)  # type: ignore[attr-defined]
        snap = await poller.poll_once()
        assert victim.id in {s.id for s in snap.sessions if not s.active}
        assert snap.error is None
    finally:
        await provider.aclose()


def test_a_listing_keeps_its_warnings_when_ended_sessions_are_dropped() -> None:
    from sessionboard.model import Listing

    clock = Clock()
    keep = EndedRetention(KeepEnded(minutes=60, count=1), clock=clock)
    listing = Listing(
        sessions=(session("a", False), session("b", False), session("c", True)),
        skipped=("session 4 (id null) skipped: id: not a string",),
    )
    kept = keep.apply(listing)
    assert isinstance(kept, Listing) and kept.warnings == listing.warnings
    assert [s.id for s in kept] == ["a", "c"] or [s.id for s in kept] == ["b", "c"]
    snap = Snapshot("p", "vsay").succeeded(kept, 0.0, 0.0)
    assert snap.warnings == listing.warnings and len(snap.sessions) == 2
