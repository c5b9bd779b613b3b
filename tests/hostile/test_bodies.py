"""Rows 6 and 7: bodies and views are bounded. A 1 MB gzip answer that decodes to 1 GiB is cut
while it streams (`max_response_mb`, default 64) and becomes one clear line, in bounded memory;
one 50 MB session is listed, and the detail pane shows a bounded raw view that says how much it
left out."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

from textual.widgets import Static

from sessionboard.sim.hostile import KINDS, HostileServer, Options
from tests.hostile.helpers import NAME, hostile_console, run_cli, server_for, until, write_config

CAP_LINE = re.compile(r"\b(64|8)\s*(MB|MiB)\b|max_response_mb", re.IGNORECASE)
"""The one line a capped body becomes names the cap (default 64 MB; 8 where the test sets it)."""
LEFT_OUT = re.compile(r"\d[\d,.]*\s*(more|KB|MB|MiB|characters|bytes)|truncated|left out", re.IGNORECASE)
MIB = 1024 * 1024


def test_the_cli_cuts_a_gzip_bomb_in_bounded_memory(tmp_path: Path) -> None:
    """The row as it was tried: 1 GiB behind each of the five lists, `timeout = 3`."""
    with HostileServer("gzip-bomb") as server:
        config = write_config(server, tmp_path, app={"timeout": 3})
        ran = run_cli("list", "--config", str(config), memory_limit_mb=2048)
    assert ran.max_rss_mb < 600, ran.max_rss_mb  # 1.2 GB and more when the body is decoded whole
    lines = ran.err_lines()
    assert ran.returncode == 1 and len(lines) == len(KINDS), ran
    for kind, line in zip(sorted(NAME[k] for k in KINDS), sorted(lines)):
        assert line.startswith(f"{kind}: ") and CAP_LINE.search(line), line
    assert "internal error" not in ran.err


async def test_the_console_cuts_a_gzip_bomb_in_bounded_memory() -> None:
    server = server_for("gzip-bomb", kinds=("vsay",), options=Options(bomb_mb=256))
    tracemalloc.start()
    try:
        async with hostile_console(server, max_response_mb=8) as board:
            status = board.screen.statuses["ssh"]
            await until(board.pilot, lambda: status.error is not None, "the poll to fail")
            assert CAP_LINE.search(status.error or ""), status.error
            assert board.app.is_running
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * MIB, f"{peak / MIB:.0f} MiB traced"  # 770 MiB when decoded whole


async def test_the_detail_pane_shows_a_huge_session_in_a_bounded_view() -> None:
    server = server_for("huge-session", kinds=("vsay",), options=Options(huge_mb=1))
    async with hostile_console(server) as board:
        screen, pilot = board.screen, board.pilot
        tracemalloc.start()
        try:
            await pilot.press("slash", *"huge", "enter")
            await until(pilot, lambda: screen.table.row_count == 1, "the table filtered to the huge session")
            await until(pilot, lambda: screen.detail.rich is not None, "the detail's get")
            await pilot.pause()
            shown = str(screen.detail.query_one(Static).render())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(shown) < 1_000_000, len(shown)  # 2.9 million characters in full
        assert LEFT_OUT.search(shown), shown[-300:]
        assert peak < 100 * MIB, f"{peak / MIB:.0f} MiB traced"  # ~250 MiB when laid out whole
        assert board.app.is_running


def test_the_cli_lists_a_50_mb_session_in_bounded_memory_and_width(tmp_path: Path) -> None:
    with HostileServer("huge-session", kinds=("vsay",)) as server:
        config = write_config(server, tmp_path)
        ran = run_cli("list", "--all", "--config", str(config))
    assert ran.returncode == 0, ran
    assert ran.max_rss_mb < 600, ran.max_rss_mb
    assert max(len(line) for line in ran.out.splitlines()) < 400  # the 100 KB name is cut to its column
    assert "huge NNN" in ran.out
