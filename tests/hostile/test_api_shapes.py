"""Rows 17, 18, 19 and 21: lenient where the APIs' specs allow, strict where they forbid. A create
value whose schema has a format (uuid) is refused before anything is sent; `logs` in text mode
takes a text/plain answer; `environment_id` is an identifier, not a secret (secrets are masked as
whole values, never inside other words); a rufus create may name a device the config does not
list, and the console then watches that device too."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Select

from sessionboard.sim.hostile import HostileServer
from sessionboard.ui.screens.create import CreateScreen
from sessionboard.ui.screens.logs import LogsScreen
from tests.hostile.helpers import (
    byte_problems,
    hostile_console,
    run_cli,
    server_for,
    terminal_problems,
    until,
    write_config,
)

UNLISTED = "RUF-0999"
ENV_SECRET = "tasknet-env-secret-4711"


def first_id(server: HostileServer, kind: str) -> str:
    api = server.apis[kind]
    return str(api.wire.id_of(api.items[0]))


# ---- row 17 -----------------------------------------------------------------------------------------
def test_cli_refuses_a_fingerprint_that_is_not_a_uuid_before_sending(tmp_path: Path) -> None:
    with HostileServer("clean", kinds=("tasknet",)) as server:
        config = write_config(server, tmp_path)
        ran = run_cli("create", "browsers", "leaseTime=10", "driver=api", "fingerprintUUID=not-a-uuid",
                      "--config", str(config))
    assert ran.returncode == 2 and "fingerprintUUID" in ran.err, ran
    assert server.requests("tasknet", "POST") == []


async def test_console_refuses_a_fingerprint_that_is_not_a_uuid_before_sending() -> None:
    server = server_for("clean", kinds=("tasknet",))
    async with hostile_console(server) as board:
        app, pilot = board.app, board.pilot
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CreateScreen), "the create form")
        form = app.screen
        assert isinstance(form, CreateScreen)
        form.query_one("#field-leaseTime", Input).value = "10"
        form.query_one("#field-driver", Select).value = "api"
        form.query_one("#field-fingerprintUUID", Input).value = "not-a-uuid"
        await pilot.click("#create")
        await pilot.pause()
        problems = form.problems
        assert app.screen is form  # still open: nothing was sent
        assert "fingerprintUUID" in problems, problems
    assert server.requests("tasknet", "POST") == []


# ---- row 18 -----------------------------------------------------------------------------------------
def test_cli_logs_in_text_mode_takes_a_text_plain_answer(tmp_path: Path) -> None:
    with HostileServer("text-logs", kinds=("vsay",)) as server:
        config = write_config(server, tmp_path)
        ran = run_cli("logs", "ssh", first_id(server, "vsay"), "--config", str(config))
    assert ran.returncode == 0, ran
    assert "ls -la" in ran.out and "total 0" in ran.out
    assert byte_problems(ran.stdout) == [] and byte_problems(ran.stderr) == []
    assert "\\x1b]0;PWNED" in ran.out


async def test_console_logs_show_every_line_with_controls_escaped() -> None:
    server = server_for("text-logs", kinds=("vsay",))
    async with hostile_console(server) as board:
        app, pilot = board.app, board.pilot
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await until(pilot, lambda: "total 0" in logs.shown_text(), "the log's lines")
        await pilot.pause()
        assert "ls -la" in logs.shown_text()
        assert terminal_problems(board.written()) == []


# ---- row 19 -----------------------------------------------------------------------------------------
def test_cli_an_environment_id_like_the_mode_is_not_masked_but_secrets_are(tmp_path: Path) -> None:
    with HostileServer("error-echo", kinds=("tasknet",)) as server:
        config = write_config(server, tmp_path, providers={"tasknet": {
            "environment_id": "live", "environment_secret": ENV_SECRET}})
        listed = run_cli("list", "--config", str(config))
        created = run_cli("create", "browsers", "leaseTime=5", "driver=api", "--config", str(config))
        key = server.api_key("tasknet")
    assert "GET /live/v1/sessions" in listed.err and "/***/" not in listed.err, listed
    assert "x-environment-id=live" in created.err, created
    for ran in (listed, created):
        assert key not in ran.err and ENV_SECRET not in ran.err
    assert "x-environment-secret=***" in created.err


async def test_console_an_environment_id_like_the_mode_is_not_masked() -> None:
    server = server_for("error-echo", kinds=("tasknet",))
    async with hostile_console(server, providers={"tasknet": {"environment_id": "live"}}) as board:
        error = board.screen.statuses["browsers"].error or ""
        assert "GET /live/v1/sessions" in error and "/***/" not in error, error
        assert server.api_key("tasknet") not in error


# ---- row 21 -----------------------------------------------------------------------------------------
def test_cli_creates_on_a_device_the_config_does_not_list_and_says_so(tmp_path: Path) -> None:
    with HostileServer("clean", kinds=("rufus",)) as server:
        config = write_config(server, tmp_path)
        ran = run_cli("create", "timing", f"deviceid={UNLISTED}", "alias=x", "--config", str(config))
    assert ran.returncode == 0, ran
    (post,) = server.requests("rufus", "POST")
    assert post.json() == {"deviceid": UNLISTED, "alias": "x"}
    start = ran.out.index("{")
    assert json.loads(ran.out[start:])["target"] == UNLISTED
    said = ran.err + ran.out[:start]
    assert UNLISTED in said, ran  # a note that the new session's device is not listed


async def test_console_creates_on_an_unlisted_device_and_watches_it() -> None:
    server = server_for("clean", kinds=("rufus",))
    async with hostile_console(server) as board:
        app, pilot, screen = board.app, board.pilot, board.screen
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CreateScreen), "the create form")
        device = app.screen.query_one("#field-deviceid")
        assert isinstance(device, Input), f"the form cannot take a device it does not list: {device!r}"
        device.value = UNLISTED
        app.screen.query_one("#field-alias", Input).value = "x"
        await pilot.click("#create")
        await until(pilot, lambda: bool(server.requests("rufus", "POST")), "the POST")
        await until(pilot, lambda: screen.last_result is not None, "the create to end")
        assert screen.last_result is not None and screen.last_result.ok, screen.last_result
        await until(pilot, lambda: any(s.path.endswith(f"/sessions/device/{UNLISTED}") and s.method == "GET"
                                       for s in server.seen), "a poll of the new device")
        await until(pilot, lambda: any(k[0] == "timing" and screen.table.session(k).target == UNLISTED  # type: ignore[union-attr]
                                       for k in screen.table.keys()), "the new session in the table")


def test_cli_a_secret_is_masked_as_a_whole_value_only(tmp_path: Path) -> None:
    """A key that is also a word of the path (`live`): the echoed key is masked, the path is not."""
    with HostileServer("error-echo", kinds=("tasknet",), api_keys={"tasknet": "live"}) as server:
        config = write_config(server, tmp_path)
        ran = run_cli("list", "--config", str(config))
    assert "GET /live/v1/sessions" in ran.err and "/tasknet/live/v1/sessions" in ran.err, ran
    assert "x-api-key=***" in ran.err and "x-api-key=live" not in ran.err
