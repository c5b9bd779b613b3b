"""Console tests run against the simulators in-process (`httpx.ASGITransport` over the cluster's
app, one transport per provider), with a fixed simulator clock, a fixed console clock and UTC, so
what the screen shows depends on nothing but the seed."""

from __future__ import annotations

import time

import pytest


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture(autouse=True)
def _no_user_themes(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The user's own themes dir must not change what a test sees."""
    empty = tmp_path_factory.mktemp("themes")
    monkeypatch.setattr("sessionboard.ui.app.user_themes_dir", lambda: empty)
