"""Row 5: a timestamp anywhere in RFC 3339's range (year 1 east of UTC, year 9999 west of it, a
leap second) or not a timestamp at all is shown (or shown as invalid) and sorted, in any time
zone; none stops the console or a provider's list."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sessionboard.sim.hostile import ANCIENT_TIMES, KINDS, HostileServer
from sessionboard.ui.widgets.sessions.columns import SORTS
from tests.hostile.helpers import hostile_console, run_cli, server_for, until, write_config

ZONES = ("America/New_York", "UTC", "Pacific/Kiritimati")
"""West of UTC (year 1 falls before datetime.min there), UTC, and UTC+14 (year 9999 past max)."""
PER_KIND = 4 + len(ANCIENT_TIMES)


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    return str(request.param)


async def test_the_console_shows_and_sorts_every_time_in_every_zone(zone: str) -> None:
    server = server_for("ancient-time")
    async with hostile_console(server) as board:
        screen, pilot = board.screen, board.pilot
        await pilot.press("a")  # every session, ended or not
        await until(pilot, lambda: screen.table.row_count == PER_KIND * len(KINDS), "every session in the table")
        for _ in SORTS:
            await pilot.press("s")
            await pilot.pause()
            assert screen.table.row_count == PER_KIND * len(KINDS)
            texts = [screen.table.row_text(row) for row in range(screen.table.row_count)]
            assert len(texts) == PER_KIND * len(KINDS)
        for key in screen.table.keys():
            if screen.table.session(key).name.startswith("time "):  # type: ignore[union-attr]
                assert screen.table.select_key(key)
                await pilot.pause()
                assert screen.detail.session is not None and screen.detail.session.key == key
        await pilot.pause(1.2)  # a countdown tick over the year-9999 leases
        assert board.app.is_running


def test_the_cli_lists_every_time_in_every_zone(zone: str, tmp_path: Path) -> None:
    with HostileServer("ancient-time") as server:
        config = str(write_config(server, tmp_path))
        table = run_cli("list", "--all", "--config", config, env={"TZ": zone})
        listed = run_cli("list", "--all", "--json", "--config", config, env={"TZ": zone})
    assert table.returncode == 0 and table.err == "", table
    assert len(table.out.splitlines()) == 1 + PER_KIND * len(KINDS)
    assert listed.returncode == 0 and listed.err == "", listed
    sessions = json.loads(listed.stdout)
    assert len(sessions) == PER_KIND * len(KINDS)
    started = {(s["kind"], s["started_at"]) for s in sessions if (s["name"] or "").startswith("time ")}
    assert started == {(kind, value) for kind in KINDS for value in ANCIENT_TIMES}  # as the provider said
