"""The console's start: the board is painted before the adapters exist and before any provider
answers; each provider says it is connecting until its first poll."""

from __future__ import annotations

from typing import Any

from sessionboard.config import parse_config
from sessionboard.sim.layout import listening_socket, provider_tables, session_counts
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.screens.main import MainScreen
from tests.ui.helpers import board, wait_for


class Recording(SessionboardApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown_with: list[int] = []

    def on_main_screen_shown(self, message: MainScreen.Shown) -> None:
        self.shown_with.append(len(board(self).providers))


async def test_the_board_is_painted_connecting_then_its_adapters_are_made() -> None:
    with listening_socket() as sock:  # listens, never answers: every first poll stays pending
        port = sock.getsockname()[1]
        tables = provider_tables(port, dict.fromkeys(session_counts(1, 2), "key"), session_counts(1, 2))
        app = Recording(parse_config({"providers": tables}))
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, lambda: bool(app.shown_with), "the board's first frame")
            screen = board(app)
            assert app.shown_with == [5]  # made after the frame, before the board said it was shown
            panel = "\n".join(screen.panel.render_line(y).text for y in range(screen.panel.size.height))
            assert panel.count("connecting…") == 5
            assert all(s.received_at is None and not s.error for s in screen.statuses.values())
