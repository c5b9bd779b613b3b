"""Hostile-provider tests: each row of issue 14 against the hostile simulator, in the console
(Pilot, with the bytes the app writes to its driver captured) and in the CLI (a real subprocess,
its stdout and stderr read as bytes).

Every test runs with UTC (unless it sets a zone itself), the user's config, state, themes and
proxies kept out: HOME and the XDG dirs point into the test's tmp dir."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.hostile.helpers import PROXY_VARIABLES


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    home = tmp_path / "home"
    for name, sub in (("HOME", ""), ("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".local/state"),
                      ("XDG_CACHE_HOME", ".cache"), ("XDG_DATA_HOME", ".local/share")):
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(path))
    monkeypatch.delenv("SESSIONBOARD_CONFIG", raising=False)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "themes"
    empty.mkdir()
    monkeypatch.setattr("sessionboard.ui.app.user_themes_dir", lambda: empty)
