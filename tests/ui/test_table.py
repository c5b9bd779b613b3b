"""The session table updates in place: changed rows change, new rows appear, ended rows go, and the
cursor stays on its session (and the scroll where it was) while rows around it change."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App, ComposeResult

from sessionboard.model import Session
from sessionboard.ui.clock import fixed_now
from sessionboard.ui.widgets.sessions import SessionTable
from sessionboard.ui.widgets.sessions.columns import countdown
from tests.ui.helpers import all_polled, make_app, make_cluster, wait_for

NOW = 2_000_000_000.0


def session(provider: str, n: int, *, minute: int | None = None, **changes) -> Session:
    minute = n if minute is None else minute
    base = Session(
        provider=provider,
        kind="vsay",
        id=f"s{n:05d}",
        name=f"machine {n}",
        status="active",
        target=f"mch_{n}",
        user=f"user {n % 7}",
        started_at=f"2033-05-18T{(minute // 60) % 24:02d}:{minute % 60:02d}:00Z",
        raw={"n": n},
    )
    return replace(base, **changes)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionTable(now=fixed_now(NOW))


async def test_a_poll_keeps_the_cursor_on_its_session_while_rows_around_it_change() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(SessionTable)
        table.apply_sessions("p", [session("p", n) for n in range(200)])
        await pilot.pause()
        table.select_key(("p", "s00100"))
        table.scroll_to(y=90, animate=False, immediate=True)
        await pilot.pause()
        row_before = table.cursor_row
        top_before = table.keys()[table.scroll_offset.y]  # the first row on screen
        assert table.selected.id == "s00100"

        # newer sessions arrive (they sort above: newest first), older ones around the cursor end,
        # and the cursor's own session changes
        newer = [session("p", 1000 + n, minute=900 + n) for n in range(30)]
        kept = [session("p", n) for n in range(200) if n not in (98, 99, 101, 102)]
        kept = [replace(s, user="changed") if s.id == "s00100" else s for s in kept]
        stats = table.apply_sessions("p", newer + kept)
        await pilot.pause()

        assert (stats.added, stats.removed, stats.changed) == (30, 4, 1)
        assert table.cursor_key == ("p", "s00100")
        assert table.selected.user == "changed"
        assert table.cursor_row != row_before  # the rows moved under it...
        assert table.keys()[table.scroll_offset.y] == top_before  # ...and the view did not jump:
        top = table.scroll_offset.y  # the rows that came above the screen scrolled it with them
        assert top <= table.cursor_row < top + table.scrollable_content_region.height - 1
        assert table.row_of(("p", "s00099")) is None


async def test_the_cursor_moves_to_a_neighbour_when_its_session_goes() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(SessionTable)
        table.apply_sessions("p", [session("p", n) for n in range(20)])
        table.move_cursor_to(5)
        gone = table.cursor_key
        table.apply_sessions("p", [session("p", n) for n in range(20) if ("p", f"s{n:05d}") != gone])
        await pilot.pause()
        assert table.cursor_row == 5
        assert table.cursor_key != gone and table.cursor_key is not None


async def test_a_change_that_moves_no_row_repaints_only_that_row() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(SessionTable)
        sessions = [session("p", n) for n in range(100)]
        table.apply_sessions("p", sessions)
        await pilot.pause()
        order = table.keys()
        changed = [replace(s, user="someone else") if s.id == "s00097" else s for s in sessions]
        stats = table.apply_sessions("p", changed, changed_ids=frozenset({"s00097"}))
        painted = table.paints
        await pilot.pause()
        assert not stats.reordered
        assert table.keys() == order
        assert "someone else" in table.row_text(table.row_of(("p", "s00097")))
        assert 0 < table.paints - painted <= 2  # one row (the compositor may add the line below)


async def test_ended_sessions_leave_the_active_view_and_show_in_all() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(SessionTable)
        table.apply_sessions("p", [session("p", n) for n in range(10)])
        table.apply_sessions("p", [session("p", n, status="ended" if n == 3 else "active") for n in range(10)])
        await pilot.pause()
        assert table.row_of(("p", "s00003")) is None
        table.set_show_all(True)
        assert table.row_of(("p", "s00003")) is not None
        assert "ended" in table.row_text(table.row_of(("p", "s00003")))


async def test_filter_sort_and_provider_view_make_a_new_order() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(SessionTable)
        table.apply_sessions("a", [session("a", n) for n in range(10)])
        table.apply_sessions("b", [session("b", n) for n in range(10, 20)])
        await pilot.pause()
        assert [k[0] for k in table.keys()] == ["a"] * 10 + ["b"] * 10
        table.set_filter("machine 1")
        assert {k[1] for k in table.keys()} == {"s00001"} | {f"s{n:05d}" for n in range(10, 20)}
        table.set_filter("")
        table.set_provider_filter("b")
        assert {k[0] for k in table.keys()} == {"b"}
        table.set_provider_filter(None)
        table.set_sort("started")
        started = [table.session(k).started_at for k in table.keys()]
        assert started == sorted(started, reverse=True)


def test_the_countdown_shows_the_time_left() -> None:
    assert countdown("2033-05-18T03:33:20Z", NOW) == "00:00"
    assert countdown("2033-05-18T03:45:23Z", NOW) == "12:03"
    assert countdown("2033-05-18T05:00:00Z", NOW) == "1h26m"
    assert countdown("2033-05-18T03:00:00Z", NOW) == "expired"
    assert countdown(None, NOW) == ""
    assert countdown("2033-05-18T03:45:23Z", NOW, active=False) == ""


async def test_a_poll_over_the_simulators_keeps_the_cursor_while_churn_changes_rows() -> None:
    import random

    cluster = make_cluster()
    app = make_app(cluster, poll_interval=600)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await all_polled(pilot, app)
        # churn spares sessions made over the API: that one is sure to stay
        made = await screen.providers["browsers"].create_session({"leaseTime": 30, "driver": "api"})
        screen.poll_now("browsers")
        await wait_for(pilot, lambda: screen.table.select_key(made.key), "the created session in the table")
        keys = screen.table.keys()
        row = screen.table.cursor_row
        rng = random.Random(3)
        for sim in cluster.sims.values():
            for _ in range(4):
                sim.churn(rng)
        polls = {n: s.polls for n, s in screen.snapshots.items()}
        await pilot.press("r")
        await wait_for(pilot, lambda: all(screen.snapshots[n].polls > polls[n] for n in polls), "a second poll")
        assert screen.table.keys() != keys
        assert screen.table.cursor_key == made.key
        assert screen.table.selected.id == made.id
        assert screen.table.cursor_row == screen.table.row_of(made.key)
        assert row >= 0


async def test_active_counts_follow_every_kind_of_change() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(SessionTable)
        table.apply_sessions("p", [session("p", n) for n in range(10)])
        assert table.count("p") == 10
        # 2 end in place, 3 leave the answer, 4 new (one of them ended)
        answer = [session("p", n, status="ended" if n < 2 else "active") for n in range(7)]
        answer += [session("p", 100 + n, status="ended" if n == 0 else "active") for n in range(4)]
        table.apply_sessions("p", answer)
        await pilot.pause()
        assert table.count("p") == sum(1 for s in answer if s.active) == 8
        assert table.count("p", active_only=False) == 11
