"""`sessionboard extend` never shortens a lease by surprise: a real `simulate` process on loopback
and the CLI in a subprocess. The simulator's request log says what was sent."""

from __future__ import annotations

import json
import tomllib

import httpx

from tests.cli.conftest import run_cli


def base_url(sim, name: str) -> str:  # type: ignore[no-untyped-def]
    config = tomllib.loads(sim.config_text)
    return next(p["base_url"] for p in config["providers"] if p["name"] == name)


def sent(sim, name: str, method: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The paths of the `method` requests the simulator behind provider `name` has seen."""
    log = httpx.get(f"{base_url(sim, name)}/__sim__/requests", timeout=5).json()
    return [path for verb, path in log if verb == method]


def create(sim, name: str, *values: str) -> dict:  # type: ignore[no-untyped-def]
    result = run_cli("create", name, *values, "--config", str(sim.config_path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def lease(sim, session_id: str) -> int:  # type: ignore[no-untyped-def]
    result = run_cli("list", "--json", "--provider", "browsers", "--config", str(sim.config_path))
    return next(s for s in json.loads(result.stdout) if s["id"] == session_id)["raw"]["currentLeaseTime"]


def test_minutes_that_would_shorten_exit_1_with_one_line_and_send_nothing(sim) -> None:  # type: ignore[no-untyped-def]
    new = create(sim, "browsers", "leaseTime=45", "driver=api")
    result = run_cli("extend", "browsers", new["id"], "--minutes", "30", "--config", str(sim.config_path))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "would shorten the lease of " + new["id"] in lines[0]
    assert "sooner" in lines[0] and "--allow-shorten" in lines[0]
    path = f"/live/v1/sessions/{new['id']}"
    assert path in sent(sim, "browsers", "GET")  # the current expiry was read
    assert path not in sent(sim, "browsers", "PATCH")
    assert lease(sim, new["id"]) == 45


def test_allow_shorten_sets_the_shorter_lease(sim) -> None:  # type: ignore[no-untyped-def]
    new = create(sim, "browsers", "leaseTime=45", "driver=api")
    result = run_cli(
        "extend", "browsers", new["id"], "--minutes", "30", "--allow-shorten", "--config", str(sim.config_path)
    )
    assert result.returncode == 0, result.stderr
    assert "set to 30 min" in result.stdout and "sooner" in result.stdout
    assert lease(sim, new["id"]) == 30


def test_without_minutes_the_lease_is_the_longest_the_api_allows(sim) -> None:  # type: ignore[no-untyped-def]
    new = create(sim, "browsers", "leaseTime=45", "driver=api")
    result = run_cli("extend", "browsers", new["id"], "--config", str(sim.config_path))
    assert result.returncode == 0, result.stderr
    assert "set to 60 min" in result.stdout and "later" in result.stdout
    assert lease(sim, new["id"]) == 60


def test_agents_heartbeats_refuse_minutes_with_exit_2_and_send_nothing(sim) -> None:  # type: ignore[no-untyped-def]
    new = create(sim, "agents", "agentId=agent-cli", "triggerType=manual")
    for flag in (["--minutes", "5"], ["--allow-shorten"]):
        result = run_cli("extend", "agents", new["id"], *flag, "--config", str(sim.config_path))
        assert result.returncode == 2
        assert result.stderr.strip() == f"sessionboard: agents heartbeats take no {flag[0]}"
        assert result.stdout == ""
    assert f"/api/active-sessions/heartbeat/{new['target']}" not in sent(sim, "agents", "PUT")
    beat = run_cli("extend", "agents", new["id"], "--config", str(sim.config_path))
    assert beat.returncode == 0, beat.stderr
    assert new["id"] in beat.stdout  # the notice names the session it kept alive
    assert f"/api/active-sessions/heartbeat/{new['target']}" in sent(sim, "agents", "PUT")
