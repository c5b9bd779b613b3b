"""Pictures of the console, compared with the accepted SVGs in `__snapshots__/`.

Frozen: the simulators' seed and clock, the console's clock (countdowns and poll ages), the poll
latency (the snapshots are fed by one poll each, made here, not by the loops) and the time zone.
Update with `pytest tests/ui/test_snapshots.py --snapshot-update`, then look at every changed picture.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from sessionboard.sim.faults import Fault
from sessionboard.ui.app import SessionboardApp
from tests.ui.helpers import board, settle, fail_once, load_once, make_app, make_cluster, wait_for


def loaded(extra=None):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[Any]) -> None:
        await load_once(pilot.app)
        await settle(pilot)
        if extra is not None:
            await extra(pilot)
            await settle(pilot)

    return run_before


def board_app(**settings: Any) -> SessionboardApp:
    return make_app(make_cluster(), autopoll=False, **settings)


def select(pilot: Pilot[Any], provider: str) -> None:
    screen = board(pilot.app)
    key = next(k for k in screen.table.keys() if k[0] == provider)
    screen.table.select_key(key)


def test_main_screen_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(), terminal_size=(80, 24), run_before=loaded())


def test_main_screen_120x35(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(), terminal_size=(120, 35), run_before=loaded())


def test_main_screen_200x50(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(), terminal_size=(200, 50), run_before=loaded())


def test_detail_pane_with_the_providers_get(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_detail(pilot: Pilot[Any]) -> None:
        select(pilot, "browsers")
        await settle(pilot)
        await pilot.press("enter")
        detail = board(pilot.app).detail
        await wait_for(pilot, lambda: detail.rich is not None, "the tasknet get")

    assert snap_compare(board_app(), terminal_size=(100, 64), run_before=loaded(open_detail))


def _create_form(provider: str):  # type: ignore[no-untyped-def]
    async def open_form(pilot: Pilot[Any]) -> None:
        select(pilot, provider)
        await settle(pilot)
        await pilot.press("c")

    return open_form


def test_create_form_rufus(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(), terminal_size=(100, 30), run_before=loaded(_create_form("timing")))


def test_create_form_vsay(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(), terminal_size=(100, 30), run_before=loaded(_create_form("ssh")))


def test_create_form_agents(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(), terminal_size=(100, 30), run_before=loaded(_create_form("agents")))


def test_create_form_tasknet(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(), terminal_size=(100, 40), run_before=loaded(_create_form("browsers")))


def test_create_form_with_bad_values(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def bad(pilot: Pilot[Any]) -> None:
        await _create_form("browsers")(pilot)
        await pilot.pause()
        pilot.app.screen.query_one("#field-leaseTime", Input).value = "75"
        await pilot.click("#create")
        # The button's pressed look lasts `active_effect_duration` (0.2 s): caught or missed by the
        # screenshot depending on the machine's speed. The picture is taken after it.
        await pilot.pause(0.4)

    assert snap_compare(board_app(), terminal_size=(100, 40), run_before=loaded(bad))


def test_confirm_close_dialog(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def ask(pilot: Pilot[Any]) -> None:
        select(pilot, "ssh")
        await settle(pilot)
        await pilot.press("x")

    assert snap_compare(board_app(), terminal_size=(100, 30), run_before=loaded(ask))


def test_a_provider_in_error(snap_compare) -> None:  # type: ignore[no-untyped-def]
    cluster = make_cluster()
    app = make_app(cluster, autopoll=False)

    async def run_before(pilot: Pilot[Any]) -> None:
        await load_once(pilot.app)
        cluster.sims["agents"].fault = Fault("500")
        await fail_once(pilot.app, "agents")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 40), run_before=run_before)


def test_theme_dark(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(theme="sessionboard-dark"), terminal_size=(130, 30), run_before=loaded())


def test_theme_light(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(board_app(theme="sessionboard-light"), terminal_size=(130, 30), run_before=loaded())


def test_no_configuration(snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    monkeypatch.setattr(
        "sessionboard.ui.screens.welcome.default_config_path",
        lambda: Path("/home/you/.config/sessionboard/config.toml"),
    )
    assert snap_compare(SessionboardApp(None), terminal_size=(100, 30))
