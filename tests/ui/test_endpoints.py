"""Every endpoint beyond list / create / close / extend / attach, reached as a person would (a key
or the command palette) against the simulators: the request reached the simulator, and the screen
shows the result."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.faults import Fault
from sessionboard.ui.keys import ENDPOINT_SPECS
from sessionboard.ui.screens.ask import AskTextScreen, ChoiceScreen
from sessionboard.ui.screens.confirm import ConfirmScreen
from sessionboard.ui.screens.devices_active import DevicesActiveScreen
from sessionboard.ui.screens.help import HelpScreen
from sessionboard.ui.screens.logs import LogsScreen
from sessionboard.ui.screens.stats import StatsScreen
from sessionboard.ui.widgets.sessions.columns import instant
from tests.ui.helpers import FIXED, board, console, messages, screen_text, select, wait_for


def now_cluster(**kwargs: Any) -> SimCluster:
    """Simulators on today's clock: the agents adapter judges staleness by the real clock, so only
    then do the simulator's old-heartbeat sessions show as stale."""
    return SimCluster(seed=7, clock=FixedClock(datetime.now(UTC)), **kwargs)


PAGES_OF_3 = {"devices": {"page_limit": 3}}
"""The devices provider reading three sessions a page, so that older pages exist."""


async def palette(pilot: Any, query: str) -> None:
    """Run the palette's best hit for `query`."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(
        pilot, lambda: isinstance(app.screen, CommandPalette) and isinstance(app.focused, Input), "the palette open"
    )
    await pilot.press(*query)
    await wait_for(
        pilot,
        lambda: bool(app.screen.query("CommandList")) and app.screen.query_one("CommandList").option_count > 0,
        f"a palette hit for {query!r}",
    )
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette closed")


# ---- vsay ------------------------------------------------------------------------------------------------
async def test_l_shows_the_logs_follows_new_entries_and_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LogsScreen, "POLL_SECONDS", 0.2)
    async with console(poll_interval=600, size=(160, 50)) as (cluster, app, pilot, screen):
        session = select(screen, "ssh")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs view opened")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_for(pilot, lambda: logs.entries and logs.shown_text(), "log lines shown")
        assert ("GET", f"/sessions/{session.id}/logs") in cluster.sims["vsay"].requests
        first = logs.entries[0]
        assert first.type == "command"
        text = logs.shown_text()
        assert f"$ {first.content}" in text
        assert first.timestamp.replace("T", " ").rstrip("Z") in text
        # the session is active: the clock moves on, new commands appear once, nothing twice
        before = len(logs.entries)
        cluster.sims["vsay"].clock.advance(120)
        await wait_for(pilot, lambda: len(logs.entries) > before, "new log entries followed")
        fetches = logs.fetches
        await wait_for(pilot, lambda: logs.fetches > fetches + 1, "two more reads")
        keys = [(e.timestamp, e.type, e.content) for e in logs.entries]
        assert len(keys) == len(set(keys))
        assert logs.entries[-1].content in logs.shown_text()
        # search: only matching entries, the rest hidden
        word = logs.entries[-1].content.split()[0]
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.focused, Input), "the search box focused")
        await pilot.press(*word)
        await pilot.pause()
        shown = [line for line in logs.shown_text().splitlines() if line[:4].isdigit()]
        assert shown and all(word.casefold() in line.casefold() for line in shown)
        assert len(shown) < len(logs.entries)
        await pilot.press("escape")
        assert app.screen is screen


async def test_l_on_a_session_without_logs_says_so() -> None:
    async with console(poll_interval=600, size=(160, 50)) as (_, app, pilot, screen):
        select(screen, "timing")
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen
        assert any("rufus provider cannot show session logs" in m and "vsay" in m for m in messages(app))


async def test_logs_failure_is_the_providers_message_and_keeps_the_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LogsScreen, "POLL_SECONDS", 0.2)
    async with console(poll_interval=600, size=(160, 50)) as (cluster, app, pilot, screen):
        select(screen, "ssh")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen.entries, "logs read")
        logs = app.screen
        count = len(logs.entries)
        cluster.sims["vsay"].fault = Fault("500")
        await wait_for(pilot, lambda: logs.error is not None, "the failed read noticed")
        assert "ssh:" in logs.error and "HTTP 500" in logs.error
        assert any(logs.error in m for m in messages(app))
        assert len(logs.entries) == count and logs.shown_text()


async def test_S_shows_statistics_and_switches_the_period() -> None:
    async with console(poll_interval=600, size=(160, 50)) as (cluster, app, pilot, screen):
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), "the statistics opened")
        stats_screen = app.screen
        await wait_for(pilot, lambda: stats_screen.shown_period == "day", "day statistics shown")
        assert ("GET", "/sessions/stats") in cluster.sims["vsay"].requests
        expected = await screen.providers["ssh"].stats("day")
        text = screen_text(app)
        assert f"sessions {expected.total_sessions}" in re.sub(r"\s+", " ", text)
        assert f"active now {expected.active_sessions}" in re.sub(r"\s+", " ", text)
        assert f"unique users {expected.unique_users}" in re.sub(r"\s+", " ", text)
        assert f"{expected.total_duration_hours:g}" in text
        assert expected.top_machines and all(m.name in text for m in expected.top_machines)
        assert "█" in text
        gets = sum(1 for r in cluster.sims["vsay"].requests if r == ("GET", "/sessions/stats"))
        await pilot.press("m")
        await wait_for(pilot, lambda: stats_screen.shown_period == "month", "month statistics shown")
        assert sum(1 for r in cluster.sims["vsay"].requests if r == ("GET", "/sessions/stats")) > gets
        month = await screen.providers["ssh"].stats("month")
        assert stats_screen.stats == month
        assert f"sessions {month.total_sessions}" in re.sub(r"\s+", " ", screen_text(app))
        await pilot.press("escape")
        assert app.screen is screen


async def test_stats_failure_shows_the_providers_message() -> None:
    async with console(poll_interval=600, size=(160, 50)) as (cluster, app, pilot, _):
        cluster.sims["vsay"].fault = Fault("500", times=1)
        await pilot.press("S")
        await wait_for(pilot, lambda: any("ssh:" in m and "HTTP 500" in m for m in messages(app)), "the error")
        assert isinstance(app.screen, StatsScreen)


# ---- agents -----------------------------------------------------------------------------------------------
async def test_stale_agents_are_marked_and_heartbeat_all_stale_from_the_palette() -> None:
    async with console(now_cluster(), poll_interval=600) as (cluster, app, pilot, screen):
        stale = [s for s in screen.snapshots["agents"].sessions if s.stale]
        assert stale, "the simulator seeds stale sessions"
        row = screen.table.row_of(stale[0].key)
        assert row is not None and " stale " in screen.table.row_text(row)
        await palette(pilot, "heartbeat all stale")
        for session in stale:
            await wait_for(
                pilot,
                lambda s=session: ("PUT", f"/api/active-sessions/heartbeat/{s.target}") in cluster.sims["agents"].requests,
                f"the heartbeat of {session.target}",
            )
        await wait_for(
            pilot, lambda: not any(s.stale for s in screen.snapshots["agents"].sessions), "nothing stale after the poll"
        )
        assert any(f"heartbeat sent for {len(stale)} stale session" in m for m in messages(app))


async def test_cleanup_asks_naming_the_stale_count_then_removes_them() -> None:
    async with console(now_cluster(), poll_interval=600) as (cluster, app, pilot, screen):
        stale = [s for s in screen.snapshots["agents"].sessions if s.stale]
        assert stale
        await palette(pilot, "clean up stale")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        question = app.screen.question
        assert "removes every session with no heartbeat" in question
        assert f"{len(stale)} session{'s' if len(stale) != 1 else ''} listed as stale now" in question
        assert ("POST", "/api/active-sessions/cleanup") not in cluster.sims["agents"].requests
        await pilot.press("y")
        await wait_for(
            pilot, lambda: ("POST", "/api/active-sessions/cleanup") in cluster.sims["agents"].requests, "the cleanup"
        )
        await wait_for(
            pilot,
            lambda: all(screen.table.session(s.key) is None for s in stale),
            "the stale rows gone after the poll",
        )
        assert any(f"cleanup removed {len(stale)} session" in m for m in messages(app))


async def test_X_closes_by_task_after_a_confirmation_naming_it() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "agents")
        task = session.target
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        question = app.screen.question
        assert f"task {task}" in question and "1 session listed for it now" in question and session.id in question
        await pilot.press("n")
        assert ("DELETE", f"/api/active-sessions/by-task/{task}") not in cluster.sims["agents"].requests
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation again")
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: ("DELETE", f"/api/active-sessions/by-task/{task}") in cluster.sims["agents"].requests,
            "the DELETE by task",
        )
        await wait_for(pilot, lambda: screen.table.session(session.key) is None, "the task's row gone")


async def test_close_by_task_failure_is_the_providers_message() -> None:
    async with console(poll_interval=600, confirm_destructive=False) as (cluster, app, pilot, screen):
        session = select(screen, "agents")
        cluster.sims["agents"].delete(session.id)  # gone on the server, still listed here
        await pilot.press("X")
        await wait_for(
            pilot, lambda: any("No active session for this task" in m for m in messages(app)), "the provider's message"
        )
        assert app.is_running


async def test_link_a_provider_session_from_the_palette() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "agents")
        await palette(pilot, "link provider session")
        await wait_for(
            pilot, lambda: isinstance(app.screen, AskTextScreen) and isinstance(app.focused, Input), "the question"
        )
        assert session.target in app.screen.question
        await pilot.press(*"prov-42", "enter")
        path = f"/api/active-sessions/provider-session/{session.target}"
        await wait_for(pilot, lambda: ("PUT", path) in cluster.sims["agents"].requests, "the PUT")
        await wait_for(
            pilot,
            lambda: (screen.table.session(session.key).raw or {}).get("providerSessionId") == "prov-42",
            "the link shown after the poll",
        )


# ---- rufus ------------------------------------------------------------------------------------------------
async def test_d_shows_the_active_session_of_every_device() -> None:
    async with console(poll_interval=600, size=(160, 50)) as (cluster, app, pilot, _):
        sim = cluster.sims["rufus"]
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DevicesActiveScreen), "the devices view")
        view = app.screen
        await wait_for(pilot, lambda: bool(view.rows), "the devices read")
        for device in sim.device_ids:
            assert ("GET", f"/sessions/device/{device}/active") in sim.requests
        table = view.query_one(DataTable)
        assert table.row_count == len(sim.device_ids)
        now = sim.clock.now()
        with_active = 0
        for device in sim.device_ids:
            cells = [str(c) for c in table.get_row(device)]
            active = [s for s in sim.by_device[device] if s.active]
            if not active:
                assert cells[1] == "no active session"
                continue
            with_active += 1
            details = active[0].details(now)
            assert ("GET", f"/sessions/{details['token_session']}") in sim.requests
            assert cells[1] == details["token_session"]
            assert cells[3] == str(details["passings"])
            if details["passings"]:
                assert cells[4] == details["first"].replace("T", " ").rstrip("Z")
                assert cells[5] == details["last"].replace("T", " ").rstrip("Z")
        assert with_active > 0
        assert "passings" in screen_text(app)


# ---- devices ----------------------------------------------------------------------------------------------
async def test_o_switches_the_organization_and_the_panel_shows_it() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        sim = cluster.sims["devices"]
        alpha, beta = list(sim.orgs)
        assert screen.statuses["lab"].note == alpha
        assert alpha in screen_text(app) and beta not in screen_text(app)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the organizations")
        options = app.screen.query_one("OptionList")
        await wait_for(pilot, lambda: app.focused is options and options.highlighted == 0, "the current one highlighted")
        await pilot.press("down", "enter")
        provider = screen.providers["lab"]
        assert provider.organization == beta
        await wait_for(
            pilot,
            lambda: {k[1] for k in screen.table.keys() if k[0] == "lab"}
            and all(k[1] in sim.orgs[beta].by_id for k in screen.table.keys() if k[0] == "lab"),
            "the other organization's sessions listed",
        )
        assert screen.statuses["lab"].note == beta
        await pilot.pause()
        assert beta in screen_text(app) and alpha not in screen_text(app)
        await pilot.press("o")  # asked again, the dialog starts on the organization now listed
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the organizations again")
        options = app.screen.query_one("OptionList")
        await wait_for(pilot, lambda: app.focused is options and options.highlighted == 1, "the current one highlighted")
        await pilot.press("escape")
        assert provider.organization == beta


async def test_p_loads_older_pages_and_the_polls_keep_them() -> None:
    async with console(provider_settings=PAGES_OF_3, poll_interval=600) as (cluster, app, pilot, screen):
        sim = cluster.sims["devices"]
        org = sim.orgs[sim.default_org]
        newest = [s["id"] for s in org.sessions[::-1]]
        assert len(newest) > 9

        def listed() -> set[str]:
            return {s.id for s in screen.snapshots["lab"].sessions}

        assert listed() == set(newest[:6])  # the poll reads the two newest pages
        gets = sum(1 for r in sim.requests if r == ("GET", "/api/v1/sessions"))
        await pilot.press("a")  # older sessions are mostly released: show all
        await pilot.press("p")
        await wait_for(pilot, lambda: listed() == set(newest[:9]), "one older page loaded")
        assert sum(1 for r in sim.requests if r == ("GET", "/api/v1/sessions")) > gets
        assert any("3 older sessions loaded" in m for m in messages(app))
        assert all(screen.table.row_of(("lab", i)) is not None for i in newest[:9])
        screen.poll_now("lab")
        polls = screen.snapshots["lab"].polls
        await wait_for(pilot, lambda: screen.snapshots["lab"].polls > polls, "another poll")
        assert listed() == set(newest[:9])  # the next poll keeps the loaded page


# ---- tasknet ----------------------------------------------------------------------------------------------
def _vnc_password(cluster: SimCluster, session_id: str) -> str:
    for sessions in cluster.sims["tasknet"].modes.values():
        if session_id in sessions:
            return sessions[session_id].vnc_password
    raise AssertionError(session_id)


async def test_v_reveals_the_vnc_password_only_on_demand_then_hides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "browsers", lambda s: s.active and s.raw.get("isVncEnabled"))
        password = _vnc_password(cluster, session.id)
        await wait_for(pilot, lambda: screen.detail.session is not None and screen.detail.session.key == session.key, "detail")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane = str(screen.detail.query_one("Static").render())
        assert "VNC" in pane and "password      ***" in pane and f"mode          {session.raw['vncMode']}" in pane
        assert password not in screen_text(app)
        gets = cluster.sims["tasknet"].requests.count(("GET", f"/live/v1/sessions/{session.id}"))
        await pilot.press("v")
        await wait_for(pilot, lambda: screen.detail.vnc is not None, "the password revealed")
        assert cluster.sims["tasknet"].requests.count(("GET", f"/live/v1/sessions/{session.id}")) > gets
        await wait_for(pilot, lambda: password in screen_text(app), "the password on screen")
        assert not any(password in m for m in messages(app))
        await pilot.press("v")  # again: hidden
        await wait_for(pilot, lambda: password not in screen_text(app), "the password hidden")
        # moving to another row hides it too
        await pilot.press("v")
        await wait_for(pilot, lambda: screen.detail.vnc is not None, "revealed again")
        await pilot.press("up")
        await wait_for(pilot, lambda: screen.detail.vnc is None, "hidden when the cursor moves")
        await pilot.pause()
        assert password not in screen_text(app)
        screen.table.select_key(session.key)
        await pilot.pause()
        # and on its own after a few seconds
        # Long enough to see the password shown on a loaded machine (0.3 s flaked), short for a test.
        monkeypatch.setattr("sessionboard.ui.screens.endpoints.REVEAL_SECONDS", 1.0)
        await pilot.press("v")
        await wait_for(pilot, lambda: screen.detail.vnc is not None, "revealed again")
        await wait_for(pilot, lambda: screen.detail.vnc is None, "hidden after the time")
        await pilot.pause()
        assert password not in screen_text(app)


async def test_y_copies_the_vnc_password_without_showing_it() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "browsers", lambda s: s.active and s.raw.get("isVncEnabled"))
        password = _vnc_password(cluster, session.id)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard == password, "the password on the clipboard")
        await pilot.pause()
        assert password not in screen_text(app)
        assert any(f"VNC password of {session.id} copied" in m for m in messages(app))
        assert not any(password in m for m in messages(app))
        select(screen, "ssh")
        await pilot.press("v")
        assert any("vsay provider cannot show VNC details" in m for m in messages(app))


async def test_a_lease_under_a_minute_warns_once() -> None:
    clock = [FIXED.timestamp()]
    async with console(now=lambda: clock[0], poll_interval=600) as (_, app, pilot, screen):
        session = select(screen, "browsers", lambda s: s.active and s.expires_at and instant(s.expires_at) > clock[0] + 90)
        end = instant(session.expires_at)
        clock[0] = end - 90
        await pilot.pause(1.2)
        assert not any("lease of" in m for m in messages(app))
        clock[0] = end - 45
        await wait_for(pilot, lambda: any(f"the lease of {session.id} ends in" in m for m in messages(app)), "the warning")
        await pilot.pause(1.2)
        assert sum(1 for m in messages(app) if f"the lease of {session.id}" in m) == 1


# ---- help and palette -------------------------------------------------------------------------------------
async def test_help_and_palette_list_every_endpoint_action() -> None:
    async with console(poll_interval=600, size=(200, 60)) as (_, app, pilot, _):
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        await pilot.pause()
        text = screen_text(app)
        for spec in ENDPOINT_SPECS:
            assert spec.id in text, spec.id
        await pilot.press("escape")
        from sessionboard.ui.commands import SessionCommands

        titles = [title for title, _help, _method in SessionCommands(board(app), None)._entries()]
        for spec in ENDPOINT_SPECS:
            assert spec.label in titles


async def test_going_down_past_the_last_devices_row_loads_the_older_page() -> None:
    async with console(provider_settings=PAGES_OF_3, poll_interval=600) as (cluster, _, pilot, screen):
        sim = cluster.sims["devices"]
        newest = [s["id"] for s in sim.orgs[sim.default_org].sessions[::-1]]
        await pilot.press("a")
        screen.post_message(screen.panel.Chosen(screen.panel, "lab"))
        await wait_for(pilot, lambda: screen.table.provider_filter == "lab", "the table filtered to lab")
        screen.table.focus()
        assert screen.table.row_count == 6
        await pilot.press("end", "down")
        await wait_for(pilot, lambda: screen.table.row_count == 9, "the older page appended")
        assert {k[1] for k in screen.table.keys()} == set(newest[:9])
        assert screen.table.cursor_row == 5  # the cursor stays; the user goes on down into the new rows


def test_new_log_entries_survive_a_window_that_rolled_over() -> None:
    from sessionboard.providers.vsay import LogEntry
    from sessionboard.ui.screens.logs import new_entries

    def entry(second: int, kind: str = "command") -> LogEntry:
        return LogEntry(timestamp=f"2035-03-02T09:00:{second:02d}Z", type=kind, content=f"c{second}")

    shown = [entry(1), entry(2), entry(3)]
    assert new_entries(shown, [entry(2), entry(3), entry(4)]) == [entry(4)]
    assert new_entries(shown, [entry(1), entry(2), entry(3)]) == []
    # the last shown entry rolled out of the answer: everything newer is new, nothing twice
    assert new_entries(shown, [entry(5), entry(6)]) == [entry(5), entry(6)]
    assert new_entries([], [entry(1)]) == [entry(1)]


def test_bars_are_proportional_and_never_empty_for_a_count() -> None:
    from sessionboard.ui.screens.stats import bar

    assert bar(10, 10, 20) == "█" * 20
    assert bar(5, 10, 20) == "█" * 10
    assert bar(1, 1000, 20) != ""
    assert bar(0, 10, 20) == ""


async def test_the_lease_of_a_session_created_here_warns_even_when_not_selected() -> None:
    clock = [FIXED.timestamp()]
    async with console(now=lambda: clock[0], poll_interval=600) as (_, app, pilot, screen):
        select(screen, "browsers")
        await pilot.press("c")  # created from the form (which selects it), then the user moves on
        await wait_for(pilot, lambda: app.screen is not screen, "the create form")
        app.screen.query_one("#field-leaseTime").value = "5"
        app.screen.query_one("#field-driver").value = "api"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(screen.endpoints.created) == 1, "the session created")
        key = next(iter(screen.endpoints.created))
        await wait_for(pilot, lambda: screen.table.cursor_key == key, "the new session listed and selected")
        select(screen, "ssh")
        assert screen.table.cursor_key != key
        end = instant(screen.table.session(key).expires_at)
        clock[0] = end - 30
        await wait_for(pilot, lambda: any(f"the lease of {key[1]} ends in" in m for m in messages(app)), "the warning")


async def test_device_view_shows_a_failed_device_and_the_providers_message() -> None:
    async with console(poll_interval=600, size=(160, 50)) as (cluster, app, pilot, _):
        sim = cluster.sims["rufus"]
        sim.fault = Fault("500", times=1)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DevicesActiveScreen), "the devices view")
        view = app.screen
        await wait_for(pilot, lambda: bool(view.rows), "the devices read")
        failed = [r for r in view.rows if r.error]
        assert len(failed) == 1 and "HTTP 500" in failed[0].error
        assert len([r for r in view.rows if not r.error]) == len(sim.device_ids) - 1
        assert any("timing:" in m and "HTTP 500" in m for m in messages(app))
        await pilot.press("r")  # the fault healed: every device reads again
        await wait_for(pilot, lambda: not any(r.error for r in view.rows), "every device read")
