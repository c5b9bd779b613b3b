"""What every test shares: the user's state directory is a temporary one, so the actions tests
take (every CLI `close`, `create`, `extend`, in this process or a child) append to an audit log
of the test run, never to the real user's `~/.local/state/sessionboard/audit.jsonl`."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    state = tmp_path_factory.mktemp("xdg-state")
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(state)  # children (the CLI in a subprocess) inherit it
    yield
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before
