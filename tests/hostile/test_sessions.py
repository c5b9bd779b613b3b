"""Rows 13, 14 and 16: one bad session costs one line, not its provider. A session whose id is
null, a number or missing is skipped and named while the other four are shown; an id listed
three times is kept once, with a warning naming it, the same way in the CLI and the console; a
tasknet list answered `{}` is an empty list."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sessionboard.sim.hostile import KINDS, HostileServer
from tests.hostile.helpers import NAME, Board, hostile_console, rows_of, run_cli, server_for, write_config
from tests.ui.helpers import messages, screen_text

BAD_IDS = ("null-id", "number-id", "missing-id")


def told(board: Board, *words: str) -> bool:
    """Whether the console says something holding every word (a toast or on the screen)."""
    said = [*messages(board.app), screen_text(board.app)]
    return any(all(word in text for word in words) for text in said)


@pytest.mark.parametrize("scenario", BAD_IDS)
def test_cli_skips_and_names_one_bad_session_and_lists_the_rest(tmp_path: Path, scenario: str) -> None:
    with HostileServer(scenario) as server:
        config = write_config(server, tmp_path)
        ran = run_cli("list", "--all", "--json", "--config", str(config))
    per_kind = Counter(s["kind"] for s in json.loads(ran.stdout or "[]"))
    assert per_kind == {kind: 4 for kind in KINDS}, ran
    lines = ran.err_lines()
    for kind in KINDS:
        named = [line for line in lines if line.startswith(f"{NAME[kind]}: ")]
        assert len(named) == 1 and "skipped" in named[0], lines


@pytest.mark.parametrize("scenario", BAD_IDS)
async def test_console_skips_and_names_one_bad_session_and_shows_the_rest(scenario: str) -> None:
    server = server_for(scenario)
    async with hostile_console(server) as board:
        await board.pilot.press("a")
        await board.pilot.pause()
        for kind in KINDS:
            name = NAME[kind]
            assert board.screen.statuses[name].error is None, board.screen.statuses[name]
            assert len(rows_of(board.screen, name)) == 4
        assert told(board, "skipped")


def test_cli_keeps_a_duplicate_id_once_and_names_it(tmp_path: Path) -> None:
    with HostileServer("duplicate-ids") as server:
        config = write_config(server, tmp_path)
        ran = run_cli("list", "--all", "--json", "--config", str(config))
    sessions = json.loads(ran.stdout)
    assert Counter(s["kind"] for s in sessions) == {kind: 5 for kind in KINDS}
    assert Counter(s["kind"] for s in sessions if s["id"] == "dup-1") == {kind: 1 for kind in KINDS}
    for kind in KINDS:
        assert any(line.startswith(f"{NAME[kind]}: ") and "dup-1" in line for line in ran.err_lines()), ran


async def test_console_keeps_a_duplicate_id_once_and_names_it_as_the_cli_does() -> None:
    server = server_for("duplicate-ids")
    async with hostile_console(server) as board:
        await board.pilot.press("a")
        await board.pilot.pause()
        for kind in KINDS:
            assert len(rows_of(board.screen, NAME[kind])) == 5
            assert board.screen.table.count(NAME[kind], active_only=False) == 5
        assert told(board, "dup-1")


def test_cli_takes_a_tasknet_answer_of_an_empty_object_as_no_sessions(tmp_path: Path) -> None:
    with HostileServer("empty-object", kinds=("tasknet",)) as server:
        config = str(write_config(server, tmp_path))
        listed = run_cli("list", "--config", config)
        checked = run_cli("check", "--config", config)
    assert (listed.returncode, listed.out.strip(), listed.err) == (0, "no sessions", ""), listed
    assert checked.returncode == 0 and checked.out.startswith("ok   browsers (tasknet):"), checked
    assert "0 sessions" in checked.out


async def test_console_takes_a_tasknet_answer_of_an_empty_object_as_no_sessions() -> None:
    server = server_for("empty-object", kinds=("tasknet", "vsay"))
    async with hostile_console(server) as board:
        status = board.screen.statuses["browsers"]
        assert status.error is None, status.error
        assert rows_of(board.screen, "browsers") == [] and len(rows_of(board.screen, "ssh")) == 4
