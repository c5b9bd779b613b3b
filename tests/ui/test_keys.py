"""Every key of CONFIG.md's "Keys in the console", pressed as a person would, against the
simulators: the request reached the simulator, and the table changed accordingly."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select

from sessionboard.sim.faults import Fault
from sessionboard.ui.screens.confirm import ConfirmScreen
from sessionboard.ui.screens.create import CreateScreen
from sessionboard.ui.screens.extend import MinutesScreen
from sessionboard.ui.screens.help import HelpScreen
from tests.ui.helpers import burst, console, messages, screen_text, select, wait_for


def _gets(cluster, kind: str) -> int:
    return sum(1 for method, _ in cluster.sims[kind].requests if method == "GET")


async def test_startup_polls_every_provider_and_fills_the_table() -> None:
    async with console() as (cluster, _, _, screen):
        for kind in cluster.sims:
            assert _gets(cluster, kind) >= 1, kind
        active = sum(1 for key in screen.table.keys() if screen.table.session(key).active)
        assert active == screen.table.row_count > 0
        assert {k[0] for k in screen.table.keys()} == {"timing", "lab", "ssh", "agents", "browsers"}
        assert all(status.error is None for status in screen.statuses.values())


async def test_r_polls_every_provider_now() -> None:
    async with console(poll_interval=600) as (cluster, _, pilot, _):
        before = {kind: _gets(cluster, kind) for kind in cluster.sims}
        await pilot.press("r")
        await wait_for(
            pilot, lambda: all(_gets(cluster, k) > before[k] for k in cluster.sims), "a second GET to every simulator"
        )


async def test_slash_filters_by_visible_text_and_escape_clears() -> None:
    async with console() as (_, app, pilot, screen):
        total = screen.table.row_count
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"puppeteer")
        assert 0 < screen.table.row_count < total
        assert all("puppeteer" in screen.table.row_text(i) for i in range(screen.table.row_count))
        # typing in the filter does not trigger the keys (q would quit, r would poll)
        await pilot.press("escape")
        assert screen.table.row_count == total
        assert screen.table.filter_text == ""
        assert app.focused is screen.table


async def test_keys_typed_in_a_burst_after_slash_land_in_the_filter() -> None:
    """Type-ahead is kept: "/ssh" arriving in one read (a fast typist, a paste, tmux send-keys) must
    not leave "ssh" to the table, where `s` sorts. The box is opened twice: mounted, then reused."""
    async with console() as (_, app, pilot, screen):
        for _ in range(2):
            burst(app, "/ps/t")
            await pilot.pause(0.1)
            assert screen.table.filter_text == "ps/t"  # in the box, "/" and "t" (attach) are text
            assert screen.terminals is None
            assert screen.table.sort_key == "provider"
            await pilot.press("escape")
            assert screen.table.filter_text == ""


async def test_s_cycles_the_sort_column() -> None:
    async with console() as (_, _, pilot, screen):
        assert screen.table.sort_key == "provider"
        await pilot.press("s")
        assert screen.table.sort_key == "name"
        names = [(screen.table.session(k).name or "\uffff").casefold() for k in screen.table.keys()]
        assert names == sorted(names)
        for _ in range(7):
            await pilot.press("s")
        assert screen.table.sort_key == "provider"


async def test_a_toggles_all_and_active_sessions() -> None:
    async with console() as (_, _, pilot, screen):
        active = screen.table.row_count
        await pilot.press("a")
        assert screen.table.show_all
        assert screen.table.row_count > active
        assert any(not screen.table.session(k).active for k in screen.table.keys())
        await pilot.press("a")
        assert screen.table.row_count == active


async def test_enter_opens_the_detail_and_fetches_the_richer_get() -> None:
    async with console(size=(80, 24)) as (cluster, _, pilot, screen):
        detail = screen.detail
        assert detail.region.height == 0
        session = select(screen, "browsers")
        await pilot.press("enter")
        assert screen.has_class("-detail-open")
        await pilot.pause()
        assert detail.region.height > 5
        await wait_for(pilot, lambda: detail.rich is not None, "the tasknet GET answered in the pane")
        assert ("GET", f"/live/v1/sessions/{session.id}") in cluster.sims["tasknet"].requests
        assert detail.session.key == session.key
        text = str(detail.query_one("Static").render())
        assert session.id in text and "raw" in text
        assert "vncPassword" not in text or '"***"' in text
        await pilot.press("escape")
        assert not screen.has_class("-detail-open")
        await pilot.pause()
        assert detail.region.height == 0


async def test_c_creates_on_the_selected_provider() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        select(screen, "browsers")
        before = set(screen.table.keys())
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CreateScreen) and form.provider == "browsers"
        lease = form.query_one("#field-leaseTime", Input)
        lease.value = "15"
        driver = form.query_one("#field-driver", Select)
        driver.value = "puppeteer"  # a field the user must choose: no default
        assert isinstance(form.query_one("#field-isVncEnabled"), Checkbox)
        assert form.query_one("#field-fingerprintSecret", Input).password
        await pilot.click("#create")
        await wait_for(pilot, lambda: ("POST", "/live/v1/sessions") in cluster.sims["tasknet"].requests, "the POST")
        await wait_for(pilot, lambda: len(set(screen.table.keys()) - before) == 1, "the new row after the poll")
        (new,) = set(screen.table.keys()) - before
        assert new[0] == "browsers"
        assert screen.last_result is not None and screen.last_result.ok
        raw = screen.table.session(new).raw
        assert raw.get("currentLeaseTime") == 15


async def test_c_with_bad_values_shows_them_and_sends_nothing() -> None:
    async with console() as (cluster, app, pilot, screen):
        select(screen, "browsers")
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CreateScreen)
        form.query_one("#field-leaseTime", Input).value = "99"
        await pilot.click("#create")
        await pilot.pause()
        assert app.screen is form
        assert "leaseTime: 99 is above the maximum 60" in form.problems
        assert not any(m == "POST" for m, _ in cluster.sims["tasknet"].requests)
        await pilot.press("escape")
        assert app.screen is screen


async def test_c_shows_the_providers_own_error_and_leaves_the_table() -> None:
    """rufus answers 409 when the device already has an active session."""
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        busy = next(screen.table.session(k) for k in screen.table.keys() if k[0] == "timing")
        screen.table.select_key(busy.key)
        before = screen.table.keys()
        await pilot.press("c")
        form = app.screen
        assert isinstance(form, CreateScreen)
        form.query_one("#field-deviceid", Input).value = busy.target  # any device id: typed (suggestions offered)
        form.query_one("#field-alias", Input).value = "heat 9"
        await pilot.pause()  # the form marks the busy device under it: the button moves down
        await pilot.click("#create")
        await wait_for(pilot, lambda: screen.last_result is not None, "the create to end")
        assert ("POST", "/sessions") in cluster.sims["rufus"].requests
        assert not screen.last_result.ok
        assert "already has an active session" in screen.last_result.message
        assert screen.table.keys() == before


async def test_c_on_a_provider_that_cannot_create_says_so() -> None:
    async with console() as (_, app, pilot, screen):
        select(screen, "lab")
        await pilot.press("c")
        await pilot.pause()
        assert any("devices provider cannot create" in m for m in messages(app))
        assert app.screen.__class__.__name__ == "ChooseProviderScreen"


async def test_x_closes_after_a_confirmation_that_names_the_session() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "browsers")
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert session.id in dialog.question and "browsers" in dialog.question
        await pilot.press("y")
        path = f"/live/v1/sessions/{session.id}"
        await wait_for(pilot, lambda: ("DELETE", path) in cluster.sims["tasknet"].requests, "the DELETE")
        await wait_for(pilot, lambda: session.key not in screen.table.keys(), "the ended row to leave the active view")
        assert screen.last_result.ok


async def test_x_then_y_in_one_burst_closes_the_session() -> None:
    """On-call staff type `xy` faster than a frame: the answer may reach the dialog while it is
    still being composed, and must close the session rather than crash the console."""
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "browsers")
        burst(app, "xy")
        path = f"/live/v1/sessions/{session.id}"
        await wait_for(pilot, lambda: ("DELETE", path) in cluster.sims["tasknet"].requests, "the DELETE")
        assert app.screen is screen
        assert app.return_code is None and app.is_running


async def test_x_cancelled_sends_nothing() -> None:
    async with console() as (cluster, app, pilot, screen):
        select(screen, "ssh")
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert not any(m == "DELETE" for m, _ in cluster.sims["vsay"].requests)


async def test_x_without_confirmation_when_configured() -> None:
    async with console(confirm_destructive=False) as (cluster, app, pilot, screen):
        session = select(screen, "ssh")
        await pilot.press("x")
        await wait_for(
            pilot, lambda: ("DELETE", f"/sessions/{session.id}") in cluster.sims["vsay"].requests, "the DELETE"
        )
        assert app.screen is screen


async def test_e_extends_a_lease_with_the_minutes_asked() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        session = select(screen, "browsers")
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, MinutesScreen)
        box = dialog.query_one(Input)
        box.value = ""
        await pilot.press("4", "5", "enter")
        path = f"/live/v1/sessions/{session.id}"
        await wait_for(pilot, lambda: ("PATCH", path) in cluster.sims["tasknet"].requests, "the PATCH")
        await wait_for(
            pilot,
            lambda: screen.table.session(session.key).raw.get("currentLeaseTime") == 45,
            "the new lease in the table after the poll",
        )


async def test_e_sends_a_heartbeat_for_an_agent_run() -> None:
    async with console() as (cluster, _, pilot, screen):
        session = select(screen, "agents")
        await pilot.press("e")
        path = f"/api/active-sessions/heartbeat/{session.target}"
        await wait_for(pilot, lambda: ("PUT", path) in cluster.sims["agents"].requests, "the heartbeat PUT")
        await wait_for(pilot, lambda: screen.last_result is not None, "the result")
        assert screen.last_result.ok and "heartbeat" in screen.last_result.message


async def test_e_on_a_provider_that_cannot_extend_says_so_and_sends_nothing() -> None:
    async with console() as (cluster, app, pilot, screen):
        select(screen, "timing")
        sent = list(cluster.sims["rufus"].requests)
        await pilot.press("e")
        await pilot.pause()
        assert any("rufus provider cannot extend" in m for m in messages(app))
        assert [r for r in cluster.sims["rufus"].requests if r[0] != "GET"] == [r for r in sent if r[0] != "GET"]


async def test_t_says_which_sessions_can_attach() -> None:
    async with console() as (_, app, pilot, screen):
        select(screen, "timing")
        await pilot.press("t")
        await pilot.pause()
        assert any("cannot attach" in m and "ssh (vsay)" in m for m in messages(app))


async def test_question_mark_lists_the_keys() -> None:
    async with console() as (_, app, pilot, _):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        text = screen_text(app)
        for action in ("filter", "refresh", "detail", "create", "close", "extend", "attach", "toggle_all", "sort"):
            assert action in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits() -> None:
    async with console() as (_, app, pilot, _):
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_keys_from_the_config_rebind_the_actions() -> None:
    async with console(keys={"close": "ctrl+d", "sort": "k"}) as (_, app, pilot, screen):
        select(screen, "ssh")
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("k")
        assert screen.table.sort_key == "name"
        await pilot.press("ctrl+d")
        assert isinstance(app.screen, ConfirmScreen)


async def test_choosing_a_provider_in_the_panel_filters_the_table() -> None:
    async with console() as (_, _, pilot, screen):
        total = screen.table.row_count
        screen.panel.focus()
        screen.panel.highlighted = screen.panel.get_option_index("ssh")
        await pilot.press("enter")
        assert screen.table.provider_filter == "ssh"
        assert {k[0] for k in screen.table.keys()} == {"ssh"}
        screen.panel.highlighted = 0
        await pilot.press("enter")
        assert screen.table.provider_filter is None
        assert screen.table.row_count == total


async def test_the_command_palette_runs_an_action() -> None:
    async with console() as (_, app, pilot, screen):
        from textual.command import CommandList, CommandPalette

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Sort")
        palette = app.screen
        await wait_for(
            pilot,
            lambda: any("Sort" in str(o.prompt) for o in palette.query_one(CommandList).options),
            "the Sort command among the hits",
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.table.sort_key == "name", "the palette's Sort to run")


async def test_a_failing_provider_keeps_its_sessions_as_stale_and_recovers() -> None:
    async with console(poll_interval=600) as (cluster, _, pilot, screen):
        agents_rows = {k for k in screen.table.keys() if k[0] == "agents"}
        cluster.sims["agents"].fault = Fault("500")
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.statuses["agents"].error is not None, "the agents error in the panel")
        assert "HTTP 500" in screen.statuses["agents"].error
        assert screen.statuses["agents"].stale
        assert {k for k in screen.table.keys() if k[0] == "agents"} == agents_rows
        assert all(s.error is None for n, s in screen.statuses.items() if n != "agents")
        cluster.sims["agents"].fault = Fault("none")
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.statuses["agents"].error is None, "agents to come back")
        assert not screen.statuses["agents"].stale


async def test_nothing_a_provider_sends_crashes_the_console() -> None:
    async with console(poll_interval=600) as (cluster, app, pilot, screen):
        for kind, mode in (("tasknet", "html"), ("vsay", "invalid_json"), ("devices", "wrong_shape"),
                           ("rufus", "refuse_auth")):
            cluster.sims[kind].fault = Fault(mode)
        await pilot.press("r")
        names = {"browsers", "ssh", "lab", "timing"}
        await wait_for(pilot, lambda: all(screen.statuses[n].error for n in names), "four errors")
        for name in names:
            error = screen.statuses[name].error
            assert "\n" not in error and "Traceback" not in error
        assert screen.statuses["agents"].error is None
        assert app.is_running
        # and an action on a broken provider ends in one line, the table as it was
        select(screen, "browsers")
        before = screen.table.keys()
        await pilot.press("e")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.last_result is not None, "the failed extend")
        assert not screen.last_result.ok and "HTML" in screen.last_result.message
        assert screen.table.keys() == before


async def test_ctrl_right_bracket_says_no_terminal_is_attached() -> None:
    async with console() as (_, app, pilot, _):
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause()
        assert any("no terminal is attached" in m for m in messages(app))


async def test_enter_on_a_wide_screen_moves_to_the_side_detail_and_back() -> None:
    async with console() as (_, app, pilot, screen):
        assert screen.detail.region.width > 0  # beside the table from the start
        await pilot.press("enter")
        assert app.focused is screen.detail
        await pilot.press("enter")
        assert app.focused is screen.table


async def test_the_key_bar_and_help_show_the_keys_of_the_config() -> None:
    async with console(keys={"close": "ctrl+d"}) as (_, app, pilot, _):
        text = screen_text(app)
        assert "ctrl+d Close" in " ".join(text.split())
        await pilot.press("question_mark")
        await pilot.pause()
        assert "ctrl+d close" in " ".join(screen_text(app).split())


async def test_clicking_a_row_selects_it() -> None:
    async with console() as (_, _, pilot, screen):
        await pilot.click("#sessions", offset=(5, 4))
        assert screen.table.cursor_row == 3
