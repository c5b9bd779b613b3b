"""The CLI end to end: a real `sessionboard simulate` process on loopback, real sockets, and the
CLI as a subprocess, as a user would run it from another shell."""

from __future__ import annotations

import json
import tomllib

import httpx
import pytest

from sessionboard.model.session import JSON_KEYS, parse_instant
from tests.cli.conftest import run_cli, secrets_of

KINDS = {"timing": "rufus", "lab": "devices", "ssh": "vsay", "agents": "agents", "browsers": "tasknet"}


def listed(sim, *extra: str) -> list[dict]:
    result = run_cli("list", "--json", "--all", "--config", str(sim.config_path), *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def base_url(sim, name: str) -> str:
    config = tomllib.loads(sim.config_text)
    return next(p["base_url"] for p in config["providers"] if p["name"] == name)


def set_fault(sim, name: str, mode: str, **extra) -> None:
    httpx.post(f"{base_url(sim, name)}/__sim__/fault", json={"mode": mode, **extra}, timeout=5).raise_for_status()


def test_list_json_shows_every_kind_sorted_with_every_key(sim):
    sessions = listed(sim)
    assert {s["provider"]: s["kind"] for s in sessions} == KINDS
    for s in sessions:
        assert tuple(s) == JSON_KEYS
        assert s["status"] in ("active", "ended")
    keys = [(s["provider"], s["started_at"], s["id"]) for s in sessions]
    def order(k):
        moment = parse_instant(k[1])
        return (k[0], moment is None, -(moment.timestamp() if moment else 0), k[2])
    assert keys == sorted(keys, key=order)


def test_list_without_all_shows_only_active_and_table_for_people(sim):
    everything = listed(sim)
    result = run_cli("list", "--json", "--config", str(sim.config_path))
    active = json.loads(result.stdout)
    assert [s["id"] for s in active] == [s["id"] for s in everything if s["status"] == "active"]
    assert len(active) < len(everything)
    table = run_cli("list", "--config", str(sim.config_path), "--provider", "browsers")
    assert table.returncode == 0
    header, *rows = table.stdout.splitlines()
    assert header.split()[:3] == ["PROVIDER", "KIND", "ID"]
    assert rows and all(r.startswith("browsers") for r in rows)


def test_create_extend_close_change_the_next_list(sim):
    config = str(sim.config_path)
    created = run_cli("create", "browsers", "leaseTime=10", "driver=api", "--config", config)
    assert created.returncode == 0, created.stderr
    new = json.loads(created.stdout)
    assert new["kind"] == "tasknet" and new["status"] == "active" and new["name"] == "api"
    assert new["raw"].get("vncPassword") in (None, "***")
    mine = lambda: next(s for s in listed(sim, "--provider", "browsers") if s["id"] == new["id"])
    assert mine()["raw"]["currentLeaseTime"] == 10

    extended = run_cli("extend", "browsers", new["id"], "--minutes", "45", "--config", config)
    assert extended.returncode == 0, extended.stderr
    assert mine()["raw"]["currentLeaseTime"] == 45

    closed = run_cli("close", "browsers", new["id"], "--config", config)
    assert closed.returncode == 0, closed.stderr
    assert mine()["status"] == "ended"


def test_agents_heartbeat_and_rufus_conflict(sim):
    config = str(sim.config_path)
    created = run_cli("create", "agents", "agentId=agent-e2e", "triggerType=manual", "--config", config)
    assert created.returncode == 0, created.stderr
    new = json.loads(created.stdout)
    beat = run_cli("extend", "agents", new["id"], "--config", config)
    assert beat.returncode == 0, beat.stderr
    assert new["target"] in beat.stdout  # the heartbeat went to the session's task

    device = tomllib.loads(sim.config_text)["providers"][0]["devices"][-1]
    first = run_cli("create", "timing", f"deviceid={device}", "alias=e2e", "--config", config)
    second = run_cli("create", "timing", f"deviceid={device}", "alias=e2e2", "--config", config)
    assert first.returncode == 0 or "already has an active session" in first.stderr
    assert second.returncode == 1
    assert second.stderr.strip() == f"sessionboard: timing: device {device} already has an active session"


def test_actions_a_kind_cannot_do_exit_1_with_one_line(sim):
    config = str(sim.config_path)
    extend = run_cli("extend", "timing", "tok", "--config", config)
    assert extend.returncode == 1 and extend.stderr.strip() == "sessionboard: timing: a rufus provider cannot extend a lease"
    create = run_cli("create", "lab", "x=1", "--config", config)
    assert create.returncode == 1 and create.stderr.strip() == "sessionboard: lab: a devices provider cannot create"


def test_wrong_value_type_is_refused_before_sending(sim):
    before = len(listed(sim, "--provider", "browsers"))
    result = run_cli("create", "browsers", "leaseTime=soon", "--config", str(sim.config_path))
    assert result.returncode == 2
    assert "leaseTime: expected a whole number, got 'soon'" in result.stderr
    assert len(listed(sim, "--provider", "browsers")) == before


@pytest.mark.parametrize("mode", ["500", "html", "invalid_json", "wrong_shape"])
def test_a_broken_provider_costs_only_itself(sim, mode):
    set_fault(sim, "ssh", mode)
    try:
        result = run_cli("list", "--json", "--all", "--config", str(sim.config_path))
    finally:
        set_fault(sim, "ssh", "none")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("sessionboard: ssh: ")
    assert {s["provider"] for s in json.loads(result.stdout)} == set(KINDS) - {"ssh"}


def test_slow_provider_times_out_alone(sim, tmp_path):
    slow_config = tmp_path / "slow.toml"
    slow_config.write_text(sim.config_text.replace("[app]", "[app]\ntimeout = 1.0", 1)
                           if "[app]" in sim.config_text else "[app]\ntimeout = 1.0\n" + sim.config_text)
    set_fault(sim, "agents", "slow", delay=5)
    try:
        result = run_cli("list", "--json", "--all", "--config", str(slow_config))
    finally:
        set_fault(sim, "agents", "none")
    assert result.returncode == 1
    assert result.stderr.strip() == "sessionboard: agents: GET /api/active-sessions: timed out after 1s"
    assert "agents" not in {s["provider"] for s in json.loads(result.stdout)}


def test_no_secret_in_any_output(sim):
    config = str(sim.config_path)
    secrets = secrets_of(sim.config_text)
    assert len(secrets) == 5
    set_fault(sim, "browsers", "refuse_auth")
    try:
        outputs = [
            run_cli("list", "--json", "--all", "--config", config),
            run_cli("list", "--all", "--config", config),
            run_cli("check", "--config", config),
        ]
    finally:
        set_fault(sim, "browsers", "none")
    outputs.append(run_cli("create", "browsers", "leaseTime=5", "driver=api", "--config", config))
    for result in outputs:
        for secret in secrets:
            assert secret not in result.stdout and secret not in result.stderr
    assert "vncPassword" in outputs[-1].stdout and '"***"' in outputs[-1].stdout
    assert "authentication failed" in outputs[0].stderr


def test_bad_config_exits_2_with_every_problem(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[providers]]\nname = "x"\nkind = "vsay2"\nbase_url = "http://x"\n\n'
                   '[[providers]]\nname = "y"\nkind = "rufus"\nbase_url = "http://y"\n')
    result = run_cli("list", "--config", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"sessionboard: {bad}: providers[0].kind: 'vsay2' is not one of rufus, devices, vsay, agents, tasknet",
        f"sessionboard: {bad}: providers[1].devices: required; add it",
    ]
    assert "Traceback" not in result.stderr


def test_check_reports_each_provider(sim):
    result = run_cli("check", "--config", str(sim.config_path))
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and all(line.startswith("ok ") for line in lines)


def test_config_after_the_verb_or_before(sim):
    before = run_cli("--config", str(sim.config_path), "list", "--json")
    after = run_cli("list", "--json", "--config", str(sim.config_path))
    assert before.returncode == after.returncode == 0
    assert [s["id"] for s in json.loads(before.stdout)] == [s["id"] for s in json.loads(after.stdout)]


def test_logs_and_stats(sim):
    config = str(sim.config_path)
    vsay = next(s for s in listed(sim, "--provider", "ssh") if s["status"] == "active")
    text = run_cli("logs", "ssh", vsay["id"], "--config", config)
    assert text.returncode == 0, text.stderr
    as_json = run_cli("logs", "ssh", vsay["id"], "--format", "json", "--config", config)
    entries = json.loads(as_json.stdout)
    assert entries and entries[0]["content"].splitlines()[0] in text.stdout
    stats = run_cli("stats", "ssh", "--period", "week", "--json", "--config", config)
    data = json.loads(stats.stdout)
    assert data["total_sessions"] >= data["active_sessions"] >= 1
    people = run_cli("stats", "ssh", "--config", config)
    assert "█" in people.stdout and "unique users" in people.stdout
    wrong = run_cli("stats", "browsers", "--config", config)
    assert wrong.returncode == 1 and wrong.stderr.strip() == "sessionboard: browsers: a tasknet provider cannot show statistics"
