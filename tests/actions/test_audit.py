"""The audit log: its fields, its modes, no secret in it, several writers at once, the two policies,
and reading it back (`--since`, `--provider`, lines that are not ours)."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sessionboard.actions import ActionResult, ActionRunner, AuditLog
from sessionboard.actions.audit import FIELDS
from sessionboard.actions.audit_read import BadSince, read_audit, since_cutoff
from tests.actions.conftest import browsers, config_for, providers_for

FINGERPRINT_SECRET = "fp-SECRET-9911"


def result(**extra: object) -> ActionResult:
    values: dict[str, object] = {
        "action": "close", "provider": "browsers", "kind": "tasknet", "session": "s1", "ok": True,
        "message": "session s1 terminated", "duration_ms": 12, "at": 1_900_000_000.25,
    }
    values.update(extra)
    return ActionResult(**values)  # type: ignore[arg-type]


def test_one_line_per_action_with_exactly_the_fields_in_order_mode_0600(tmp_path):
    path = tmp_path / "state" / "sessionboard" / "audit.jsonl"
    log = AuditLog(path, via="console")
    assert log.write(result()) and log.write(result(session="s2", ok=False, message="not found"))
    log.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first, second = (json.loads(line) for line in path.read_text().splitlines())
    assert tuple(first) == FIELDS == (
        "time", "user", "host", "via", "action", "provider", "kind", "session", "params", "ok", "message", "duration_ms"
    )
    assert first["time"] == "2030-03-17T17:46:40.250Z"
    assert (first["via"], first["action"], first["provider"], first["kind"], first["session"]) == (
        "console", "close", "browsers", "tasknet", "s1"
    )
    assert first["user"] and first["host"] and first["duration_ms"] == 12 and first["params"] == {}
    assert (second["session"], second["ok"], second["message"]) == ("s2", False, "not found")


def test_an_older_file_others_could_read_is_made_0600(tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o644)
    log = AuditLog(path, via="cli")
    log.write(result())
    log.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_a_create_records_its_values_with_secrets_masked(tmp_path):
    sim, _ = browsers()
    sims = {"browsers": sim}
    config = config_for(sims)
    providers = providers_for(config, sims)
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, via="cli")
    runner = ActionRunner(config, log)
    try:
        created = await runner.run(providers["browsers"], "create", None, {
            "leaseTime": "10", "driver": "api", "fingerprintSecret": FINGERPRINT_SECRET,
            "fingerprintUUID": "3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d",
        })
    finally:
        log.close()
        await providers["browsers"].aclose()
    assert created.ok and created.created is not None
    assert sim.create_headers[-1].get("x-fingerprint-secret") == FINGERPRINT_SECRET  # it was sent...
    text = path.read_text()
    assert FINGERPRINT_SECRET not in text and sim.api_key not in text  # ...and never written
    [line] = [json.loads(t) for t in text.splitlines()]
    assert line["session"] == created.created.id
    assert line["params"] == {"leaseTime": "10", "driver": "api", "fingerprintSecret": "***",
                              "fingerprintUUID": "3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d"}


async def test_a_value_holding_the_api_key_is_redacted(tmp_path):
    sim, ids = browsers(1)
    sims = {"browsers": sim}
    config = config_for(sims)
    providers = providers_for(config, sims)
    log = AuditLog(tmp_path / "audit.jsonl", via="cli")
    try:
        await ActionRunner(config, log).run(providers["browsers"], "close", ids[0], {"note": sim.api_key})
    finally:
        log.close()
        await providers["browsers"].aclose()
    text = (tmp_path / "audit.jsonl").read_text()
    assert sim.api_key not in text and json.loads(text)["params"] == {"note": "***"}


WRITER = """
import sys
from sessionboard.actions import ActionResult, AuditLog
log = AuditLog(__import__("pathlib").Path(sys.argv[1]), via="cli")
for n in range(int(sys.argv[3])):
    log.write(ActionResult("close", "p" + sys.argv[2], "tasknet", f"{sys.argv[2]}-{n}", True, "x" * 3000, at=1e9))
"""


def test_several_writers_at_once_lose_no_line_and_never_interleave(tmp_path):
    path = tmp_path / "audit.jsonl"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w), "200"]) for w in range(6)]
    assert [p.wait(60) for p in writers] == [0] * 6
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    records = [json.loads(line) for line in lines[:-1]]  # every line whole JSON
    assert sorted(r["session"] for r in records) == sorted(f"{w}-{n}" for w in range(6) for n in range(200))
    assert all(r["message"].startswith("x" * 2000 + "…") for r in records)  # a long message is cut


def test_best_effort_warns_once_and_goes_on(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    said: list[str] = []
    log = AuditLog(blocker / "audit.jsonl", via="cli", warn=said.append)
    assert log.refusal() is None  # actions may go on
    assert not log.write(result()) and not log.write(result())
    assert len(said) == 1 and "cannot be written" in said[0] and "go on without it" in said[0]


def test_required_refuses_once_the_log_fails_and_subscribers_still_hear(tmp_path, monkeypatch):
    path = tmp_path / "audit.jsonl"
    heard: list[dict] = []
    log = AuditLog(path, via="console", policy="required")
    log.subscribe(heard.append)
    assert log.refusal() is None and log.write(result())

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("sessionboard.actions.audit.os.write", disk_full)
    assert not log.write(result(session="s2"))
    refusal = log.refusal()
    assert refusal is not None and refusal.endswith('[app] audit = "required" refuses actions')
    assert [h["session"] for h in heard] == ["s1", "s2"]


def write_lines(path: Path, *lines: object) -> None:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))


def test_reading_back_filters_by_time_and_provider_and_counts_what_is_not_ours(tmp_path):
    path = tmp_path / "audit.jsonl"
    now = time.time()
    stamp = lambda ago: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now - ago)) + ".000Z"  # noqa: E731
    write_lines(
        path,
        {"time": stamp(7200), "provider": "a", "action": "close"},
        "not json",
        ["a list"],
        {"provider": "a"},  # no time
        {"time": stamp(600), "provider": "b", "action": "close"},
        "",
        {"time": stamp(30), "provider": "a", "action": "extend"},
    )
    everything = read_audit(path)
    assert [r["provider"] for r in everything.records] == ["a", "b", "a"] and everything.skipped == 3
    recent = read_audit(path, since=since_cutoff("1h", now))
    assert [r["action"] for r in recent.records] == ["close", "extend"]
    assert [r["provider"] for r in read_audit(path, since=since_cutoff("15m", now), providers={"a"}).records] == ["a"]
    assert read_audit(tmp_path / "none.jsonl").missing


def test_since_takes_durations_and_instants():
    assert since_cutoff("90s", 1000.0) == 910.0
    assert since_cutoff("1h30m", 10_000.0) == 10_000.0 - 5400
    assert since_cutoff("2d", 200_000.0) == 200_000.0 - 172_800
    assert since_cutoff("2030-03-17T17:46:40Z", 0) == 1_900_000_000.0
    for bad in ("yesterday", "1x", "", "h"):
        with pytest.raises(BadSince):
            since_cutoff(bad, 0)
