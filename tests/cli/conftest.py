from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sessionboard.sim.process import SimProcess


@pytest.fixture(scope="module")
def sim(tmp_path_factory) -> SimProcess:
    with SimProcess(tmp_path_factory.mktemp("sim"), seed=3) as process:
        yield process


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real console script's code path, in a real subprocess, with no standard input."""
    return subprocess.run(
        [sys.executable, "-m", "sessionboard", *args],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
        env={**os.environ, **(env or {})},
    )


def secrets_of(config_text: str) -> list[str]:
    """The keys the simulate config points at (file: references), read back for absence checks."""
    found = []
    for line in config_text.splitlines():
        if "file:" in line:
            path = Path(line.split("file:", 1)[1].strip().strip('"'))
            found.append(path.read_text().splitlines()[0].strip())
    return found


def run_cli_bytes(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """As `run_cli`, keeping stdout and stderr as the bytes the terminal would be sent."""
    return subprocess.run(
        [sys.executable, "-m", "sessionboard", *args],
        capture_output=True, stdin=subprocess.DEVNULL, timeout=60,
        env={**os.environ, **(env or {})},
    )
