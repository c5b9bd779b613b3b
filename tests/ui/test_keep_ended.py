"""The console keeps `[app] keep_ended` ended sessions per provider: the board's table (fed by the
poller's snapshots) never holds more, whatever the providers list."""

from __future__ import annotations

from tests.ui.helpers import console, wait_for


async def test_the_board_holds_at_most_keep_ended_ended_sessions_per_provider() -> None:
    async with console(sessions=25, keep_ended={"minutes": 30, "count": 2}) as (cluster, app, pilot, screen):
        await pilot.press("a")  # every session, ended ones too
        await wait_for(pilot, lambda: screen.table.show_all, "show all")
        ended: dict[str, int] = {}
        for key in screen.table.keys():
            session = screen.table.session(key)
            if not session.active:
                ended[key[0]] = ended.get(key[0], 0) + 1
        assert ended and max(ended.values()) <= 2
        listed = sum(sim.ended_count() for sim in cluster.sims.values())
        assert listed > 5 * 2  # the providers do list more than that
