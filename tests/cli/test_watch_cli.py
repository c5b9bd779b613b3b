"""`sessionboard watch` against a running `sessionboard simulate`: a session created with
`sessionboard create` appears as one `appeared` event from the first poll after it, a close gives
`ended`, a provider fault gives `provider_error` once and then `provider_ok` once; SIGINT and
SIGTERM end it with 0, a bad config with 2, a closed stdout quietly."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import run_cli

WAIT = 60.0
"""Seconds to wait for an event before the test fails (a deadline, not a measure)."""
LIST = ("GET", "/live/v1/sessions")


def base_url(sim, name: str) -> str:
    return next(p["base_url"] for p in tomllib.loads(sim.config_text)["providers"] if p["name"] == name)


def sim_requests(sim, name: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in httpx.get(f"{base_url(sim, name)}/__sim__/requests", timeout=5).json()]


class Watch:
    """`sessionboard watch ...` in a subprocess; its stdout lines collected by a thread."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sessionboard", "watch", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def until(self, check: Callable[[dict], bool], what: str) -> list[dict]:
        """The events up to and including the first for which `check` holds."""
        events: list[dict] = []
        deadline = time.monotonic() + WAIT
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {what} within {WAIT:g} s; saw {events}") from None
            self.seen.append(line)
            event = json.loads(line)
            events.append(event)
            if check(event):
                return events

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        self.proc.send_signal(signum)
        try:
            self.proc.wait(30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        assert self.proc.stderr is not None
        return self.proc.returncode, self.proc.stderr.read()


def about(sid: str, event: str) -> Callable[[dict], bool]:
    return lambda e: e["event"] == event and (e["session"] or {}).get("id") == sid


def test_created_appears_once_from_the_next_poll_closed_ends_and_a_fault_is_one_error_then_one_ok(sim):
    config = str(sim.config_path)
    watch = Watch("--json", "--provider", "browsers", "--initial", "--config", config)
    try:
        first = watch.until(lambda e: e["event"] == "existing", "existing event")[0]
        assert first["provider"] == "browsers" and first["session"]["kind"] == "tasknet"

        created = run_cli("create", "browsers", "leaseTime=30", "driver=api", "--config", config)
        assert created.returncode == 0, created.stderr
        sid = json.loads(created.stdout)["id"]
        events = watch.until(about(sid, "appeared"), "appeared")
        # Within one poll interval: at most one list request was sent after the create's POST
        # when the event came (the poll in flight during the create may have carried it too).
        log = sim_requests(sim, "browsers")
        post = max(i for i, r in enumerate(log) if r == ("POST", "/live/v1/sessions"))
        assert log[post + 1:].count(LIST) <= 1, log[post:]
        appeared = events[-1]
        assert set(appeared) == {"event", "at", "provider", "session"}
        assert appeared["session"] == {**appeared["session"], "id": sid, "status": "active", "name": "api"}
        assert not [e for e in events[:-1] if (e["session"] or {}).get("id") == sid]

        assert run_cli("close", "browsers", sid, "--config", config).returncode == 0
        events = watch.until(about(sid, "ended"), "ended")
        assert events[-1]["session"]["status"] == "ended"

        httpx.post(f"{base_url(sim, 'browsers')}/__sim__/fault", json={"mode": "500", "times": 2}, timeout=5)
        events = watch.until(lambda e: e["event"] == "provider_error", "provider_error")
        assert events[-1]["error"].startswith("GET /live/v1/sessions: server error (HTTP 500)")
        assert events[-1]["session"] is None
        events = watch.until(lambda e: e["event"] == "provider_ok", "provider_ok")
        assert [e["event"] for e in events].count("provider_error") == 0  # once per streak
        status, stderr = watch.stop(signal.SIGTERM)
    finally:
        if watch.proc.poll() is None:
            watch.proc.kill()
    assert (status, stderr) == (0, "")
    every = [json.loads(line) for line in watch.seen]
    assert [e["event"] for e in every].count("provider_error") == 1
    assert [e["event"] for e in every].count("provider_ok") == 1
    assert sum(1 for e in every if about(sid, "appeared")(e)) == 1


def test_readable_lines_events_filter_and_sigint_exit_0(sim):
    config = str(sim.config_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sessionboard", "watch", "--initial", "--events", "ended", "--config", config],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        stamp, event, provider, *rest = line.split()
        assert event == "existing" and stamp.endswith("Z") and provider in {"timing", "lab", "ssh", "agents", "browsers"}
        assert rest[-1] in ("active", "ended")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_closed_stdout_ends_watch_quietly_even_with_no_event_due(sim):
    listed = run_cli("list", "--json", "--provider", "browsers", "--config", str(sim.config_path))
    active = len(json.loads(listed.stdout))
    assert active > 0
    read, write = os.pipe()
    proc = subprocess.Popen(
        # --events: only a provider failure would be printed after the `existing` lines, and none comes
        [sys.executable, "-m", "sessionboard", "watch", "--initial", "--events", "provider_error",
         "--provider", "browsers", "--config", str(sim.config_path)],
        stdin=subprocess.DEVNULL, stdout=write, stderr=subprocess.PIPE,
    )
    os.close(write)
    try:
        with os.fdopen(read, "rb") as reader:  # every line the watch will ever write, then closed
            assert all(b" existing " in reader.readline() for _ in range(active))
        # the reader is gone; the watch has nothing more to say (no write can fail) and still ends
        assert proc.wait(30) == 141
        assert proc.stderr is not None and proc.stderr.read() == b""
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--events", "appeared,exploded"], "sessionboard: watch: --events exploded: use some of "
                                            "appeared,changed,ended,expiring,provider_error,provider_ok"),
        (["--provider", "nosuch"], "sessionboard: unknown provider nosuch; configured: timing, lab, ssh, agents, browsers"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(sim, args, expected):
    result = run_cli("watch", *args, "--config", str(sim.config_path))
    assert (result.returncode, result.stdout, result.stderr) == (2, "", expected + "\n")


def test_a_bad_config_exits_2(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[providers]]\nname = "x"\nkind = "vsay2"\nbase_url = "http://127.0.0.1:1"\n')
    result = run_cli("watch", "--config", str(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert "providers[0].kind: 'vsay2' is not one of" in result.stderr
