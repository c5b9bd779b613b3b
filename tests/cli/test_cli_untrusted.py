"""Issue 14 row 3: what the CLI writes is checked byte by byte against a provider whose every
string is made of terminal controls. Human output and stderr show them as visible escapes
(`\\x1b`, `\\x9b`), `--json` escapes C1 and DEL as well as C0 and stays valid JSON with the
content kept; every error line starts with `sessionboard:`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli_bytes
from tests.cli.hostile_app import EVIL, FORBIDDEN, HUGE, URL_SAFE_EVIL, UUID_ID, config_text, evil, serving

SHOWN = "\\x1b]0;PWNED\\x07"
"""The OSC 0 title sequence as a person must see it: readable, inert."""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving() as port:
        path: Path = tmp_path_factory.mktemp("hostile") / "hostile.toml"
        path.write_text(config_text(port))
        yield str(path)


def controls(data: bytes) -> list[str]:
    """The forbidden characters in `data` (which must be UTF-8: a stray byte is a finding too)."""
    return sorted({repr(c) for c in data.decode("utf-8") if c in FORBIDDEN})


def run_clean(config: str, *args: str) -> tuple[int, str, str]:
    result = run_cli_bytes(*args, "--config", config)
    assert controls(result.stdout) == [], result.stdout[:2000]
    assert controls(result.stderr) == [], result.stderr[:2000]
    err = result.stderr.decode()
    for line in err.splitlines():
        assert line.startswith("sessionboard: "), line
    assert "Traceback" not in err
    return result.returncode, result.stdout.decode(), err


def test_the_table_shows_controls_as_escapes_and_the_failure_on_stderr(hostile: str) -> None:
    code, out, err = run_clean(hostile, "list", "--all")
    assert code == 1
    assert SHOWN in out  # cells are cut at 40 characters: the rest of EVIL is checked in --json
    assert len(out.splitlines()) == 1 + 6  # the header, two sessions each from ssh, agents, browsers
    broken, huge = err.splitlines()
    assert broken.startswith("sessionboard: broken: GET /api/v1/sessions: server error (HTTP 500): error body:")
    assert SHOWN in broken
    assert huge.startswith("sessionboard: huge: ") and huge.endswith(" more characters)")


def test_a_megabyte_error_message_is_one_bounded_line(hostile: str) -> None:
    code, out, err = run_clean(hostile, "list", "--provider", "huge")
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert len(line) < 2100 and SHOWN in line
    cut = re.search(r"… \(([\d,]+) more characters\)$", line)
    assert cut is not None and HUGE - 2000 < int(cut.group(1).replace(",", "")) < HUGE
    code, out, _ = run_clean(hostile, "check")
    fail = next(line for line in out.splitlines() if line.startswith("FAIL huge"))
    assert len(fail) < 2100 and fail.endswith(" more characters)")


def test_list_json_escapes_c1_and_del_and_keeps_every_string(hostile: str) -> None:
    code, out, err = run_clean(hostile, "list", "--all", "--json")
    assert code == 1 and err.startswith("sessionboard: broken: ")
    assert "\\u009b" in out and "\\u007f" in out and "\\u001b" in out
    sessions = json.loads(out)
    by_id = {s["id"]: s for s in sessions}
    vsay = by_id[evil("vsay-id")]
    assert vsay["name"] == evil("machine") and vsay["user"] == evil("user") and vsay["target"] == evil("mid")
    assert vsay["raw"]["ip_address"] == evil("ip")
    assert by_id[evil("agents-id")]["target"] == evil("task")
    assert by_id[UUID_ID]["name"] == evil("driver") and by_id[UUID_ID]["raw"]["vncPassword"] == "***"


def test_check_says_each_provider_in_clean_lines(hostile: str) -> None:
    code, out, _ = run_clean(hostile, "check")
    assert code == 1
    fail = next(line for line in out.splitlines() if line.startswith("FAIL broken"))
    assert SHOWN in fail
    code, out, _ = run_clean(hostile, "check", "--json")
    report = {entry["provider"]: entry for entry in json.loads(out)}
    assert code == 1 and report["ssh"]["ok"] and report["ssh"]["sessions"] == 2
    assert not report["broken"]["ok"] and EVIL in report["broken"]["error"]


def test_logs_as_text_keep_their_lines_and_escape_the_rest(hostile: str) -> None:
    code, out, _ = run_clean(hostile, "logs", "ssh", "s1")
    assert code == 0
    assert out.count(SHOWN) == 2
    assert "2026-01-15T12:00:02Z output line\n" in out  # a CRLF line end is a line end, not "\r"
    code, out, _ = run_clean(hostile, "logs", "ssh", "entries")
    assert code == 0
    assert out.startswith("ts:\\x1b]0;PWNED") and "\nline " + SHOWN in out  # an output's own newline kept


def test_logs_json_and_stats_are_clean(hostile: str) -> None:
    for flag in ("--json", "--format=json"):
        code, out, _ = run_clean(hostile, "logs", "ssh", "s1", flag)
        assert code == 0
        entries = json.loads(out)
        assert entries[0]["content"] == f"multi\nline {EVIL}" and entries[0]["type"] == evil("type")
    code, out, _ = run_clean(hostile, "stats", "ssh")
    assert code == 0
    assert "top:\\x1b]0;PWNED\\x07" in out and "unique users      2" in out
    code, out, _ = run_clean(hostile, "stats", "ssh", "--json")
    assert code == 0 and json.loads(out)["top_machines"][0]["name"] == evil("top")


def test_action_messages_and_provider_errors_are_clean(hostile: str) -> None:
    code, out, _ = run_clean(hostile, "close", "ssh", "s1")
    assert code == 0 and out.startswith("closed:") and SHOWN in out
    code, out, _ = run_clean(hostile, "close", "ssh", "s1", "--json")
    assert code == 0 and json.loads(out) == {"provider": "ssh", "id": "s1", "ok": True, "message": evil("closed")}
    code, _, err = run_clean(hostile, "close", "browsers", UUID_ID)
    assert code == 1 and err.startswith("sessionboard: browsers: ") and SHOWN in err
    code, out, _ = run_clean(hostile, "extend", "agents", "agent-run-1")
    assert code == 0
    assert out == "heartbeat sent for session agent-run-1 (task task:\\x9b31m|\\u202e|[@click=app.quit]Q[/])\n"
    code, out, _ = run_clean(hostile, "extend", "agents", "agent-run-1", "--json")
    assert code == 0 and json.loads(out)["message"].endswith(f"(task {URL_SAFE_EVIL})")


def test_created_sessions_print_as_clean_json(hostile: str) -> None:
    for args in (
        ("create", "browsers", "leaseTime=5", "driver=api"),
        ("create", "ssh", "machine_id=m1", "--json"),
        ("create", "agents", "agentId=a1", "triggerType=manual"),
    ):
        code, out, _ = run_clean(hostile, *args)
        assert code == 0, args
        assert any(EVIL in text for text in strings(json.loads(out))), args


def strings(value: object) -> Iterator[str]:
    """Every string in a decoded JSON document, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
