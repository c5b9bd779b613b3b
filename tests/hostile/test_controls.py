"""Rows 2 and 3: terminal controls in provider text (OSC 0 title, OSC 52 clipboard, CSI 2 J,
CR, BS, C1 CSI, DEL, a bidi override) never reach the operator's terminal as bytes: not from the
console (what it writes to its driver), not from the CLI (its stdout and stderr), and `--json`
keeps the content while escaping C1 and DEL too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sessionboard.model import Capability
from sessionboard.sim.hostile import CONTROL_TEXT, KINDS, HostileServer
from sessionboard.ui.screens.confirm import ConfirmScreen
from tests.hostile.helpers import (
    NAME,
    Board,
    byte_problems,
    hostile_console,
    run_cli,
    server_for,
    terminal_problems,
    until,
    write_config,
)

VISIBLE = "\\x1b]0;PWNED"
"""How OSC 0 reads once escaped: the same text, harmless."""


def ids_of(server: HostileServer, kind: str) -> list[str]:
    api = server.apis[kind]
    return [api.wire.id_of(item) for item in api.items]


async def visit(board: Board, key: tuple[str, str]) -> None:
    """Put the cursor on a session and wait for its detail, and for its "get" (answered or
    failed) where the provider has one."""
    screen, pilot = board.screen, board.pilot
    assert screen.table.select_key(key)
    detail = screen.detail
    await until(pilot, lambda: detail.session is not None and detail.session.key == key, "the detail")
    if screen.providers[key[0]].can(Capability.GET):
        await until(pilot, lambda: detail.rich is not None or detail.note is not None, "the detail's get")
    await pilot.pause()


async def test_controls_in_names_users_targets_and_ids_never_reach_the_terminal() -> None:
    server = server_for("osc-in-name")
    async with hostile_console(server) as board:
        screen, pilot = board.screen, board.pilot
        hostile = [key for key in screen.table.keys() if key[1].startswith("osc-")]
        assert len(hostile) == len(KINDS)
        for key in hostile:
            await visit(board, key)
            if screen.providers[key[0]].can(Capability.CLOSE):
                await pilot.press("x")  # the confirm dialog names the session
                await until(pilot, lambda: isinstance(board.app.screen, ConfirmScreen), "the confirm dialog")
                await pilot.press("escape")
                await until(pilot, lambda: board.app.screen is screen, "back on the board")
        await pilot.pause()
        written = board.written()
        assert terminal_problems(written) == []
        assert VISIBLE in written  # shown, as text


async def test_controls_in_a_providers_error_never_reach_the_terminal() -> None:
    server = server_for("osc-in-error")
    async with hostile_console(server) as board:
        await until(board.pilot, lambda: all(s.error for s in board.screen.statuses.values()), "every error shown")
        await board.pilot.pause()
        written = board.written()
        assert terminal_problems(written) == []
        assert VISIBLE in written


async def test_controls_in_action_errors_never_reach_the_terminal() -> None:
    server = server_for("osc-in-action-error", kinds=("tasknet", "vsay"))
    async with hostile_console(server) as board:
        screen, pilot = board.screen, board.pilot
        for kind in ("tasknet", "vsay"):
            key = (NAME[kind], ids_of(server, kind)[0])
            await visit(board, key)
            await pilot.press("x")
            await until(pilot, lambda: isinstance(board.app.screen, ConfirmScreen), "the confirm dialog")
            await pilot.press("y")
            await until(pilot, lambda: screen.last_result is not None and screen.last_result.provider == NAME[kind],
                        "the close to fail")
            assert screen.last_result is not None and not screen.last_result.ok
        await pilot.pause(0.3)
        written = board.written()
        assert terminal_problems(written) == []
        assert VISIBLE in written


# ---- the CLI -----------------------------------------------------------------------------------------------
@pytest.fixture
def named(tmp_path: Path):
    with HostileServer("osc-in-name") as server:
        yield server, write_config(server, tmp_path)


def test_list_prints_no_control_bytes_on_stdout_or_stderr(named) -> None:
    server, config = named
    ran = run_cli("list", "--all", "--config", str(config))
    assert byte_problems(ran.stdout) == [] and byte_problems(ran.stderr) == []
    assert VISIBLE in ran.out, ran
    for kind in KINDS:
        assert NAME[kind] in ran.out


def test_list_json_escapes_c1_and_del_and_keeps_the_content(named) -> None:
    server, config = named
    ran = run_cli("list", "--all", "--json", "--config", str(config))
    assert ran.returncode == 0, ran
    assert byte_problems(ran.stdout) == [] and byte_problems(ran.stderr) == []
    sessions = json.loads(ran.stdout)
    names = {s["kind"] for s in sessions if s["name"] == CONTROL_TEXT}
    assert names == set(KINDS)  # the very bytes, escaped in the JSON text only


def test_error_lines_on_stderr_and_check_hold_no_control_bytes(tmp_path: Path) -> None:
    with HostileServer("osc-in-error") as server:
        config = write_config(server, tmp_path)
        listed = run_cli("list", "--config", str(config))
        checked = run_cli("check", "--config", str(config))
    assert listed.returncode == 1 and len(listed.err_lines()) == len(KINDS), listed
    for ran in (listed, checked):
        assert byte_problems(ran.stdout) == [] and byte_problems(ran.stderr) == [], ran
    assert VISIBLE in listed.err and VISIBLE in checked.out


@pytest.mark.parametrize("verb", ["close", "extend", "create", "logs"])
def test_action_errors_on_stderr_hold_no_control_bytes(tmp_path: Path, verb: str) -> None:
    with HostileServer("osc-in-action-error") as server:
        config = str(write_config(server, tmp_path))
        args = {
            "close": ["close", "browsers", ids_of(server, "tasknet")[0]],
            "extend": ["extend", "browsers", ids_of(server, "tasknet")[0], "--minutes", "10"],
            "create": ["create", "browsers", "leaseTime=10", "driver=api"],
            "logs": ["logs", "ssh", ids_of(server, "vsay")[0]],
        }[verb]
        ran = run_cli(*args, "--config", config)
    assert ran.returncode == 1, ran
    assert byte_problems(ran.stdout) == [] and byte_problems(ran.stderr) == [], ran
    assert VISIBLE in ran.err
