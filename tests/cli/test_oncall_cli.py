"""Issue 17's CLI: `--readonly` and the read-only settings (nothing sent: the simulator's request
log stays empty), several ids and `-`, and the audit log the CLI writes, read back by
`sessionboard audit`. Every command is a real subprocess against `sessionboard simulate`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest
import tomli_w

from sessionboard.actions import ActionResult, AuditLog
from tests.cli.conftest import run_cli, secrets_of

UUID_GONE = "00000000-0000-4000-8000-00000000dead"
FP_SECRET = "fp-Secret-77aa"


def base_url(sim, name: str) -> str:
    return next(p["base_url"] for p in tomllib.loads(sim.config_text)["providers"] if p["name"] == name)


def sent(sim, name: str) -> list[list[str]]:
    return httpx.get(f"{base_url(sim, name)}/__sim__/requests", timeout=5).json()


def forget_requests(sim, name: str) -> None:
    httpx.delete(f"{base_url(sim, name)}/__sim__/requests", timeout=5).raise_for_status()


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sessionboard", *args], input=stdin, capture_output=True, text=True, timeout=60,
        stdin=None if stdin is not None else subprocess.DEVNULL, env={**os.environ, **(env or {})},
    )


def new_browser(sim, lease: int = 30, *extra: str) -> str:
    created = run_cli("create", "browsers", f"leaseTime={lease}", "driver=api", *extra, "--config", str(sim.config_path))
    assert created.returncode == 0, created.stderr
    return json.loads(created.stdout)["id"]


def state_env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_STATE_HOME": str(tmp_path / "state")}


def audit_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "sessionboard" / "audit.jsonl"


def variant(sim, tmp_path: Path, name: str, app: dict | None = None, **provider_changes: object) -> str:
    """The simulate config with `[app]` and the browsers provider changed (None removes a key)."""
    data = tomllib.loads(sim.config_text)
    data["app"].update(app or {})
    for provider in data["providers"]:
        if provider["name"] == "browsers":
            for key, value in provider_changes.items():
                if value is None:
                    provider.pop(key, None)
                else:
                    provider[key] = value
    path = tmp_path / f"{name}.toml"
    path.write_text(tomli_w.dumps(data))
    return str(path)


# -- read-only ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["--readonly", "close", "browsers", "{id}"],
        ["close", "browsers", "{id}", "--readonly"],
        ["extend", "--readonly", "browsers", "{id}", "--minutes", "50"],
        ["--readonly", "create", "browsers", "leaseTime=5", "driver=api"],
        ["close", "browsers", "-", "--readonly"],
    ],
)
def test_readonly_before_or_after_the_verb_refuses_in_one_line_and_sends_nothing(sim, tmp_path, args):
    sid = new_browser(sim)
    forget_requests(sim, "browsers")
    result = run(*(a.format(id=sid) for a in args), "--config", str(sim.config_path), stdin=f"{sid}\n",
                 env=state_env(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "sessionboard: browsers is read-only (--readonly)\n"
    assert sent(sim, "browsers") == []
    assert not audit_file(tmp_path).exists()  # nothing done, nothing recorded


@pytest.mark.parametrize(
    ("app", "provider", "why"),
    [
        ({"read_only": True}, {}, "[app] read_only"),
        ({}, {"read_only": True}, "read_only = true"),
        ({}, {"api_key": None}, "no api_key to write with"),
    ],
)
def test_read_only_settings_and_a_provider_without_a_key_refuse_the_same_way(sim, tmp_path, app, provider, why):
    sid = new_browser(sim)
    config = variant(sim, tmp_path, "ro", app, **provider)
    forget_requests(sim, "browsers")
    for args in (["close", "browsers", sid], ["extend", "browsers", sid], ["create", "browsers", "leaseTime=5", "driver=api"]):
        result = run(*args, "--config", config)
        assert (result.returncode, result.stdout) == (1, ""), args
        assert result.stderr == f"sessionboard: browsers is read-only ({why})\n"
    assert sent(sim, "browsers") == []
    listed = run("list", "--json", "--provider", "browsers", "--config", config, "--readonly")
    if provider.get("api_key", "") is not None:  # reading stays (a keyless provider cannot list either)
        assert listed.returncode == 0 and any(s["id"] == sid for s in json.loads(listed.stdout))


# -- several ids and standard input ---------------------------------------------------------------
def test_close_takes_several_ids_one_result_line_each_and_exit_1_when_any_failed(sim, tmp_path):
    ids = [new_browser(sim) for _ in range(3)]
    result = run("close", "browsers", ids[0], UUID_GONE, ids[1], ids[2], "--config", str(sim.config_path))
    assert result.returncode == 1
    assert sorted(result.stdout.splitlines()) == sorted(f"session {i} terminated" for i in ids)
    *failures, summary = result.stderr.splitlines()
    assert failures == [f"sessionboard: browsers: DELETE /live/v1/sessions/{UUID_GONE}: not found (HTTP 404): "
                        "Session not found (NOT_FOUND)"]
    assert summary.startswith(f"sessionboard: browsers: closed 3 of 4; 1 failed: browsers {UUID_GONE}: ")
    deletes = [path for method, path in sent(sim, "browsers") if method == "DELETE"]
    assert all(f"/live/v1/sessions/{i}" in deletes for i in [*ids, UUID_GONE])


def test_ids_on_standard_input_with_dash_blank_lines_skipped_json_one_object_per_id(sim):
    ids = [new_browser(sim, 45) for _ in range(3)]
    stdin = f"\n  {ids[0]}  \n\n{ids[1]}\n{ids[0]}\n   \n{ids[2]}"  # padded, repeated, no final newline
    result = run("extend", "browsers", "-", "--minutes", "50", "--json", "--config", str(sim.config_path), stdin=stdin)
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(o["id"] for o in objects) == sorted(ids)  # each id once
    assert all(o["ok"] and o["provider"] == "browsers" and "set to 50 min" in o["message"] for o in objects)
    assert result.stderr == "sessionboard: browsers: extended 3 of 3\n"

    both = run("close", "browsers", ids[0], "-", "--json", "--config", str(sim.config_path), stdin=f"{ids[1]}\n{UUID_GONE}\n")
    assert both.returncode == 1
    outcome = {o["id"]: o["ok"] for o in map(json.loads, both.stdout.splitlines())}
    assert outcome == {ids[0]: True, ids[1]: True, UUID_GONE: False}


def test_an_empty_standard_input_is_nothing_to_do(sim):
    forget_requests(sim, "browsers")
    result = run("close", "browsers", "-", "--config", str(sim.config_path), stdin="\n\n")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "sessionboard: browsers: no ids given (standard input had none); nothing was sent\n"
    assert sent(sim, "browsers") == []


def test_a_kind_that_cannot_act_is_one_line_for_all_its_ids(sim):
    result = run("extend", "timing", "t1", "t2", "t3", "--config", str(sim.config_path))
    assert result.returncode == 1
    assert result.stderr == "sessionboard: timing: a rufus provider cannot extend a lease\n"


# -- the audit log ----------------------------------------------------------------------------------
def test_audit_lines_written_by_the_cli_and_the_console_mode_0600_no_secret(sim, tmp_path, monkeypatch):
    env = state_env(tmp_path)
    config = str(sim.config_path)
    created = run("create", "browsers", "leaseTime=20", "driver=api", f"fingerprintSecret={FP_SECRET}", "--config", config, env=env)
    assert created.returncode == 0, created.stderr
    sid = json.loads(created.stdout)["id"]
    assert run("extend", "browsers", sid, "--minutes", "40", "--config", config, env=env).returncode == 0
    assert run("close", "browsers", sid, UUID_GONE, "--config", config, env=env).returncode == 1
    assert run("extend", "agents", "no-such-run", "--config", config, env=env).returncode == 1

    # The console's writer is the same one, marked via console (the board will call it).
    monkeypatch.setenv("XDG_STATE_HOME", env["XDG_STATE_HOME"])
    console = AuditLog(via="console")
    console.write(ActionResult("close", "ssh", "vsay", "s-\x1b]0;PWNED\x07", True, "closed \x1b[2J", at=1e9 + 0.5))
    console.close()

    path = audit_file(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    for secret in [*secrets_of(sim.config_text), FP_SECRET]:
        assert secret.encode() not in raw
    assert b"\x1b" not in raw  # provider text is kept as JSON escapes, not raw control bytes
    records = [json.loads(line) for line in raw.splitlines()]
    summary = [(r["via"], r["action"], r["provider"], r["session"], r["ok"]) for r in records]
    assert summary[:2] == [("cli", "create", "browsers", sid, True), ("cli", "extend", "browsers", sid, True)]
    assert sorted(summary[2:4]) == sorted([("cli", "close", "browsers", sid, True),
                                           ("cli", "close", "browsers", UUID_GONE, False)])  # side by side: either order
    assert summary[4:] == [("cli", "extend", "agents", "no-such-run", False),
                           ("console", "close", "ssh", "s-\x1b]0;PWNED\x07", True)]
    by_action = {(r["action"], r["session"]): r for r in records}
    assert by_action[("create", sid)]["params"]["fingerprintSecret"] == "***"
    assert by_action[("extend", sid)]["params"] == {"minutes": 40, "allow_shorten": False}
    assert by_action[("close", UUID_GONE)]["message"].startswith(f"DELETE /live/v1/sessions/{UUID_GONE}: not found")

    shown = run("audit", env=env)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == len(records)
    assert "\x1b" not in shown.stdout and "s-\\x1b]0;PWNED\\x07" in lines[-1] and "closed \\x1b[2J" in lines[-1]
    assert lines[0].split()[1:4] == ["cli", lines[0].split()[2], "create"] and "[leaseTime=20 driver=api fingerprintSecret=***]" in lines[0]
    assert "FAILED" in next(line for line in lines if UUID_GONE in line)

    as_json = json.loads(run("audit", "--json", "--provider", "browsers", env=env).stdout)
    assert [r["provider"] for r in as_json] == ["browsers"] * 4
    assert json.loads(run("audit", "--json", "--since", "1h", env=env).stdout) == records[:-1]  # the console's is from 2001
    assert json.loads(run("audit", "--json", "--provider", "ssh", "--since", "2000-01-01T00:00:00Z", env=env).stdout) == records[-1:]


def test_audit_with_nothing_recorded_and_a_bad_since(tmp_path):
    env = state_env(tmp_path)
    empty = run("audit", env=env)
    assert empty.returncode == 0 and empty.stdout.startswith("no actions recorded yet (")
    assert run("audit", "--json", env=env).stdout == "[]\n"
    bad = run("audit", "--since", "last week", env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("sessionboard: --since 'last week': give a duration")


def test_audit_required_refuses_actions_when_the_log_cannot_be_written(sim, tmp_path):
    sid = new_browser(sim)
    blocker = tmp_path / "blocker"
    blocker.write_text("")  # the state dir would be below a file: it cannot be made
    config = variant(sim, tmp_path, "required", {"audit": "required"})
    forget_requests(sim, "browsers")
    result = run("close", "browsers", sid, "--config", config, env={"XDG_STATE_HOME": str(blocker)})
    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"sessionboard: audit log {blocker}/sessionboard/audit.jsonl cannot be written (")
    assert line.endswith('[app] audit = "required" refuses actions')
    assert sent(sim, "browsers") == []

    best = run("close", "browsers", sid, "--config", str(sim.config_path), env={"XDG_STATE_HOME": str(blocker)})
    assert best.returncode == 0 and best.stdout == f"session {sid} terminated\n"
    [warning] = best.stderr.splitlines()
    assert "cannot be written" in warning and 'actions go on without it ([app] audit = "best-effort")' in warning
