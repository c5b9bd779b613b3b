"""Pictures of the extend dialog (a shortening, not yet confirmed) and of the create form holding a
provider's refusal, at 80x24, 120x35 and 200x50. Frozen as in test_snapshots.py (seed, both clocks,
one poll each, the time zone). Update with `--snapshot-update`, then look at every changed picture."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select

from sessionboard.ui.screens.create import CreateScreen
from sessionboard.ui.screens.extend import MinutesScreen
from tests.ui.helpers import board, load_once, make_app, make_cluster, settle, wait_for

SIZES = [(80, 24), (120, 35), (200, 50)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_extend_dialog_refusing_a_shortening(snap_compare: Any, size: tuple[int, int]) -> None:
    cluster = make_cluster()
    made = cluster.sims["tasknet"].create("live", 30)  # ends 30 minutes after FIXED

    async def run_before(pilot: Pilot[Any]) -> None:
        await load_once(pilot.app)
        await settle(pilot)
        assert board(pilot.app).table.select_key(("browsers", made.session_uuid))
        await settle(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MinutesScreen), "the extend dialog")
        await pilot.pause()
        await pilot.press("backspace", "backspace", "2", "0", "enter")  # 20: ten minutes sooner
        await settle(pilot)

    assert snap_compare(make_app(cluster, autopoll=False), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_create_form_with_the_providers_error(snap_compare: Any, size: tuple[int, int]) -> None:
    cluster = make_cluster()

    async def run_before(pilot: Pilot[Any]) -> None:
        await load_once(pilot.app)
        await settle(pilot)
        screen = board(pilot.app)
        busy = next(screen.table.session(k) for k in screen.table.keys() if k[0] == "timing")
        assert screen.table.select_key(busy.key)
        await settle(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CreateScreen), "the create form")
        form = pilot.app.screen
        await pilot.pause()
        form.query_one("#pick-deviceid", Select).value = busy.target  # picked from the suggestions
        form.set_focus(form.query_one("#field-alias", Input))
        await pilot.press(*"heat 9", "enter")
        errors = form.query_one("#errors", Label)
        await wait_for(pilot, lambda: "refused" in str(errors.render()), "the refusal in the form")
        await settle(pilot)

    assert snap_compare(make_app(cluster, autopoll=False), terminal_size=size, run_before=run_before)
