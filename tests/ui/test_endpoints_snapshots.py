"""Pictures of the endpoint views, compared with the accepted SVGs in `__snapshots__/`: frozen the
same way as `test_snapshots.py` (seeded simulators on a fixed clock, fixed console clock, UTC).
The VNC picture is the masked pane: a password must never be in an accepted picture."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.screens.devices_active import DevicesActiveScreen
from sessionboard.ui.screens.logs import LogsScreen
from sessionboard.ui.screens.stats import StatsScreen
from tests.ui.helpers import board, settle, load_once, make_app, make_cluster, wait_for


def board_app() -> SessionboardApp:
    return make_app(make_cluster(), autopoll=False)


def select(pilot: Pilot[Any], provider: str, where: Any = lambda s: s.active) -> None:
    screen = board(pilot.app)
    key = next(k for k in screen.table.keys() if k[0] == provider and where(screen.table.session(k)))
    screen.table.select_key(key)


async def loaded(pilot: Pilot[Any]) -> None:
    """The first poll in and drawn, before any key."""
    await load_once(pilot.app)
    await settle(pilot)


async def open_logs(pilot: Pilot[Any]) -> None:
    """The logs of the first active ssh session, once read."""
    select(pilot, "ssh")
    await pilot.press("l")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LogsScreen), "the logs")
    logs = pilot.app.screen
    await wait_for(pilot, lambda: bool(logs.entries), "the log read")


def test_stats_view(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StatsScreen), "the statistics")
        stats = pilot.app.screen
        await pilot.press("w")
        await wait_for(pilot, lambda: stats.shown_period == "week", "the week's statistics")
        await settle(pilot)

    assert snap_compare(board_app(), terminal_size=(110, 34), run_before=run_before)


def test_logs_view(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await open_logs(pilot)
        await settle(pilot)

    assert snap_compare(board_app(), terminal_size=(110, 34), run_before=run_before)


def test_logs_view_searched(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await open_logs(pilot)
        await pilot.press("slash", *"git")
        await settle(pilot)

    assert snap_compare(board_app(), terminal_size=(110, 34), run_before=run_before)


def test_devices_active_view(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, DevicesActiveScreen), "the devices")
        view = pilot.app.screen
        await wait_for(pilot, lambda: bool(view.rows), "the devices read")
        await settle(pilot)

    assert snap_compare(board_app(), terminal_size=(130, 30), run_before=run_before)


def test_vnc_details_masked(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        select(pilot, "browsers", lambda s: s.active and s.raw.get("isVncEnabled"))
        await settle(pilot)
        await pilot.press("enter")
        detail = board(pilot.app).detail
        await wait_for(pilot, lambda: detail.rich is not None, "the tasknet get")
        await settle(pilot)

    assert snap_compare(board_app(), terminal_size=(100, 60), run_before=run_before)


def test_no_accepted_picture_holds_a_vnc_password() -> None:
    from pathlib import Path

    cluster = make_cluster()
    passwords = {s.vnc_password for sessions in cluster.sims["tasknet"].modes.values() for s in sessions.values()}
    passwords.discard("")
    passwords.discard(None)
    assert passwords
    pictures = list((Path(__file__).parent / "__snapshots__").rglob("*.svg"))
    assert pictures
    for picture in pictures:
        text = picture.read_text()
        assert not any(p in text for p in passwords), picture.name
