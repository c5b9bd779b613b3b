"""The state file of the console's own choices: written atomically, 0600, read back; a broken one
is a warning and the defaults, never a crash."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sessionboard.config.state import MAX_STATE_BYTES, ConsoleState, load_state, save_state


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_saved_state_is_read_back_from_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "sessionboard" / "state.toml"
    state = ConsoleState(
        theme="sessionboard-light", theme_over="sessionboard-dark", sort="status", sort_reverse=True, columns=("id", "vnc")
    )
    save_state(path, state)
    assert load_state(path) == (state, None)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.toml"]  # no temporary file left


def test_a_rewrite_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    save_state(path, ConsoleState(theme="a", sort="provider"))
    before = path.stat().st_ino
    save_state(path, ConsoleState(theme="b"))
    assert load_state(path) == (ConsoleState(theme="b"), None)
    assert path.stat().st_ino != before  # a new file renamed over the old, never written in place
    assert mode(path) == 0o600


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.toml"
    save_state(path, ConsoleState(theme="old"))

    def no_rename(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sessionboard.config.state.os.replace", no_rename)
    with pytest.raises(OSError):
        save_state(path, ConsoleState(theme="new"))
    assert load_state(path) == (ConsoleState(theme="old"), None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.toml"]


def test_no_state_file_is_the_defaults_without_a_word(tmp_path: Path) -> None:
    assert load_state(tmp_path / "none.toml") == (ConsoleState(), None)


@pytest.mark.parametrize(
    "content",
    [b"theme = \"unterminated\n", b"\xff\xfe not utf-8", b"a = " + b"[" * 5000 + b"]" * 5000, b"x" * (MAX_STATE_BYTES + 1)],
    ids=["bad toml", "not utf-8", "deep", "too large"],
)
def test_a_broken_state_file_is_one_warning_and_the_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.toml"
    path.write_bytes(content)
    state, warning = load_state(path)
    assert state == ConsoleState()
    assert warning is not None and warning.startswith(f"state file {path} ") and "\n" not in warning


def test_values_of_the_wrong_shape_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    path.write_text(
        'theme = 3\nsort = "status"\ncolumns = ["a", 3]\ntheme_over = "x\\u001b]0;t\\u0007"\nsort_reverse = "yes"\n'
        'unknown = "kept out"\n'
    )
    assert load_state(path) == (ConsoleState(sort="status"), None)
    path.write_text('columns = ["id", "id", "vnc"]\nsort_reverse = true\n')
    assert load_state(path) == (ConsoleState(columns=("id", "vnc"), sort_reverse=True), None)


def test_the_config_wins_once_its_theme_was_edited() -> None:
    picked = ConsoleState(theme="light", theme_over="dark")
    assert picked.theme_for("dark") == "light"
    assert picked.theme_for("solarized") == "solarized"  # the user edited the file since
    assert ConsoleState().theme_for("dark") == "dark"
