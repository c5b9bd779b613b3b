"""Issue 15 item 10: a closed stdout (`| head -1`) ends any verb quietly: exit 0, or 141 as a shell
reports SIGPIPE, and nothing on stderr: no "BrokenPipeError", no "Exception ignored".

Two ways to close it, each in a real subprocess: the reader takes the first line and goes (the
issue's `| head -1`: whether the writer is still writing then is a race, so it runs many times,
with output larger than a pipe's buffer where the verb can make it), and the reader is gone before
the first byte (deterministic: the write must fail, so the exit is 141)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from sessionboard.sim.process import SimProcess

RUNS = 20


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimProcess]:
    """Simulators with 150 sessions each: `list --json --all` is several pipe buffers long."""
    with SimProcess(tmp_path_factory.mktemp("big"), sessions=150, seed=5) as process:
        yield process


def spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sessionboard", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )


def after_first_line(*args: str) -> tuple[int, bytes, bytes]:
    proc = spawn(*args)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    return proc.wait(60), first, err


def before_any_output(*args: str) -> tuple[int, bytes]:
    proc = spawn(*args)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the child has not even started Python yet
    err = proc.stderr.read()
    return proc.wait(60), err


def test_list_json_head_1_many_times(big: SimProcess) -> None:
    config = str(big.config_path)
    for _ in range(RUNS):
        code, first, err = after_first_line("list", "--json", "--all", "--config", config)
        assert first == b"[\n"
        assert err == b"", err.decode(errors="replace")
        assert code in (0, 141)
    # the output really is larger than a pipe, so the write above was cut, not finished
    whole = subprocess.run([sys.executable, "-m", "sessionboard", "list", "--json", "--all", "--config", config],
                           capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    assert len(whole.stdout) > 4 * 65536 and len(json.loads(whole.stdout)) > 500


def test_capabilities_head_1_many_times() -> None:
    for _ in range(RUNS):
        code, first, err = after_first_line("capabilities")
        assert first.startswith(b"| action |")
        assert err == b"", err.decode(errors="replace")
        assert code in (0, 141)


def _verbs(config: str, ids: dict[str, str]) -> list[list[str]]:
    """Every verb that prints something on stdout, as a user would run it."""
    return [
        ["list", "--all", "--config", config],
        ["list", "--json", "--config", config],
        ["check", "--config", config],
        ["check", "--json", "--config", config],
        ["fields", "browsers", "--config", config],
        ["create", "browsers", "--help", "--config", config],
        ["create", "agents", "agentId=pipe", "triggerType=manual", "--config", config],
        ["extend", "agents", ids["agents"], "--config", config],
        ["logs", "ssh", ids["ssh"], "--config", config],
        ["logs", "ssh", ids["ssh"], "--json", "--config", config],
        ["stats", "ssh", "--config", config],
        ["stats", "ssh", "--json", "--config", config],
        ["capabilities", "--json"],
        ["locate"],
    ]


ARGPARSE_OWN = (["--help"], ["--version"], ["list", "--help"])
"""argparse prints these itself and swallows a write error (exit 0); nothing may reach stderr."""


def test_every_verb_that_prints_ends_quietly_on_a_closed_stdout(big: SimProcess) -> None:
    config = str(big.config_path)
    listed = json.loads(subprocess.run(
        [sys.executable, "-m", "sessionboard", "list", "--json", "--config", config],
        capture_output=True, stdin=subprocess.DEVNULL, timeout=60).stdout)
    ids = {name: next(s["id"] for s in listed if s["provider"] == name) for name in ("agents", "ssh")}
    for args in _verbs(config, ids):
        for _ in range(2):
            code, err = before_any_output(*args)
            assert err == b"", (args, err.decode(errors="replace"))
            assert code == 141, (args, code)
        code, _, err = after_first_line(*args)
        assert err == b"" and code in (0, 141), (args, code, err.decode(errors="replace"))
    for args in ARGPARSE_OWN:
        code, err = before_any_output(*args)
        assert err == b"" and code in (0, 141), (args, code, err.decode(errors="replace"))


def test_close_create_and_init_end_quietly_too(big: SimProcess, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = str(big.config_path)
    created = subprocess.run(
        [sys.executable, "-m", "sessionboard", "create", "browsers", "leaseTime=5", "driver=api", "--config", config],
        capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    sid = json.loads(created.stdout)["id"]
    for args in (
        ["create", "browsers", "leaseTime=5", "driver=api", "--config", config],
        ["close", "browsers", sid, "--config", config],
        ["init", "--config", str(tmp_path / "c.toml")],
    ):
        code, err = before_any_output(*args)
        assert err == b"" and code == 141, (args, code, err.decode(errors="replace"))
    assert (tmp_path / "c.toml").is_file()  # the work was done; only its report had nowhere to go
